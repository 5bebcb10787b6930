import TallyDiagnostics

/// How a scalar was written in the YAML text.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A YAML scalar: its text, how it was written and where each of its characters is in the file.
public struct YAMLScalar: Sendable, Hashable {
    public var value: String
    public var style: ScalarStyle
    /// The file position of each Unicode scalar of `value`, then the position just past the value.
    /// Escapes, doubled quotes, folded lines and block indentation are accounted for, so an offset in
    /// the value (such as an expression token's) maps back to its exact place in the file.
    public var positions: [SourceLocation]

    public init(value: String, style: ScalarStyle, positions: [SourceLocation]) {
        self.value = value
        self.style = style
        self.positions = positions
    }

    /// Whether this is a plain `null`, `~` or empty scalar.
    public var isNull: Bool { style == .plain && ["", "~", "null", "Null", "NULL"].contains(value) }
}

/// A key-value pair of a YAML mapping.
public struct YAMLPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A node of the YAML syntax tree; every node carries the span it came from.
public struct YAMLNode: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        /// Pairs in source order; keys are unique (duplicates are reported while parsing).
        case mapping([YAMLPair])
    }

    public var kind: Kind
    public var span: Span

    public init(_ kind: Kind, span: Span) {
        self.kind = kind
        self.span = span
    }

    public var scalar: YAMLScalar? { if case .scalar(let s) = kind { return s } else { return nil } }
    public var sequence: [YAMLNode]? { if case .sequence(let s) = kind { return s } else { return nil } }
    public var mapping: [YAMLPair]? { if case .mapping(let m) = kind { return m } else { return nil } }

    /// The value of the mapping key `key`, if this is a mapping holding it.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.value == key }?.value
    }

    /// A word for the node's kind in messages: "a mapping", "a list", "a string".
    public var kindDescription: String {
        switch kind {
        case .scalar(let s): s.isNull ? "null" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
