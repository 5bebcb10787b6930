import Foundation
import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct SQLiteWarehouseTests {
    let schema = Schema([
        Field("business_date", .date, nullable: false), Field("sku", .string, nullable: false),
        Field("qty", .int), Field("amount", .decimal(precision: 12, scale: 2)), Field("ratio", .double),
        Field("flag", .bool), Field("seen_at", .timestamp),
    ])
    let day = CivilDate.days(year: 2024, month: 1, day: 1)

    /// Rows (sku, qty, amount in cents) of one business date.
    func batch(day: Int32, _ rows: [(String, Int64?, Int128)]) -> Batch {
        var skus = StringArray()
        var qtyValid = Bitmap(count: rows.count, value: true)
        for (i, r) in rows.enumerated() {
            skus.append(r.0)
            if r.1 == nil { qtyValid[i] = false }
        }
        let n = rows.count
        return Batch(columns: [
            Column(type: .date, values: .date(Array(repeating: day, count: n))),
            Column(type: .string, values: .string(skus)),
            Column(type: .int, values: .int(rows.map { $0.1 ?? 0 }), validity: qtyValid),
            Column(type: .decimal(precision: 12, scale: 2), values: .decimal(rows.map(\.2))),
            Column(type: .double, values: .double(Array(repeating: 0.5, count: n))),
            Column(type: .bool, values: .bool(Array(repeating: true, count: n))),
            Column(type: .timestamp, values: .timestamp(Array(repeating: Int64(day) * 86_400_000_000 + 1, count: n))),
        ], count: n)
    }

    /// Lives as long as the test (a new suite value is made for each test).
    let dir = TempDir()

    func open() throws -> (SQLiteWarehouse, TempDir) {
        (try SQLiteWarehouse(path: dir.path + "/wh/nested/warehouse.db"), dir)
    }

    func skuQtyAmount(_ wh: SQLiteWarehouse, _ table: String = "stock") throws -> [[SQLiteValue]] {
        try wh.rows("SELECT business_date, sku, qty, amount FROM \(table) ORDER BY business_date, sku")
    }

    @Test func createsTableWithTypeMapping() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema, primaryKey: ["business_date", "sku"])
        #expect(try wh.tableColumns("stock") == schema.names)
        let types = try wh.rows("SELECT name, type, \"notnull\", pk FROM pragma_table_info('stock') ORDER BY cid")
        #expect(types.map { $0[1] } == ["TEXT", "TEXT", "INTEGER", "TEXT", "REAL", "INTEGER", "TEXT"].map { .text($0) })
        #expect(types.map { $0[2] } == [1, 1, 0, 0, 0, 0, 0].map { .integer($0) })
        #expect(types.map { $0[3] } == [1, 2, 0, 0, 0, 0, 0].map { .integer($0) })
        // Idempotent when the table matches, whatever the column order.
        try wh.ensureTable("stock", schema: Schema(schema.fields.reversed()), primaryKey: ["sku", "business_date"])
    }

    @Test func storesValuesInTheirDocumentedForm() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.load([batch(day: day, [("A", 3, -105)])], table: "stock", schema: schema, mode: .replace)
        #expect(try wh.rows("SELECT * FROM stock") == [[
            .text("2024-01-01"), .text("A"), .integer(3), .text("-1.05"), .real(0.5), .integer(1),
            .text("2024-01-01 00:00:00.000001"),
        ]])
    }

    @Test func schemaMismatchListsMissingAndExtraColumns() throws {
        let (wh, _) = try open()
        try wh.connection.execute("CREATE TABLE stock (business_date TEXT, sku TEXT, qty INTEGER, legacy TEXT)")
        do {
            try wh.ensureTable("stock", schema: schema)
            Issue.record("expected a mismatch error")
        } catch let e as ConnectorError {
            #expect(e.message == "table `stock` does not match the output schema: missing columns `amount`, `ratio`, "
                    + "`flag`, `seen_at`; unexpected columns `legacy`")
        }
    }

    @Test func primaryKeyMismatchIsReported() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        #expect(throws: ConnectorError.self) { try wh.ensureTable("stock", schema: schema, primaryKey: ["sku"]) }
    }

    @Test(arguments: ["", "1abc", "drop table", "a-b", "na\"me", "é"])
    func invalidIdentifiersAreRefused(_ name: String) throws {
        let (wh, _) = try open()
        #expect(throws: ConnectorError.self) { try SQLiteWarehouse.validateIdentifier(name) }
        #expect(throws: ConnectorError.self) { try wh.ensureTable(name, schema: schema) }
        #expect(throws: ConnectorError.self) {
            try wh.ensureTable("t", schema: Schema([Field(name, .int)]))
        }
    }

    @Test(arguments: ["a", "_x", "Stock_2024", "select"])
    func validIdentifiersAreAccepted(_ name: String) throws {
        try SQLiteWarehouse.validateIdentifier(name)
        let (wh, _) = try open()
        try wh.ensureTable(name, schema: Schema([Field(name, .int)]))
        #expect(try wh.tableColumns(name) == [name])
    }

    @Test func replacePartitionReplacesOnlyThatDate() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.begin()
        try wh.load([batch(day: day, [("A", 1, 100), ("B", 2, 200)])], table: "stock", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day)))
        try wh.load([batch(day: day + 1, [("A", 5, 500)])], table: "stock", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day + 1)))
        try wh.commit()
        let summary = try wh.load([batch(day: day, [("C", nil, 300)])], table: "stock", schema: schema,
                                  mode: .replacePartition(column: "business_date", value: .date(day)))
        #expect(summary == LoadSummary(rowsDeleted: 2, rowsWritten: 1))
        // The delete finds the partition through the index on the partition column.
        let plan = try wh.rows("EXPLAIN QUERY PLAN DELETE FROM stock WHERE business_date IS '2024-01-01'")
        #expect(plan.contains { $0.contains(.text("SEARCH stock USING INDEX stock__business_date (business_date=?)")) })
        #expect(try skuQtyAmount(wh) == [
            [.text("2024-01-01"), .text("C"), .null, .text("3.00")],
            [.text("2024-01-02"), .text("A"), .integer(5), .text("5.00")],
        ])
    }

    @Test func replacePartitionRefusesRowsOfAnotherPartition() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.load([batch(day: day, [("A", 1, 100)])], table: "stock", schema: schema, mode: .replace)
        #expect(throws: ConnectorError.self) {
            try wh.load([batch(day: day + 1, [("B", 1, 100)])], table: "stock", schema: schema,
                        mode: .replacePartition(column: "business_date", value: .date(day)))
        }
        // The failed load was undone, including its delete.
        #expect(try wh.rowCount(of: "stock") == 1)
    }

    /// A constraint the table holds (here a NOT NULL the load's schema does not declare) failing in
    /// the middle of a multi-row statement undoes the whole load: the statement's earlier rows, the
    /// earlier statements and the delete, while the rows of the transaction before it stay.
    @Test(arguments: [1, 63, 64, 65, 130, 199])
    func constraintFailureInsideAStatementUndoesTheLoad(failingRow: Int) throws {
        let (wh, _) = try open()
        try wh.connection.execute("""
            CREATE TABLE stock (business_date TEXT NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL,
              amount TEXT, ratio REAL, flag INTEGER, seen_at TEXT)
            """)
        try wh.begin()
        try wh.load([batch(day: day, [("A", 1, 100), ("B", 2, 200)])], table: "stock", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day)))
        let rows = (0..<200).map { i in ("S\(i)", i == failingRow ? nil : Int64(i), Int128(i)) }
        #expect(throws: SQLiteError.self) {
            try wh.load([batch(day: day, rows)], table: "stock", schema: schema,
                        mode: .replacePartition(column: "business_date", value: .date(day)))
        }
        try wh.commit()
        #expect(try skuQtyAmount(wh) == [
            [.text("2024-01-01"), .text("A"), .integer(1), .text("1.00")],
            [.text("2024-01-01"), .text("B"), .integer(2), .text("2.00")],
        ])
    }

    @Test func mergeUpsertsAndKeepsUntouchedRows() throws {
        let (wh, _) = try open()
        let keys = ["business_date", "sku"]
        try wh.ensureTable("stock", schema: schema, primaryKey: keys)
        try wh.load([batch(day: day, [("A", 1, 100), ("B", 2, 200)])], table: "stock", schema: schema, mode: .merge(keys: keys))
        let second = [batch(day: day, [("B", 7, 777), ("C", 3, 300)])]
        try wh.load(second, table: "stock", schema: schema, mode: .merge(keys: keys))
        let expected: [[SQLiteValue]] = [
            [.text("2024-01-01"), .text("A"), .integer(1), .text("1.00")],
            [.text("2024-01-01"), .text("B"), .integer(7), .text("7.77")],
            [.text("2024-01-01"), .text("C"), .integer(3), .text("3.00")],
        ]
        #expect(try skuQtyAmount(wh) == expected)
        let before = try wh.allRows(of: "stock")
        func rowsChanged(by load: [Batch]) throws -> SQLiteValue {
            let start = try wh.rows("SELECT total_changes()")[0][0]
            try wh.load(load, table: "stock", schema: schema, mode: .merge(keys: keys))
            guard case .integer(let s) = start, case .integer(let e) = try wh.rows("SELECT total_changes()")[0][0]
            else { return .null }
            return .integer(e - s)
        }
        // Rows whose values are unchanged are not rewritten; a changed one is.
        #expect(try rowsChanged(by: second) == .integer(0))
        #expect(try wh.allRows(of: "stock") == before)
        #expect(try rowsChanged(by: [batch(day: day, [("B", 7, 778), ("C", 3, 300)])]) == .integer(1))
        #expect(try skuQtyAmount(wh)[1] == [.text("2024-01-01"), .text("B"), .integer(7), .text("7.78")])
    }

    @Test func keyedTablesAreStoredInKeyOrder() throws {
        let (wh, _) = try open()
        try wh.ensureTable("keyed", schema: schema, primaryKey: ["sku"])
        try wh.ensureTable("plain", schema: schema)
        let sql = try wh.rows("SELECT name, sql LIKE '%WITHOUT ROWID' FROM sqlite_master WHERE type = 'table' ORDER BY name")
        #expect(sql == [[.text("keyed"), .integer(1)], [.text("plain"), .integer(0)]])
    }

    /// Rows go in runs through one multi-row statement and the rest row by row: every row lands once,
    /// a key repeated inside one statement keeps its last value, and errors name the row of the load.
    @Test(arguments: [1, 63, 64, 65, 150])
    func loadsEveryRowAcrossMultiRowStatements(rows: Int) throws {
        let (wh, _) = try open()
        let keys = ["business_date", "sku"]
        try wh.ensureTable("stock", schema: schema, primaryKey: keys)
        let input = (0..<rows).map { ("S\($0 % 100)", Int64?(Int64($0)), Int128($0)) }
        let summary = try wh.load([batch(day: day, input), batch(day: day, input.prefix(3).map { $0 })], table: "stock",
                                  schema: schema, mode: .merge(keys: keys))
        #expect(summary.rowsWritten == rows + Swift.min(3, rows))
        var last: [String: Int64] = [:]
        for (sku, qty, _) in input { last[sku] = qty }
        for (sku, qty, _) in input.prefix(3) { last[sku] = qty }
        let stored = try wh.rows("SELECT sku, qty FROM stock ORDER BY sku")
        #expect(stored == last.sorted { $0.key < $1.key }.map { [.text($0.key), .integer($0.value)] })

        try wh.ensureTable("daily", schema: schema)
        // Every row of a multi-row statement stores the partition's date (bound once per statement).
        try wh.load([batch(day: day, input)], table: "daily", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day)))
        #expect(try wh.rows("SELECT business_date, count(*) FROM daily GROUP BY 1") == [[.text("2024-01-01"), .integer(Int64(rows))]])
        var mixed = input.map { _ in day }
        mixed[rows - 1] = day + 1
        let dates = Column(type: .date, values: .date(mixed))
        var wrong = batch(day: day, input)
        wrong.columns[0] = dates
        #expect { try wh.load([batch(day: day, input), wrong], table: "daily", schema: schema,
                              mode: .replacePartition(column: "business_date", value: .date(day))) } throws: { error in
            "\(error)".contains("row \(2 * rows) has business_date")
        }
        #expect(try wh.rowCount(of: "daily") == rows)
    }

    @Test func mergeNeedsTheKeyToBeThePrimaryKey() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        #expect(throws: SQLiteError.self) {
            try wh.load([self.batch(day: day, [("A", 1, 1)])], table: "stock", schema: schema, mode: .merge(keys: ["sku"]))
        }
    }

    @Test func replaceTableDeletesEverythingFirst() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.load([batch(day: day, [("A", 1, 100), ("B", 2, 200)])], table: "stock", schema: schema, mode: .replace)
        let s = try wh.load([batch(day: day + 3, [("Z", 9, 900)])], table: "stock", schema: schema, mode: .replace)
        #expect(s.rowsDeleted == 2)
        #expect(try skuQtyAmount(wh) == [[.text("2024-01-04"), .text("Z"), .integer(9), .text("9.00")]])
        // Re-running gives the same table.
        let before = try wh.allRows(of: "stock")
        try wh.load([batch(day: day + 3, [("Z", 9, 900)])], table: "stock", schema: schema, mode: .replace)
        #expect(try wh.allRows(of: "stock") == before)
    }

    @Test func rollbackLeavesTheTableUnchanged() throws {
        let (wh, dir) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.load([batch(day: day, [("A", 1, 100)])], table: "stock", schema: schema, mode: .replace)
        let before = try wh.allRows(of: "stock")
        try wh.begin()
        try wh.load([batch(day: day, [("B", 2, 200)])], table: "stock", schema: schema, mode: .replace)
        try wh.load([batch(day: day + 1, [("C", 2, 200)])], table: "stock", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day + 1)))
        #expect(try wh.rowCount(of: "stock") == 2)
        try wh.rollback()
        #expect(try wh.allRows(of: "stock") == before)
        // Also as seen by a fresh connection.
        let other = try SQLiteWarehouse(path: dir.path + "/wh/nested/warehouse.db")
        #expect(try other.allRows(of: "stock") == before)
    }

    /// Pages written and synced ahead of the commit are in the file before it; a rollback still
    /// restores the table, a commit keeps them.
    @Test(arguments: [false, true])
    func pagesWrittenAheadOfTheCommit(commits: Bool) throws {
        let (wh, dir) = try open()
        let path = dir.path + "/wh/nested/warehouse.db"
        try wh.ensureTable("stock", schema: schema)
        try wh.load([batch(day: day, [("A", 1, 100)])], table: "stock", schema: schema, mode: .replace)
        let before = try wh.allRows(of: "stock")
        func fileSize() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        let sizeBefore = try fileSize()
        try wh.begin()
        let rows = (0..<5000).map { ("S\($0)", Int64?($0), Int128($0)) }
        try wh.load([batch(day: day + 1, rows)], table: "stock", schema: schema,
                    mode: .replacePartition(column: "business_date", value: .date(day + 1)))
        #expect(try fileSize() == sizeBefore)
        wh.writeAhead()
        #expect(try fileSize() > sizeBefore)
        if commits { try wh.commit() } else { try wh.rollback() }
        let other = try SQLiteWarehouse(path: path)
        #expect(try other.rowCount(of: "stock") == (commits ? 5001 : 1))
        if !commits { #expect(try other.allRows(of: "stock") == before) }
    }

    @Test func failingInsertUndoesTheWholeLoadButNotTheTransaction() throws {
        let (wh, _) = try open()
        try wh.ensureTable("stock", schema: schema)
        try wh.begin()
        try wh.load([batch(day: day, [("A", 1, 100)])], table: "stock", schema: schema, mode: .replace)
        var strings = StringArray()
        strings.append("")
        let nullSku = Batch(columns: batch(day: day, [("X", 1, 1)]).columns.enumerated().map { i, c in
            i == 1 ? Column(type: .string, values: .string(strings), validity: Bitmap(count: 1, value: false)) : c
        }, count: 1)
        #expect(throws: SQLiteError.self) {
            try wh.load([self.batch(day: day, [("B", 1, 1)]), nullSku], table: "stock", schema: schema, mode: .replace)
        }
        try wh.commit()
        #expect(try skuQtyAmount(wh) == [[.text("2024-01-01"), .text("A"), .integer(1), .text("1.00")]])
    }

    @Test func sqliteErrorsCarryTheMessage() throws {
        let (wh, _) = try open()
        do {
            _ = try wh.rows("SELECT * FROM nowhere")
            Issue.record("expected an error")
        } catch let e as SQLiteError {
            #expect(e.message.contains("no such table: nowhere"))
            #expect(e.sql == "SELECT * FROM nowhere")
        }
    }
}
