import CYAML
import TallyDiagnostics

/// Builds a positioned `YAMLNode` tree from libyaml's event stream.
///
/// Duplicate keys are reported (with the first definition as a note); anchors, aliases and merge keys
/// (`<<: *base`) work, with a bound on how far aliases may expand so a "billion laughs" document is
/// refused instead of exhausting memory.
public struct YAMLParser {
    /// The most nodes a document may expand to through aliases.
    public static let defaultExpansionLimit = 100_000
    /// The deepest collections may nest.
    public static let maxNesting = 200

    public var expansionLimit: Int

    public init(expansionLimit: Int = YAMLParser.defaultExpansionLimit) {
        self.expansionLimit = expansionLimit
    }

    /// Parses one YAML document. Returns nil for an empty document; throws `Diagnostics` on any error.
    public func parse(_ text: String, file: String) throws(Diagnostics) -> YAMLNode? {
        let (node, diagnostics) = parseRecovering(text, file: file)
        if diagnostics.hasErrors { throw diagnostics }
        return node
    }

    /// Parses one YAML document, keeping the tree when the only problems are recoverable (a duplicate
    /// key keeps its first value), so later stages can still report everything else. The node is nil
    /// for an empty document or after a syntax error.
    public func parseRecovering(_ text: String, file: String) -> (YAMLNode?, Diagnostics) {
        var builder = TreeBuilder(file: file, source: Array(text.utf8), limit: expansionLimit)
        let bytes = builder.source
        let outcome: Result<YAMLNode?, Diagnostics> = bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else {
                return .failure(Diagnostics([Diagnostic(.yamlSyntax, "could not initialise the YAML parser",
                                                        at: .synthetic(file))]))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    return .failure(Diagnostics([builder.syntaxError(parser)]))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if let failure = builder.handle(event) { return .failure(failure) }
            }
            return .success(builder.root)
        }
        switch outcome {
        case .success(let node):
            return (node, builder.diagnostics)
        case .failure(let d):
            var all = builder.diagnostics
            all.append(contentsOf: d)
            return (nil, all)
        }
    }
}

/// The mutable state of one parse: the stack of open collections, anchors and collected diagnostics.
private struct TreeBuilder {
    enum Frame {
        case sequence(items: [YAMLNode], start: SourceLocation, anchor: String?, size: Int)
        case mapping(pairs: [YAMLPair], pendingKey: YAMLNode?, start: SourceLocation, anchor: String?, size: Int)
    }

    let file: String
    let source: [UInt8]
    let limit: Int
    /// The source as Unicode scalars (libyaml counts columns in characters) with its line starts.
    let sourceText: SourceText
    var text: [Unicode.Scalar] { sourceText.text }
    var lineStarts: [Int] { sourceText.lineStarts }
    var stack: [Frame] = []
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    var root: YAMLNode?
    var documents = 0
    var diagnostics = Diagnostics()

    init(file: String, source: [UInt8], limit: Int) {
        self.file = file
        self.source = source
        self.limit = limit
        sourceText = SourceText(Array(String(decoding: source, as: UTF8.self).unicodeScalars))
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func span(_ event: yaml_event_t) -> Span {
        Span(file: file, start: location(event.start_mark), end: location(event.end_mark))
    }

    func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let at = location(parser.problem_mark)
        var message = "YAML syntax error: \(problem)"
        if let context { message += " (\(context))" }
        var notes: [DiagnosticNote] = []
        if context != nil, parser.context_mark.line != parser.problem_mark.line || parser.context_mark.column != parser.problem_mark.column {
            let c = location(parser.context_mark)
            notes.append(DiagnosticNote("the construct started here",
                                        span: Span(file: file, start: c, end: SourceLocation(line: c.line, column: c.column + 1))))
        }
        let hint: String
        let problemLine = Int(parser.problem_mark.line)
        let lineText = problemLine < lineStarts.count ? text[lineStarts[problemLine]...].prefix { $0 != "\n" } : []
        let indentedWithTab = lineText.prefix { $0 == " " || $0 == "\t" }.contains("\t")
        if problem.contains("tab") || indentedWithTab {
            hint = "indent with spaces; YAML does not allow tabs for indentation"
        } else if problem.contains("mapping values are not allowed") {
            hint = "quote a value that contains `: ` or fix the indentation of this key"
        } else {
            hint = "check the indentation and quoting near this position"
        }
        return Diagnostic(.yamlSyntax, message, at: Span(file: file, start: at, end: SourceLocation(line: at.line, column: at.column + 1)),
                          hint: hint, notes: notes)
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    /// Handles one event; returns diagnostics when parsing must stop.
    mutating func handle(_ event: yaml_event_t) -> Diagnostics? {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return Diagnostics([Diagnostic(.yamlSyntax, "a spec file holds one YAML document; found a second one",
                                               at: span(event), hint: "remove the `---` separator and the second document, or move it to its own file")])
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = event.scalarValue
            let style = ScalarStyle(s.style)
            let sp = span(event)
            let positions = sourceText.locate(value, span: sp, style: style, parentIndent: parentIndent)
            let node = YAMLNode(.scalar(YAMLScalar(value: value, style: style, positions: positions)), span: sp)
            return add(node, size: 1, anchor: Self.string(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                return Diagnostics([Diagnostic(.yamlSyntax, "unknown alias `*\(name)`", at: span(event),
                                               hint: Suggestion.hint(for: name, in: Array(anchors.keys), kind: "anchor"))])
            }
            return add(target.node, size: target.size, anchor: nil, at: span(event))
        case YAML_SEQUENCE_START_EVENT where stack.count >= YAMLParser.maxNesting,
             YAML_MAPPING_START_EVENT where stack.count >= YAMLParser.maxNesting:
            return Diagnostics([Diagnostic(.yamlSyntax, "YAML nests deeper than \(YAMLParser.maxNesting) levels", at: span(event),
                                           hint: "a spec never needs this much nesting; check for unbalanced brackets")])
        case YAML_SEQUENCE_START_EVENT:
            stack.append(.sequence(items: [], start: location(event.start_mark), anchor: Self.string(event.data.sequence_start.anchor), size: 1))
        case YAML_MAPPING_START_EVENT:
            stack.append(.mapping(pairs: [], pendingKey: nil, start: location(event.start_mark),
                                  anchor: Self.string(event.data.mapping_start.anchor), size: 1))
        case YAML_SEQUENCE_END_EVENT:
            guard case .sequence(let items, let start, let anchor, let size)? = stack.popLast() else { break }
            let node = YAMLNode(.sequence(items), span: Span(file: file, start: start, end: location(event.end_mark)))
            return add(node, size: size, anchor: anchor)
        case YAML_MAPPING_END_EVENT:
            guard case .mapping(let pairs, _, let start, let anchor, let size)? = stack.popLast() else { break }
            let node = YAMLNode(.mapping(applyMergeKeys(pairs)), span: Span(file: file, start: start, end: location(event.end_mark)))
            return add(node, size: size, anchor: anchor)
        default:
            break
        }
        return nil
    }

    /// Attaches a finished node to the open collection (or makes it the root).
    mutating func add(_ node: YAMLNode, size: Int, anchor: String?, at site: Span? = nil) -> Diagnostics? {
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            root = node
            return nil
        }
        switch top {
        case .sequence(var items, let start, let a, let total):
            items.append(node)
            stack.append(.sequence(items: items, start: start, anchor: a, size: total + size))
            return checkSize(total + size, at: site ?? node.span)
        case .mapping(var pairs, let pending, let start, let a, let total):
            if let key = pending {
                if let name = key.scalar?.value, name != "<<",
                   let first = pairs.first(where: { $0.key.scalar?.value == name }) {
                    diagnostics.append(Diagnostic(
                        .duplicateKey, "duplicate key `\(name)`", at: key.span,
                        hint: "remove one of the two `\(name)` entries or merge them",
                        notes: [DiagnosticNote("`\(name)` first defined here", span: first.key.span)]))
                } else {
                    pairs.append(YAMLPair(key: key, value: node))
                }
                stack.append(.mapping(pairs: pairs, pendingKey: nil, start: start, anchor: a, size: total + size))
            } else {
                stack.append(.mapping(pairs: pairs, pendingKey: node, start: start, anchor: a, size: total + size))
            }
            return checkSize(total + size, at: site ?? node.span)
        }
    }

    /// The indentation of the collection a new node goes into (for block scalars' indentation indicators).
    var parentIndent: Int {
        switch stack.last {
        case .sequence(_, let start, _, _)?, .mapping(_, _, let start, _, _)?: start.column - 1
        case nil: 0
        }
    }

    func checkSize(_ size: Int, at span: Span) -> Diagnostics? {
        guard size > limit else { return nil }
        return Diagnostics([Diagnostic(
            .aliasExpansion, "aliases expand this document past \(limit) nodes", at: span,
            hint: "a spec this large is almost certainly an alias bomb; reduce nested aliases")])
    }

    /// Resolves YAML merge keys: `<<: *base` (or a list of them) adds the base's pairs not set explicitly.
    func applyMergeKeys(_ pairs: [YAMLPair]) -> [YAMLPair] {
        guard pairs.contains(where: { $0.key.scalar?.value == "<<" && $0.key.scalar?.style == .plain }) else { return pairs }
        var result = pairs.filter { !($0.key.scalar?.value == "<<" && $0.key.scalar?.style == .plain) }
        var present = Set(result.compactMap { $0.key.scalar?.value })
        for pair in pairs where pair.key.scalar?.value == "<<" && pair.key.scalar?.style == .plain {
            let bases = pair.value.sequence ?? [pair.value]
            for base in bases {
                for inherited in base.mapping ?? [] {
                    guard let k = inherited.key.scalar?.value, !present.contains(k) else { continue }
                    present.insert(k)
                    result.append(inherited)
                }
            }
        }
        return result
    }
}
