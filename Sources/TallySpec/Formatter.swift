import TallyDiagnostics

/// `tally fmt`: rewrites a spec into its canonical form, keeping its comments.
///
/// Canonical form: 2-space indentation; block mappings and sequences, except lists of plain scalars
/// that fit in `lineWidth` columns, which are written `[a, b]`; the spec's keys in a fixed order
/// (user-named entries keep theirs); double-quoted scalars unquoted when plain text means the same;
/// one blank line at most between entries. The result is checked before it is returned: it must parse
/// to the same YAML (up to key order) and keep every comment, or the spec is left as it is.
public enum SpecFormatter {
    /// Lists of plain scalars are written in flow style (`[a, b]`) when the line stays within this width.
    public static let lineWidth = 100

    /// What formatting one spec gives.
    public enum Outcome: Sendable, Hashable {
        /// The canonical text (equal to the input when the spec is already canonical).
        case formatted(String)
        /// The spec is valid YAML but fmt leaves it as it is, for the reason given (anchors, aliases, tags...).
        case unsupported(String)
        /// fmt could not produce text that provably means the same; the spec is left as it is.
        case internalError(String)
    }

    /// Formats spec text. YAML errors are thrown as diagnostics with their positions.
    public static func format(_ text: String, file: String) throws(Diagnostics) -> Outcome {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        if scalars.contains(where: { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            return .unsupported("fmt does not rewrite specs containing Unicode line separators (U+0085, U+2028, U+2029)")
        }
        // libyaml reads CR and CRLF as line breaks; the output uses LF.
        if scalars.contains("\r") {
            var normalised: [Unicode.Scalar] = []
            normalised.reserveCapacity(scalars.count)
            var i = 0
            while i < scalars.count {
                if scalars[i] == "\r" {
                    normalised.append("\n")
                    if i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                } else {
                    normalised.append(scalars[i])
                }
                i += 1
            }
            scalars = normalised
        }
        let source = String(String.UnicodeScalarView(scalars))
        guard try YAMLParser().parse(source, file: file) != nil else {
            return .unsupported("the spec holds no YAML document")
        }
        do throws(FormatRefusal) {
            let tree = try FormatTreeBuilder.build(scalars)
            guard let root = tree.root, root.pairs != nil, !root.flow else {
                return .unsupported("fmt rewrites specs whose top level is a block mapping")
            }
            var emitter = FormatEmitter()
            if tree.explicitDocumentStart { emitter.lines.append("---") }
            emitter.trivia(tree.header, indent: 0, dropLeadingBlanks: true, dropTrailingBlanks: false)
            emitter.mapping(root, indent: 0, context: .root)
            let output = emitter.lines.joined(separator: "\n") + "\n"
            try verify(original: tree, output: output, file: file)
            return .formatted(output)
        } catch {
            switch error {
            case .unsupported(let reason): return .unsupported(reason)
            case .internalError(let reason): return .internalError(reason)
            }
        }
    }

    /// Checks that the output parses, means the same YAML as the input (keys in canonical order) and keeps every comment.
    static func verify(original: FormatTreeBuilder, output: String, file: String) throws(FormatRefusal) {
        do {
            _ = try YAMLParser().parse(output, file: file)
        } catch {
            throw .internalError("the rewritten spec would not parse: \(error.all.first?.message ?? "")")
        }
        let formatted = try FormatTreeBuilder.build(Array(output.unicodeScalars))
        guard let a = original.root, let b = formatted.root,
              FormatShape(a, context: .root, canonicalOrder: true) == FormatShape(b, context: .root, canonicalOrder: false) else {
            throw .internalError("the rewritten spec would not mean the same")
        }
        let before = original.comments.map(\.text)
        let after = formatted.comments.map(\.text)
        guard before.allSatisfy({ c in after.contains { $0.contains(c) } }),
              after.reduce(0, { $0 + $1.count }) >= before.reduce(0, { $0 + $1.count }) else {
            throw .internalError("the rewritten spec would lose a comment")
        }
    }
}

/// A span-free, style-insensitive picture of a YAML tree, used to prove that formatting changed nothing
/// but layout: scalars compare by value and by whether they are plain text that YAML reads as something
/// other than a string (numbers, booleans, null); block scalars also by their style.
indirect enum FormatShape: Hashable {
    case scalar(String, special: Bool, block: ScalarStyle?)
    case sequence([FormatShape])
    case mapping([FormatShape])

    init(_ node: FormatNode, context: FormatContext, canonicalOrder: Bool) {
        switch node.kind {
        case .scalar(let s):
            // A plain scalar holding a line break (a blank line inside it) is text whatever it starts with.
            self = .scalar(s.value, special: s.style == .plain && !s.value.contains("\n") && FormatScalarText.looksSpecial(s.value),
                           block: s.isBlock ? s.style : nil)
        case .sequence(let items):
            self = .sequence(items.map { FormatShape($0, context: context.item, canonicalOrder: canonicalOrder) })
        case .mapping(let pairs):
            let ordered = canonicalOrder ? context.order(pairs) : pairs
            self = .mapping(ordered.flatMap { pair in
                [FormatShape(pair.key, context: .other, canonicalOrder: canonicalOrder),
                 FormatShape(pair.value, context: context.child(pair.key.scalar?.value ?? ""), canonicalOrder: canonicalOrder)]
            })
        }
    }
}

/// Where a mapping sits in a spec, which decides the order of its keys.
enum FormatContext: Hashable {
    case root, params, param, sources, source, columns, column, transforms, transform, steps, step
    case aggregate, join, joinKeys, distinct, sinks, sink, other

    static let rootKeys = ["version", "name", "description", "params", "warehouse", "max_rejects", "rejects_path",
                           "sources", "transforms", "sinks"]
    static let paramKeys = ["type", "default", "description"]
    static let sourceKeys = ["description", "format", "path", "header", "delimiter", "max_rejects", "columns"]
    static let columnKeys = ["type", "nullable"]
    static let transformKeys = ["description", "from", "steps"]
    static let sinkLeadingKeys = ["description", "type", "from"]

    /// The context of the value of `key` in a mapping of this context.
    func child(_ key: String) -> FormatContext {
        switch (self, key) {
        case (.root, "params"): .params
        case (.root, "sources"): .sources
        case (.root, "transforms"): .transforms
        case (.root, "sinks"): .sinks
        case (.params, _): .param
        case (.sources, _): .source
        case (.source, "columns"): .columns
        case (.columns, _): .column
        case (.transforms, _): .transform
        case (.transform, "steps"): .steps
        case (.step, "aggregate"): .aggregate
        case (.step, "join"): .join
        case (.step, "distinct"): .distinct
        case (.join, "on"): .joinKeys
        case (.sinks, _): .sink
        default: .other
        }
    }

    /// The context of the items of a sequence in this context.
    var item: FormatContext {
        switch self {
        case .steps: .step
        case .joinKeys: .joinKeys
        default: .other
        }
    }

    /// The known keys of a mapping in this context, in canonical order; nil when its order is the user's.
    func knownKeys(_ pairs: [FormatPair]) -> [String]? {
        switch self {
        case .root: Self.rootKeys
        case .param: Self.paramKeys
        case .source: Self.sourceKeys
        case .column: Self.columnKeys
        case .transform: Self.transformKeys
        case .aggregate: SpecDecoder.aggregateKeys
        case .join: SpecDecoder.joinKeys
        case .joinKeys: ["left", "right"]
        case .distinct: ["on"]
        case .sink:
            Self.sinkLeadingKeys + (pairs.first { $0.key.scalar?.value == "type" }?.value.scalar
                .flatMap { SpecDecoder.sinkKeys[$0.value] } ?? [])
        default: nil
        }
    }

    /// The pairs in canonical order: known keys first in their order, unknown keys after them as written.
    func order(_ pairs: [FormatPair]) -> [FormatPair] {
        guard let known = knownKeys(pairs) else { return pairs }
        let rank = { (p: FormatPair) -> Int in p.key.scalar.flatMap { known.firstIndex(of: $0.value) } ?? known.count }
        return pairs.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
