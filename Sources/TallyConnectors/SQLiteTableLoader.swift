import TallyCompiler
import TallyEngine

/// What a load did.
public struct LoadSummary: Sendable, Hashable {
    /// Rows removed before inserting (replace modes).
    public var rowsDeleted: Int
    /// Rows inserted or upserted.
    public var rowsWritten: Int
}

/// Loads batches into one warehouse table with prepared statements, batch by batch: full runs of
/// `rowsPerStatement` rows go through one multi-row `INSERT ... VALUES (...), (...)` (SQLite then
/// opens the table once per run instead of once per row), the rest row by row.
///
/// Modes (`LoadMode` of the compiled pipeline):
/// - `replacePartition(column, value)`: deletes the rows whose `column` equals `value` (one partition,
///   e.g. one business date), then inserts; every loaded row must belong to that partition, so a
///   re-run replaces exactly the same rows.
/// - `merge(keys)`: upserts on `keys` (the table's primary key): new keys are inserted, existing
///   keys get their other columns updated, keys not loaded stay as they are.
/// - `replace`: deletes every row, then inserts.
///
/// The deletes can also run ahead of the load (`SQLiteWarehouse.clear`), in the same transaction.
///
/// The load runs inside a savepoint: inside the caller's transaction when one is open, otherwise
/// as its own transaction. `finish()` keeps the changes, `abort()` (or any failed insert, or
/// dropping the loader unfinished) undoes all of them (not a `clear` made before the load).
public final class SQLiteTableLoader {
    public let table: String
    public let schema: Schema
    public let mode: LoadMode
    public private(set) var summary = LoadSummary(rowsDeleted: 0, rowsWritten: 0)

    private let connection: SQLiteConnection
    /// Inserts one row per step.
    private let insert: SQLiteStatement
    /// Inserts `rowsPerStatement` rows per step.
    private let bulkInsert: SQLiteStatement
    private let rowsPerStatement: Int
    /// For `replacePartition`: which column must hold which stored value.
    private let partitionCheck: (column: Int, value: SQLiteValue)?
    private var open = true
    private static let savepoint = "tally_load"

    /// Starts the load. `cleared`: the rows a `clear(...)` in the same transaction already deleted
    /// for this load (then the load deletes nothing itself); nil: the load deletes them first.
    init(warehouse: SQLiteWarehouse, table: String, schema: Schema, mode: LoadMode, cleared: Int? = nil) throws {
        self.table = table
        self.schema = schema
        self.mode = mode
        connection = warehouse.connection
        let quotedTable = try SQLiteWarehouse.quoted(table, kind: "table")
        let names = try schema.names.map { try SQLiteWarehouse.quoted($0, kind: "column") }
        // Parameters per statement stay within SQLite's oldest default limit (999).
        let perStatement = Swift.max(1, Swift.min(64, 999 / Swift.max(1, schema.count)))
        rowsPerStatement = perStatement
        let replaced = try Replaced(table: table, schema: schema, mode: mode)
        partitionCheck = replaced.partition
        // Every row's partition column takes the first row's parameter, bound once below: the rows
        // are only checked against the partition value, not bound one by one.
        func values(rows: Int) -> String {
            (0..<rows).map { r in
                "(" + schema.fields.indices.map { c in
                    c == replaced.partition?.column ? "?\(c + 1)" : "?\(r * schema.count + c + 1)"
                }.joined(separator: ", ") + ")"
            }.joined(separator: ", ")
        }
        // `OR FAIL`: a failing statement keeps the rows it inserted before the failure instead of
        // undoing them itself, which spares SQLite a statement journal (a copy of every page each
        // multi-row statement touches, ~1.4 GB of temporary file writes for the seed job's day);
        // a failed load is undone as a whole by `abort()` anyway.
        let head = "INSERT OR FAIL INTO \(quotedTable) (" + names.joined(separator: ", ") + ") VALUES "
        var tail = ""
        if case .merge(let keys) = mode {
            guard !keys.isEmpty else { throw ConnectorError("merge into `\(table)` needs at least one key column") }
            var keyColumns: [Int] = []
            for k in keys {
                guard let c = schema.index(of: k) else {
                    throw ConnectorError("merge key `\(k)` is not a column of table `\(table)`")
                }
                keyColumns.append(c)
            }
            let others = schema.fields.indices.filter { !keyColumns.contains($0) }
            tail += " ON CONFLICT (" + keyColumns.map { names[$0] }.joined(separator: ", ") + ") DO "
            // Rows whose other columns are unchanged are left alone: no page is rewritten or journaled.
            tail += others.isEmpty
                ? "NOTHING"
                : "UPDATE SET " + others.map { "\(names[$0]) = excluded.\(names[$0])" }.joined(separator: ", ")
                    + " WHERE " + others.map { "\(names[$0]) IS NOT excluded.\(names[$0])" }.joined(separator: " OR ")
        }

        try connection.execute("SAVEPOINT \(Self.savepoint)")
        do {
            insert = try connection.prepare(head + values(rows: 1) + tail)
            bulkInsert = try connection.prepare(head + values(rows: perStatement) + tail)
            try bindPartition()
            summary.rowsDeleted = try cleared ?? replaced.delete(on: connection)
        } catch {
            try? connection.execute("ROLLBACK TO \(Self.savepoint); RELEASE \(Self.savepoint)")
            throw error
        }
    }

    deinit {
        if open { abort() }
    }

    /// Inserts the rows of `batch`, whose columns follow `schema`. On failure the whole load is undone.
    public func write(_ batch: Batch) throws {
        precondition(open, "write after finish or abort")
        do {
            guard batch.columns.count == schema.count else {
                throw ConnectorError("batch has \(batch.columns.count) columns, table `\(table)` expects \(schema.count)")
            }
            var lastDate = [(day: Int32, value: SQLiteValue)?](repeating: nil, count: batch.columns.count)
            let loadedBefore = summary.rowsWritten
            var row = 0
            // The statements read the batch's strings in place when they step (see `bind`).
            try withExtendedLifetime(batch) {
                while row < batch.count {
                    let bulk = batch.count - row >= rowsPerStatement
                    let statement = bulk ? bulkInsert : insert
                    let rows = row..<(row + (bulk ? rowsPerStatement : 1))
                    try bind(batch, rows: rows, to: statement, firstRowNumber: loadedBefore + row + 1, lastDate: &lastDate)
                    try statement.step()
                    statement.reset()
                    row = rows.upperBound
                    summary.rowsWritten += rows.count
                }
            }
            try releaseBatch()
        } catch {
            abort()
            throw error
        }
    }

    /// Clears the statements' bindings, which may point into a batch about to go, and binds the
    /// partition value again.
    private func releaseBatch() throws {
        insert.clearBindings()
        bulkInsert.clearBindings()
        try bindPartition()
    }

    /// Binds the partition value (replace-partition loads), shared by every row of a statement.
    private func bindPartition() throws {
        guard let partition = partitionCheck else { return }
        try insert.bind(partition.value, at: Int32(partition.column + 1))
        try bulkInsert.bind(partition.value, at: Int32(partition.column + 1))
    }

    /// Binds rows `rows` of `batch` to `statement`, one row after the other, column by column (each
    /// column's storage is opened once per statement). `firstRowNumber` (1-based, in the whole load)
    /// names the first row in errors.
    private func bind(_ batch: Batch, rows: Range<Int>, to statement: SQLiteStatement, firstRowNumber: Int,
                      lastDate: inout [(day: Int32, value: SQLiteValue)?]) throws {
        let width = Int32(schema.count)
        for (c, column) in batch.columns.enumerated() {
            if let check = partitionCheck, check.column == c {
                try checkPartition(column, named: schema[c].name, rows: rows, against: check.value,
                                   firstRowNumber: firstRowNumber, last: &lastDate[c])
                continue
            }
            let first = Int32(c + 1) - Int32(rows.lowerBound) * width
            @inline(__always) func parameter(_ row: Int) -> Int32 { first + Int32(row) * width }
            switch column.values {
            case .string(let strings):
                // SQLite reads the strings in place from the batch (no copy per value); `write`
                // clears the bindings before the batch goes.
                try strings.offsets.withUnsafeBufferPointer { offsets in
                    try strings.bytes.withUnsafeBufferPointer { bytes in
                        for row in rows {
                            if column.isNull(row) {
                                try statement.bindNull(at: parameter(row))
                            } else {
                                let slice = bytes[Int(offsets[row])..<Int(offsets[row + 1])]
                                try statement.bind(borrowedUTF8: UnsafeBufferPointer(rebasing: slice), at: parameter(row))
                            }
                        }
                    }
                }
            case .int(let ints):
                for row in rows {
                    if column.isNull(row) {
                        try statement.bindNull(at: parameter(row))
                    } else {
                        try statement.bind(ints[row], at: parameter(row))
                    }
                }
            default:
                for row in rows {
                    let value: SQLiteValue
                    // Dates repeat (a partition holds one): each column keeps the last one formatted.
                    if case .date(let days) = column.values, !column.isNull(row) {
                        if let last = lastDate[c], last.day == days[row] {
                            value = last.value
                        } else {
                            value = SQLiteStorage.value(of: column, row: row)
                            lastDate[c] = (days[row], value)
                        }
                    } else {
                        value = SQLiteStorage.value(of: column, row: row)
                    }
                    try statement.bind(value, at: parameter(row))
                }
            }
        }
    }

    /// Checks that rows `rows` of the partition column hold the partition's stored value (a date is
    /// formatted and compared once per run of equal days, via `last`).
    private func checkPartition(_ column: Column, named name: String, rows: Range<Int>, against expected: SQLiteValue,
                                firstRowNumber: Int, last: inout (day: Int32, value: SQLiteValue)?) throws {
        let days: [Int32]? = if case .date(let days) = column.values { days } else { nil }
        for row in rows {
            let day = column.isNull(row) ? nil : days?[row]
            if let day, last?.day == day { continue }
            let value = SQLiteStorage.value(of: column, row: row)
            guard value == expected else {
                throw ConnectorError("row \(firstRowNumber + row - rows.lowerBound) has \(name) = "
                                     + "\(value), outside the partition being replaced (\(expected))")
            }
            if let day { last = (day, value) }
        }
    }

    public func write(all stream: BatchStream) throws {
        while let batch = try stream.next() { try write(batch) }
    }

    /// Keeps the load's changes (they become durable when the surrounding transaction commits).
    @discardableResult
    public func finish() throws -> LoadSummary {
        precondition(open, "finish after finish or abort")
        open = false
        try connection.execute("RELEASE \(Self.savepoint)")
        return summary
    }

    /// Undoes the load's changes.
    public func abort() {
        guard open else { return }
        open = false
        insert.reset()
        bulkInsert.reset()
        insert.clearBindings()
        bulkInsert.clearBindings()
        try? connection.execute("ROLLBACK TO \(Self.savepoint); RELEASE \(Self.savepoint)")
    }
}

/// The rows a load replaces: every row (`replace`), one partition's (`replacePartition`, found
/// through the index `TABLE__COLUMN` on the partition column), or none (`merge`).
private struct Replaced {
    /// The `DELETE` and its parameter; nil for `merge`.
    var delete: (sql: String, parameter: SQLiteValue?)?
    /// Created before the delete.
    var indexSQL: String?
    /// For `replacePartition`: which column must hold which stored value.
    var partition: (column: Int, value: SQLiteValue)?

    init(table: String, schema: Schema, mode: LoadMode) throws {
        let quotedTable = try SQLiteWarehouse.quoted(table, kind: "table")
        switch mode {
        case .replace:
            delete = ("DELETE FROM \(quotedTable)", nil)
        case .replacePartition(let column, let value):
            guard let c = schema.index(of: column) else {
                throw ConnectorError("partition column `\(column)` is not a column of table `\(table)`")
            }
            guard let stored = SQLiteStorage.value(of: value, as: schema[c].type) else {
                throw ConnectorError("partition value `\(value)` does not fit column `\(column)` of type \(schema[c].type)")
            }
            let name = try SQLiteWarehouse.quoted(column, kind: "column")
            delete = ("DELETE FROM \(quotedTable) WHERE \(name) IS ?1", stored)
            partition = (c, stored)
            let index = try SQLiteWarehouse.quoted("\(table)__\(column)", kind: "index")
            indexSQL = "CREATE INDEX IF NOT EXISTS \(index) ON \(quotedTable) (\(name))"
        case .merge:
            break
        }
    }

    /// Deletes the replaced rows; returns how many there were.
    func delete(on connection: SQLiteConnection) throws -> Int {
        guard let delete else { return 0 }
        if let indexSQL { try connection.execute(indexSQL) }
        let statement = try connection.prepare(delete.sql)
        if let parameter = delete.parameter { try statement.bind(parameter, at: 1) }
        try statement.step()
        return connection.changes
    }
}

extension SQLiteWarehouse {
    /// Starts a load into `table` (columns named as in `schema`); feed it batches, then `finish()`.
    /// `cleared`: what `clear(table:schema:mode:)` returned for this load in the same transaction.
    public func loader(table: String, schema: Schema, mode: LoadMode, cleared: Int? = nil) throws -> SQLiteTableLoader {
        try SQLiteTableLoader(warehouse: self, table: table, schema: schema, mode: mode, cleared: cleared)
    }

    /// Deletes the rows a load in `mode` replaces, ahead of the load (which needs the rows, while this
    /// does not), and returns how many there were; pass that to `loader(..., cleared:)`. Runs in the
    /// open transaction, outside any load's savepoint: undone with the transaction, not with the load.
    public func clear(table: String, schema: Schema, mode: LoadMode) throws -> Int {
        try Replaced(table: table, schema: schema, mode: mode).delete(on: connection)
    }

    /// Loads every batch of `stream` into `table`.
    @discardableResult
    public func load(_ stream: BatchStream, table: String, schema: Schema, mode: LoadMode) throws -> LoadSummary {
        let loader = try loader(table: table, schema: schema, mode: mode)
        try loader.write(all: stream)
        return try loader.finish()
    }

    /// Loads the given batches into `table`.
    @discardableResult
    public func load(_ batches: [Batch], table: String, schema: Schema, mode: LoadMode) throws -> LoadSummary {
        let loader = try loader(table: table, schema: schema, mode: mode)
        for b in batches { try loader.write(b) }
        return try loader.finish()
    }
}
