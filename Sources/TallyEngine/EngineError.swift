import TallyCompiler

/// A runtime failure while executing a plan: arithmetic overflow, division by zero, a value that
/// cannot be converted, and similar data-dependent errors.
///
/// `message` names the operation and the offending values, e.g.
/// "integer overflow in `+`: 9223372036854775807 + 1".
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The category of a runtime error.
    public enum Kind: String, Sendable, Hashable {
        case integerOverflow
        case decimalOverflow
        case divisionByZero
        case invalidCast
        case invalidArgument
        case unsupported
        /// Inputs that do not fit the plan (wrong column count or type): a bug upstream.
        case planMismatch
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension EngineError {
    static func integerOverflow(_ op: String, _ a: Int64, _ b: Int64) -> EngineError {
        EngineError(.integerOverflow, "integer overflow in `\(op)`: \(a) \(op) \(b)")
    }

    static func integerOverflow(_ what: String) -> EngineError {
        EngineError(.integerOverflow, "integer overflow in \(what)")
    }

    static func decimalOverflow(_ what: String, type: DataType) -> EngineError {
        EngineError(.decimalOverflow, "decimal overflow in \(what): result does not fit \(type)")
    }

    static func divisionByZero(_ op: String, _ dividend: String) -> EngineError {
        EngineError(.divisionByZero, "division by zero in `\(op)`: \(dividend) \(op) 0")
    }

    static func invalidCast(_ text: String, to type: DataType, reason: String? = nil) -> EngineError {
        EngineError(.invalidCast, "cannot convert '\(text)' to \(type)" + (reason.map { ": \($0)" } ?? ""))
    }

    static func unsupportedCast(from: DataType, to: DataType) -> EngineError {
        EngineError(.unsupported, "unsupported cast from \(from) to \(to)")
    }

    static func planMismatch(_ message: String) -> EngineError {
        EngineError(.planMismatch, message)
    }
}
