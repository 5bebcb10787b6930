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
    /// The file position of each Unicode scalar of `text`, then the position just past it.
    public var positions: [SourceLocation]

    public init(text: String, span: Span, positions: [SourceLocation]) {
        self.text = text
        self.span = span
        self.positions = positions
    }

    /// An expression written on one line, its first character at `span.start`.
    public init(text: String, span: Span) {
        let count = text.unicodeScalars.count
        self.init(text: text, span: span, positions: (0...count).map {
            SourceLocation(line: span.start.line, column: span.start.column + $0)
        })
    }

    public init(_ scalar: YAMLScalar, span: Span) {
        self.init(text: scalar.value, span: span, positions: scalar.positions)
    }

    /// The span of `length` scalars starting at scalar offset `offset` of `text`.
    public func span(offset: Int, length: Int) -> Span {
        guard !positions.isEmpty else { return span }
        let start = positions[min(max(offset, 0), positions.count - 1)]
        let lastIndex = offset + max(length, 1) - 1
        var end = SourceLocation(line: start.line, column: start.column + max(length, 1))
        if lastIndex < positions.count - 1 {
            let last = positions[lastIndex]
            if last.line == start.line { end = SourceLocation(line: last.line, column: last.column + 1) }
        }
        return Span(file: span.file, start: start, end: end)
    }
}
