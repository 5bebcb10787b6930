import TallyCompiler
import TallyEngine

/// What a load did.
public struct LoadSummary: Sendable, Hashable {
    /// Rows removed before inserting (replace modes).
    public var rowsDeleted: Int
    /// Rows inserted or upserted.
    public var rowsWritten: Int
}

/// Loads batches into one warehouse table with one prepared statement, batch by batch.
///
/// Modes (`LoadMode` of the compiled pipeline):
/// - `replacePartition(column, value)`: deletes the rows whose `column` equals `value` (one partition,
///   e.g. one business date), then inserts; every loaded row must belong to that partition, so a
///   re-run replaces exactly the same rows.
/// - `merge(keys)`: upserts on `keys` (the table's primary key): new keys are inserted, existing
///   keys get their other columns updated, keys not loaded stay as they are.
/// - `replace`: deletes every row, then inserts.
///
/// The load runs inside a savepoint: inside the caller's transaction when one is open, otherwise
/// as its own transaction. `finish()` keeps the changes, `abort()` (or any failed insert, or
/// dropping the loader unfinished) undoes all of them.
public final class SQLiteTableLoader {
    public let table: String
    public let schema: Schema
    public let mode: LoadMode
    public private(set) var summary = LoadSummary(rowsDeleted: 0, rowsWritten: 0)

    private let connection: SQLiteConnection
    private let insert: SQLiteStatement
    /// For `replacePartition`: which column must hold which stored value.
    private let partitionCheck: (column: Int, value: SQLiteValue)?
    private var open = true
    private static let savepoint = "tally_load"

    init(warehouse: SQLiteWarehouse, table: String, schema: Schema, mode: LoadMode) throws {
        self.table = table
        self.schema = schema
        self.mode = mode
        connection = warehouse.connection
        let quotedTable = try SQLiteWarehouse.quoted(table, kind: "table")
        let names = try schema.names.map { try SQLiteWarehouse.quoted($0, kind: "column") }
        var sql = "INSERT INTO \(quotedTable) (" + names.joined(separator: ", ") + ") VALUES ("
            + schema.fields.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ")"
        var deleteSQL: String?
        var deleteValue: SQLiteValue?
        var check: (Int, SQLiteValue)?

        switch mode {
        case .replace:
            deleteSQL = "DELETE FROM \(quotedTable)"
        case .replacePartition(let column, let value):
            guard let c = schema.index(of: column) else {
                throw ConnectorError("partition column `\(column)` is not a column of table `\(table)`")
            }
            guard let stored = SQLiteStorage.value(of: value, as: schema[c].type) else {
                throw ConnectorError("partition value `\(value)` does not fit column `\(column)` of type \(schema[c].type)")
            }
            deleteSQL = "DELETE FROM \(quotedTable) WHERE \(names[c]) IS ?1"
            deleteValue = stored
            check = (c, stored)
        case .merge(let keys):
            guard !keys.isEmpty else { throw ConnectorError("merge into `\(table)` needs at least one key column") }
            var keyColumns: [Int] = []
            for k in keys {
                guard let c = schema.index(of: k) else {
                    throw ConnectorError("merge key `\(k)` is not a column of table `\(table)`")
                }
                keyColumns.append(c)
            }
            let others = schema.fields.indices.filter { !keyColumns.contains($0) }
            sql += " ON CONFLICT (" + keyColumns.map { names[$0] }.joined(separator: ", ") + ") DO "
            sql += others.isEmpty
                ? "NOTHING"
                : "UPDATE SET " + others.map { "\(names[$0]) = excluded.\(names[$0])" }.joined(separator: ", ")
        }
        partitionCheck = check

        try connection.execute("SAVEPOINT \(Self.savepoint)")
        do {
            insert = try connection.prepare(sql)
            if let deleteSQL {
                let delete = try connection.prepare(deleteSQL)
                if let deleteValue { try delete.bind(deleteValue, at: 1) }
                try delete.step()
                summary.rowsDeleted = connection.changes
            }
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
            // Dates repeat (a partition holds one); each column keeps the last one it formatted.
            var lastDate = [(day: Int32, value: SQLiteValue)?](repeating: nil, count: batch.columns.count)
            for row in 0..<batch.count {
                for (c, column) in batch.columns.enumerated() {
                    // Strings go to SQLite straight from the column's bytes.
                    if case .string(let strings) = column.values, !column.isNull(row), partitionCheck?.column != c {
                        try strings.bytes.withUnsafeBufferPointer { bytes in
                            let slice = bytes[Int(strings.offsets[row])..<Int(strings.offsets[row + 1])]
                            try insert.bind(utf8: UnsafeBufferPointer(rebasing: slice), at: Int32(c + 1))
                        }
                        continue
                    }
                    let value: SQLiteValue
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
                    if let check = partitionCheck, check.column == c, value != check.value {
                        throw ConnectorError("row \(summary.rowsWritten + 1) has \(schema[c].name) = \(value), outside "
                                             + "the partition being replaced (\(check.value))")
                    }
                    try insert.bind(value, at: Int32(c + 1))
                }
                try insert.step()
                insert.reset()
                summary.rowsWritten += 1
            }
        } catch {
            abort()
            throw error
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
        try? connection.execute("ROLLBACK TO \(Self.savepoint); RELEASE \(Self.savepoint)")
    }
}

extension SQLiteWarehouse {
    /// Starts a load into `table` (columns named as in `schema`); feed it batches, then `finish()`.
    public func loader(table: String, schema: Schema, mode: LoadMode) throws -> SQLiteTableLoader {
        try SQLiteTableLoader(warehouse: self, table: table, schema: schema, mode: mode)
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
