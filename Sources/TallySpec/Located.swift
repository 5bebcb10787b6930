import TallyDiagnostics

/// A value from the spec together with the span it was written at.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var span: Span

    public init(_ value: Value, at span: Span) {
        self.value = value
        self.span = span
    }
}

/// The text of an expression as written in a YAML scalar, with what is needed to place its tokens.
public struct ExprSource: Sendable, Hashable {
    public var text: String
    /// The span of the whole scalar.
    public var span: Span
    /// Where each line of `text` starts in the file.
    public var lineStarts: [SourceLocation]

    public init(text: String, span: Span, lineStarts: [SourceLocation]) {
        self.text = text
        self.span = span
        self.lineStarts = lineStarts.isEmpty ? [span.start] : lineStarts
    }

    public init(_ scalar: YAMLScalar, span: Span) {
        self.init(text: scalar.value, span: span, lineStarts: scalar.lineStarts)
    }

    /// The span of `length` scalars starting at scalar offset `offset` of `text`.
    public func span(offset: Int, length: Int) -> Span {
        var line = 0
        var column = 0
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i == offset { break }
            if scalar == "\n" {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        let base = line < lineStarts.count ? lineStarts[line] : (lineStarts.last ?? span.start)
        let start = SourceLocation(line: base.line, column: base.column + column)
        return Span(file: span.file, start: start, end: SourceLocation(line: start.line, column: start.column + max(length, 1)))
    }
}
