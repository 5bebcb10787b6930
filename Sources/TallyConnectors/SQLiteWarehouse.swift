import Foundation
import TallyCompiler
import TallyEngine

/// A SQLite database used as the pipeline's warehouse: creates and checks tables from schemas and
/// loads batches into them (see `load`), inside transactions the caller controls.
///
/// Storage of tally types: int INTEGER, decimal TEXT (canonical text at the column's scale, since
/// SQLite has no exact decimal), double REAL, string TEXT, bool INTEGER 0/1, date TEXT
/// `YYYY-MM-DD`, timestamp TEXT `YYYY-MM-DD HH:MM:SS[.ffffff]`.
public final class SQLiteWarehouse {
    public let path: String
    public let connection: SQLiteConnection

    /// Opens (creating if needed) the database at `path`, creating its parent folders.
    public init(path: String) throws {
        self.path = path
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ConnectorError("cannot create directory: \(error.localizedDescription)", path: dir)
        }
        connection = try SQLiteConnection(path: path)
        // A new database gets 64 KiB pages (SQLite's largest; an existing one keeps its own): a day's
        // load appends hundreds of thousands of rows, and larger pages mean fewer B-tree pages to
        // split, journal and write (-35% load time for the seed job's tables than with 4 KiB).
        try connection.execute("PRAGMA page_size = 65536")
        // 32 MiB of page cache (SQLite's default is 2 MiB): a day's load of a few hundred thousand
        // rows then works in memory instead of re-reading and spilling pages mid-transaction.
        try connection.execute("PRAGMA cache_size = -32768")
    }

    // MARK: Transactions

    /// Starts a transaction that takes the write lock at once.
    public func begin() throws { try connection.execute("BEGIN IMMEDIATE") }

    public func commit() throws { try connection.execute("COMMIT") }

    /// Does ahead of the commit what the commit would spend most of its time on: writes the open
    /// transaction's changed pages into the database file and syncs the file. Meant for when other
    /// work still runs (the commit waits for it): the commit is then left with little to write and
    /// sync. The file stays protected by the rollback journal, as when SQLite spills pages, so a
    /// rollback still restores it. Best effort: when a reader's lock or an error stops it, the commit
    /// writes and syncs what is left and reports any error.
    public func writeAhead() {
        guard connection.inTransaction, connection.writeChangedPages() else { return }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        #if canImport(Glibc)
        _ = fdatasync(fd)
        #else
        _ = fsync(fd)
        #endif
        close(fd)
    }

    /// Undoes the open transaction; does nothing when none is open.
    public func rollback() throws {
        if connection.inTransaction { try connection.execute("ROLLBACK") }
    }

    // MARK: Identifiers

    /// Checks that `name` is a plain identifier (`^[A-Za-z_][A-Za-z0-9_]*$`).
    public static func validateIdentifier(_ name: String, kind: String = "identifier") throws {
        var first = true
        for c in name.utf8 {
            let letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
            let digit = c >= 48 && c <= 57
            guard letter || (!first && digit) else {
                throw ConnectorError("`\(name)` is not a valid \(kind): use letters, digits and `_`, "
                                     + "not starting with a digit")
            }
            first = false
        }
        if first { throw ConnectorError("the \(kind) name is empty") }
    }

    /// `name` in double quotes, after validation.
    public static func quoted(_ name: String, kind: String = "identifier") throws -> String {
        try validateIdentifier(name, kind: kind)
        return "\"" + name + "\""
    }

    // MARK: Tables

    public func tableExists(_ name: String) throws -> Bool {
        let stmt = try connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE")
        try stmt.bind(name, at: 1)
        return try stmt.step()
    }

    /// Column names of table `name` in table order (empty when the table does not exist).
    public func tableColumns(_ name: String) throws -> [String] {
        try tableInfo(name).map(\.name)
    }

    /// Creates table `name` from `schema` unless it exists; if it exists, checks that its columns
    /// are the schema's (in any order) and, when `primaryKey` is given, that its primary key is.
    public func ensureTable(_ name: String, schema: Schema, primaryKey: [String]? = nil) throws {
        let table = try Self.quoted(name, kind: "table")
        for f in schema.fields { try Self.validateIdentifier(f.name, kind: "column") }
        let keys = primaryKey ?? []
        for k in keys where schema.index(of: k) == nil {
            throw ConnectorError("key column `\(k)` is not a column of table `\(name)`", path: path)
        }
        let info = try tableInfo(name)
        if info.isEmpty {
            let keySet = Set(keys.map { $0.lowercased() })
            var defs = schema.fields.map { f in
                let notNull = !f.nullable || keySet.contains(f.name.lowercased())
                return "\"\(f.name)\" \(Self.sqlType(f.type))" + (notNull ? " NOT NULL" : "")
            }
            if !keys.isEmpty { defs.append("PRIMARY KEY (" + keys.map { "\"\($0)\"" }.joined(separator: ", ") + ")") }
            // A keyed table is stored in key order (`WITHOUT ROWID`): an upsert then searches one
            // B-tree instead of the key index and then the rows.
            try connection.execute("CREATE TABLE \(table) (\n  " + defs.joined(separator: ",\n  ") + "\n)"
                                   + (keys.isEmpty ? "" : " WITHOUT ROWID"))
            return
        }
        try verify(name, info: info, schema: schema, primaryKey: primaryKey)
    }

    private func verify(_ name: String, info: [ColumnInfo], schema: Schema, primaryKey: [String]?) throws {
        let existing = info.map { $0.name.lowercased() }
        let wanted = schema.names.map { $0.lowercased() }
        let missing = schema.names.filter { !existing.contains($0.lowercased()) }
        let extra = info.map(\.name).filter { !wanted.contains($0.lowercased()) }
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing columns " + missing.map { "`\($0)`" }.joined(separator: ", ")) }
            if !extra.isEmpty { parts.append("unexpected columns " + extra.map { "`\($0)`" }.joined(separator: ", ")) }
            throw ConnectorError("table `\(name)` does not match the output schema: " + parts.joined(separator: "; "),
                                 path: path, hint: "drop or migrate the table, or change the pipeline's columns")
        }
        guard let primaryKey else { return }
        let tableKey = info.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
        if Set(tableKey.map { $0.lowercased() }) != Set(primaryKey.map { $0.lowercased() }) {
            let shown = tableKey.isEmpty ? "no primary key" : "primary key (" + tableKey.joined(separator: ", ") + ")"
            throw ConnectorError("table `\(name)` has \(shown), but the merge keys are ("
                                 + primaryKey.joined(separator: ", ") + ")", path: path)
        }
    }

    struct ColumnInfo {
        var name: String
        var type: String
        var notNull: Bool
        var pk: Int
    }

    private func tableInfo(_ name: String) throws -> [ColumnInfo] {
        let stmt = try connection.prepare("PRAGMA table_info(\(try Self.quoted(name, kind: "table")))")
        var result: [ColumnInfo] = []
        while try stmt.step() {
            guard case .text(let colName) = stmt.value(at: 1) else { continue }
            let type: String = if case .text(let t) = stmt.value(at: 2) { t } else { "" }
            let notNull = stmt.value(at: 3) == .integer(1)
            let pk: Int = if case .integer(let p) = stmt.value(at: 5) { Int(p) } else { 0 }
            result.append(ColumnInfo(name: colName, type: type, notNull: notNull, pk: pk))
        }
        return result
    }

    /// The SQLite column type used for a tally type.
    public static func sqlType(_ type: DataType) -> String {
        switch type {
        case .int, .bool: "INTEGER"
        case .double: "REAL"
        case .decimal, .string, .date, .timestamp, .null: "TEXT"
        }
    }

    // MARK: Queries

    /// Runs a query and returns its rows by storage class.
    public func rows(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let stmt = try connection.prepare(sql)
        for (i, p) in parameters.enumerated() { try stmt.bind(p, at: Int32(i + 1)) }
        var result: [[SQLiteValue]] = []
        while try stmt.step() {
            result.append((0..<stmt.columnCount).map { stmt.value(at: $0) })
        }
        return result
    }

    /// Rows of table `name` in SQLite's storage form, ordered by all columns (for tests and summaries).
    public func allRows(of name: String) throws -> [[SQLiteValue]] {
        let table = try Self.quoted(name, kind: "table")
        let order = try tableColumns(name).map { "\"\($0)\"" }.joined(separator: ", ")
        return try rows("SELECT * FROM \(table) ORDER BY \(order)")
    }

    public func rowCount(of name: String) throws -> Int {
        guard case .integer(let n) = try rows("SELECT count(*) FROM \(try Self.quoted(name, kind: "table"))")[0][0]
        else { return 0 }
        return Int(n)
    }
}
