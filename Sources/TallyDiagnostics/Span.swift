/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column number, counted in Unicode scalars.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A range of source text: the file it is in and its start and end (end exclusive).
///
/// Spans identify where syntax came from; syntax trees compare their content, not their spans.
public struct Span: Sendable, Hashable, CustomStringConvertible {
    /// The path of the file as the user named it.
    public var file: String
    /// First character of the range.
    public var start: SourceLocation
    /// Position just past the last character of the range.
    public var end: SourceLocation

    public init(file: String, start: SourceLocation, end: SourceLocation) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A span for text with no source, such as a command-line parameter.
    public static func synthetic(_ name: String) -> Span {
        Span(file: name, start: SourceLocation(line: 1, column: 1), end: SourceLocation(line: 1, column: 1))
    }

    /// `file:line:column` of the start.
    public var description: String { "\(file):\(start.line):\(start.column)" }

    /// A span inside a single-line piece of this span, `offset` scalars from its start and `length` long.
    public func sub(offset: Int, length: Int) -> Span {
        let s = SourceLocation(line: start.line, column: start.column + offset)
        return Span(file: file, start: s, end: SourceLocation(line: s.line, column: s.column + max(length, 1)))
    }
}
