/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary location attached to a diagnostic ("column `qty` defined here").
public struct DiagnosticNote: Sendable, Hashable {
    public var message: String
    public var span: Span?

    public init(_ message: String, span: Span? = nil) {
        self.message = message
        self.span = span
    }
}

/// One finding about a spec: a stable code, a message, where it is and how to fix it.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    public var span: Span
    public var notes: [DiagnosticNote]
    /// A suggestion for how to fix the problem.
    public var hint: String?

    public init(
        _ code: DiagnosticCode, _ message: String, at span: Span, hint: String? = nil,
        notes: [DiagnosticNote] = [], severity: Severity? = nil
    ) {
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
        self.severity = severity ?? code.defaultSeverity
    }

    /// `file:line:col: error[E201]: message`.
    public var description: String {
        "\(span): \(severity.rawValue)[\(code.rawValue)]: \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// An ordered collection of diagnostics gathered by a stage that reports every problem it finds.
public struct Diagnostics: Sendable, Error, CustomStringConvertible {
    public private(set) var all: [Diagnostic] = []

    public init(_ items: [Diagnostic] = []) { all = items }

    public mutating func append(_ d: Diagnostic) { all.append(d) }
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }
    public mutating func append(contentsOf other: [Diagnostic]) { all.append(contentsOf: other) }

    /// Adds an error built from its parts.
    public mutating func error(_ code: DiagnosticCode, _ message: String, at span: Span, hint: String? = nil,
                               notes: [DiagnosticNote] = []) {
        all.append(Diagnostic(code, message, at: span, hint: hint, notes: notes))
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var isEmpty: Bool { all.isEmpty }

    /// The diagnostics in source order (file, line, column), stable for equal positions.
    public var sorted: [Diagnostic] {
        all.enumerated().sorted { a, b in
            let (x, y) = (a.element.span, b.element.span)
            if x.file != y.file { return x.file < y.file }
            if x.start != y.start { return x.start < y.start }
            return a.offset < b.offset
        }.map(\.element)
    }

    public var description: String { sorted.map(\.description).joined(separator: "\n") }
}
