import TallyDiagnostics

/// Reads the keys of one YAML mapping for the spec decoder, reporting unknown keys, missing keys and
/// values of the wrong shape, each at its own position.
struct MappingReader {
    let node: YAMLNode
    let pairs: [YAMLPair]
    /// What this mapping is, for messages: "source `pos`".
    let context: String

    /// A reader over `node`, or nil (with an error) when it is not a mapping.
    init?(_ node: YAMLNode, context: String, into diags: inout Diagnostics) {
        guard let pairs = node.mapping else {
            diags.error(.wrongValueType, "\(context) must be a mapping, found \(node.kindDescription)", at: node.span,
                        hint: "write it as `key: value` entries indented under its name")
            return nil
        }
        self.node = node
        self.pairs = pairs
        self.context = context
    }

    /// Reports every key not in `allowed`, with a "did you mean".
    func checkKeys(_ allowed: [String], into diags: inout Diagnostics) {
        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                diags.error(.wrongValueType, "keys of \(context) must be plain names", at: pair.key.span)
                continue
            }
            if !allowed.contains(key) {
                diags.error(.unknownKey, "unknown key `\(key)` in \(context)", at: pair.key.span,
                            hint: Suggestion.hint(for: key, in: allowed, kind: "key"))
            }
        }
    }

    func value(_ key: String) -> YAMLNode? { node[key] }

    func keySpan(_ key: String) -> Span? { pairs.first { $0.key.scalar?.value == key }?.key.span }

    /// A required key's value, or an error naming the key.
    func required(_ key: String, into diags: inout Diagnostics, example: String) -> YAMLNode? {
        if let v = value(key) { return v }
        diags.error(.missingKey, "\(context) needs `\(key)`", at: node.span, hint: "add `\(key): \(example)`")
        return nil
    }

    func string(_ key: String, required: Bool = false, example: String = "...", into diags: inout Diagnostics) -> Located<String>? {
        guard let v = required ? self.required(key, into: &diags, example: example) : value(key) else { return nil }
        return Self.scalarString(v, what: "`\(key)` of \(context)", into: &diags)
    }

    func int(_ key: String, into diags: inout Diagnostics) -> Located<Int>? {
        guard let v = value(key) else { return nil }
        guard let s = v.scalar, !s.isNull, s.style == .plain, let i = Int(s.value) else {
            let quoted = v.scalar.map { $0.style != .plain && Int($0.value) != nil } ?? false
            diags.error(.wrongValueType, "`\(key)` of \(context) must be an integer, found \(quoted ? "a quoted string" : Self.describe(v))",
                        at: v.span, hint: quoted ? "remove the quotes" : "write a whole number such as `\(key): 10`")
            return nil
        }
        return Located(i, at: v.span)
    }

    func bool(_ key: String, default def: Bool, into diags: inout Diagnostics) -> Bool {
        guard let v = value(key) else { return def }
        switch v.scalar.map({ $0.style == .plain ? $0.value.lowercased() : "" }) {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            diags.error(.wrongValueType, "`\(key)` of \(context) must be true or false, found \(Self.describe(v))", at: v.span,
                        hint: "write `\(key): true` or `\(key): false`")
            return def
        }
    }

    /// A list of names; a single scalar counts as a one-item list.
    func stringList(_ key: String, into diags: inout Diagnostics) -> [Located<String>]? {
        guard let v = value(key) else { return nil }
        return Self.names(v, what: "`\(key)` of \(context)", into: &diags)
    }

    func expr(_ key: String, required: Bool = false, into diags: inout Diagnostics) -> ExprSource? {
        guard let v = required ? self.required(key, into: &diags, example: "<expression>") : value(key) else { return nil }
        return Self.expression(v, what: "`\(key)` of \(context)", into: &diags)
    }

    // MARK: - Shapes shared by several readers

    static func describe(_ node: YAMLNode) -> String {
        if let s = node.scalar { return s.isNull ? "nothing" : "`\(s.value)`" }
        return node.kindDescription
    }

    static func scalarString(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> Located<String>? {
        guard let s = node.scalar, !s.isNull else {
            diags.error(.wrongValueType, "\(what) must be a string, found \(describe(node))", at: node.span)
            return nil
        }
        return Located(s.value, at: contentSpan(node))
    }

    /// The span of a scalar's text: inside the quotes of a quoted scalar on one line.
    static func contentSpan(_ node: YAMLNode) -> Span {
        guard let s = node.scalar, s.style == .singleQuoted || s.style == .doubleQuoted,
              node.span.start.line == node.span.end.line, let first = s.positions.first, let end = s.positions.last else { return node.span }
        return Span(file: node.span.file, start: first, end: end)
    }

    static func names(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> [Located<String>]? {
        if let s = node.scalar, !s.isNull { return [Located(s.value, at: contentSpan(node))] }
        guard let items = node.sequence else {
            diags.error(.wrongValueType, "\(what) must be a list of names, found \(describe(node))", at: node.span,
                        hint: "write `[a, b]`")
            return nil
        }
        return items.compactMap { scalarString($0, what: "an entry of \(what)", into: &diags) }
    }

    static func expression(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> ExprSource? {
        guard let s = node.scalar, !s.isNull else {
            diags.error(.wrongValueType, "\(what) must be an expression, found \(describe(node))", at: node.span,
                        hint: "write the expression as a string, quoting it if it contains `: ` or starts with a symbol")
            return nil
        }
        return ExprSource(s, span: node.span)
    }

    /// The ordered `name: value` entries of a mapping node.
    static func entries(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> [(name: Located<String>, value: YAMLNode)]? {
        guard let pairs = node.mapping else {
            diags.error(.wrongValueType, "\(what) must be a mapping of names, found \(describe(node))", at: node.span,
                        hint: "write one `name: ...` entry per line")
            return nil
        }
        return pairs.compactMap { pair in
            guard let key = scalarString(pair.key, what: "a name in \(what)", into: &diags) else { return nil }
            return (key, pair.value)
        }
    }
}
