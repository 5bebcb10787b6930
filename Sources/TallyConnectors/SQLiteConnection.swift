import CSQLite
import Foundation

/// A failed SQLite call: the result code, SQLite's own message and the statement involved.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in `\($0)`)" } ?? "")
    }
}

/// An open SQLite database handle (thin wrapper over the C API; one per thread of use).
public final class SQLiteConnection {
    public let path: String
    let handle: OpaquePointer

    /// Process-wide settings applied before the first connection opens.
    private static let configured: Void = {
        _ = tally_sqlite3_disable_memstatus()
    }()

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String) throws {
        self.path = path
        Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: nil)
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that take no parameters and return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// Compiles `sql` into a statement.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return SQLiteStatement(connection: self, handle: stmt, sql: sql)
    }

    /// Writes the open transaction's changed pages into the database file now, as SQLite does when
    /// its cache spills (the rollback journal is synced first, so a rollback still restores the
    /// file). Returns whether every page was written (false when a lock or an error stopped it; the
    /// commit then writes what is left and reports any error).
    func writeChangedPages() -> Bool {
        sqlite3_db_cacheflush(handle) == SQLITE_OK
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open.
    public var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: lastErrorMessage, sql: sql)
    }
}

/// A compiled SQL statement. Bind parameters (1-based), `step()` until it returns false, `reset()`
/// to run it again. Finalized when released.
public final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer
    public let sql: String

    /// Tells SQLite to copy bound text before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ text: String, at index: Int32) throws {
        var text = text
        try text.withUTF8 { try bind(utf8: $0, at: index) }
    }

    /// Binds UTF-8 bytes as TEXT.
    public func bind(utf8 bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        try bindText(bytes, at: index, destructor: Self.transient)
    }

    /// Binds UTF-8 bytes as TEXT without a copy: SQLite reads them in place when the statement
    /// steps, so they must stay valid and unchanged until then, and the parameter must be rebound
    /// or the bindings cleared (`clearBindings`) before they go away.
    public func bind(borrowedUTF8 bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        // No destructor (SQLITE_STATIC): SQLite neither copies nor frees the bytes.
        try bindText(bytes, at: index, destructor: nil)
    }

    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32,
                          destructor: sqlite3_destructor_type?) throws {
        // A non-null pointer is needed even for empty text, else SQLite binds NULL.
        let empty: StaticString = ""
        let base = bytes.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(empty.utf8Start)
        try check(sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                    destructor))
    }

    /// Sets every parameter to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Runs the statement to its next row: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql: sql)
        }
    }

    /// Makes the statement ready to run again (bindings are kept until rebound).
    public func reset() {
        sqlite3_reset(handle)
    }

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }

    /// Binds a value by its storage class.
    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        }
    }

    /// Column `i` of the current row, by its storage class.
    public func value(at i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_NULL: return .null
        default:
            guard let p = sqlite3_column_text(handle, i) else { return .null }
            let n = Int(sqlite3_column_bytes(handle, i))
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
    }
}

/// A value as SQLite stores it.
public enum SQLiteValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        }
    }
}
