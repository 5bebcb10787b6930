#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of a connector that stops the run: unreadable files, bad headers, database errors.
///
/// Row-level problems in input data are not errors: they become `RejectedRow`s.
public struct ConnectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or database the problem is about, when there is one.
    public var path: String?
    /// What went wrong, in a full sentence.
    public var message: String
    /// How to fix it ("did you mean `quantity`?"), when known.
    public var hint: String?

    public init(_ message: String, path: String? = nil, hint: String? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
    }

    /// `path: message (hint: ...)`.
    public var description: String {
        (path.map { "\($0): " } ?? "") + message + (hint.map { " (hint: \($0))" } ?? "")
    }

    /// An error from a C call that set `errno`.
    static func system(_ what: String, path: String, errno code: Int32) -> ConnectorError {
        ConnectorError("\(what) failed: \(String(cString: strerror(code)))", path: path)
    }
}
