import CYAML
import Foundation

/// A whole-line comment or a blank line found between nodes; the formatter re-emits it.
enum FormatTrivia: Sendable, Hashable {
    case blank
    case comment(String)
}

/// A node of the formatter's tree: the YAML structure plus how it was written (flow or block, scalar
/// style, raw text) and the comments and blank lines recovered around it from the source text.
final class FormatNode {
    enum Kind {
        case scalar(FormatScalar)
        case sequence([FormatNode])
        case mapping([FormatPair])
    }

    var kind: Kind
    /// Written as `[...]` or `{...}`.
    let flow: Bool
    /// Start and end (exclusive) as indices into the source's Unicode scalars.
    let start: Int
    var end: Int
    /// 0-based column: of the first key (block mapping), the first `-` (block sequence) or the first character.
    let column: Int
    weak var parent: FormatNode?
    /// Comments and blank lines before this node, when it is a mapping key or a sequence item.
    var leading: [FormatTrivia] = []
    /// Comments written after this node on its last line (after a block scalar's header).
    var trailing: [String] = []
    /// Comments after the last entry of a block collection, indented as its entries.
    var footer: [FormatTrivia] = []

    init(_ kind: Kind, flow: Bool, start: Int, end: Int, column: Int) {
        self.kind = kind
        self.flow = flow
        self.start = start
        self.end = end
        self.column = column
    }

    var scalar: FormatScalar? { if case .scalar(let s) = kind { s } else { nil } }
    var items: [FormatNode]? { if case .sequence(let s) = kind { s } else { nil } }
    var pairs: [FormatPair]? { if case .mapping(let m) = kind { m } else { nil } }
}

struct FormatPair {
    let key: FormatNode
    let value: FormatNode
}

/// A scalar as written. Block scalars keep their header and their content lines with the block
/// indentation removed, so they can be re-indented without changing their value.
struct FormatScalar {
    var value: String
    var style: ScalarStyle
    /// The source text of the scalar (quotes included).
    var raw: String
    /// `|`, `>-`, `|2+`...: the block scalar header as written.
    var blockHeader = ""
    /// The explicit indentation indicator of a block scalar.
    var blockIndicator: Int?
    /// Content lines of a block scalar, without the block indentation ("" for an empty line).
    var blockLines: [String] = []

    var isBlock: Bool { style == .literal || style == .folded }
}

/// A comment found in the source text.
struct SourceComment {
    let index: Int
    let line: Int
    let column: Int
    let text: String
    /// Nothing but blanks before it on its line.
    let wholeLine: Bool
}

/// Why a spec is left as it is.
enum FormatRefusal: Error {
    case unsupported(String)
    case internalError(String)
}

/// Builds the formatter's tree from libyaml's events, then recovers comments and blank lines from the
/// text outside scalars and attaches them to nodes by position.
struct FormatTreeBuilder {
    let source: SourceText
    var text: [Unicode.Scalar] { source.text }
    var lineStarts: [Int] { source.lineStarts }
    private(set) var root: FormatNode?
    private(set) var explicitDocumentStart = false
    private(set) var header: [FormatTrivia] = []
    private(set) var comments: [SourceComment] = []
    /// Marks the characters that belong to scalars (comment markers there are content).
    private var inScalar: [Bool]
    private var stack: [(node: FormatNode, children: [FormatNode])] = []
    /// Mapping keys and sequence items in document order, with the column their collection's entries are at.
    private var entries: [(node: FormatNode, position: Int, column: Int, container: FormatNode)] = []
    /// Nodes a comment on their last line can follow: scalars, flow collections, block scalar headers.
    private var anchors: [(node: FormatNode, position: Int, line: Int)] = []

    init(text: [Unicode.Scalar]) {
        source = SourceText(text)
        inScalar = Array(repeating: false, count: text.count + 1)
    }

    /// Parses `text` (already known to be valid YAML) and attaches its comments.
    static func build(_ text: [Unicode.Scalar]) throws(FormatRefusal) -> FormatTreeBuilder {
        var b = FormatTreeBuilder(text: text)
        try b.parse()
        b.attachTrivia()
        return b
    }

    func index(line: Int, column: Int) -> Int { source.index(line: line, column: column) }

    func line(of index: Int) -> Int { source.line(of: index) }

    func lineEnd(_ line: Int) -> Int {
        line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : text.count
    }

    // MARK: - Events

    private mutating func parse() throws(FormatRefusal) {
        let bytes = Array(String(String.UnicodeScalarView(text)).utf8)
        var failure: FormatRefusal?
        bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else {
                failure = .internalError("could not initialise the YAML parser")
                return
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count)
            while failure == nil {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    failure = .internalError("the YAML parser failed on text it accepted before")
                    return
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                do throws(FormatRefusal) { try handle(event) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    private func index(_ mark: yaml_mark_t) -> Int { index(line: Int(mark.line), column: Int(mark.column)) }

    private mutating func handle(_ event: yaml_event_t) throws(FormatRefusal) {
        let anchored = "fmt does not rewrite specs that use anchors, aliases or tags yet"
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            let d = event.data.document_start
            if d.version_directive != nil || d.tag_directives.start != d.tag_directives.end {
                throw .unsupported("fmt does not rewrite specs with `%` directives")
            }
            explicitDocumentStart = d.implicit == 0
        case YAML_ALIAS_EVENT:
            throw .unsupported(anchored)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            if s.anchor != nil || s.tag != nil { throw .unsupported(anchored) }
            let value = event.scalarValue
            let style = ScalarStyle(s.style)
            let start = index(event.start_mark)
            var end = max(index(event.end_mark), start)
            var scalar = FormatScalar(value: value, style: style, raw: String(String.UnicodeScalarView(text[start..<end])))
            if scalar.isBlock {
                end = readBlockScalar(&scalar, start: start)
            } else {
                for i in start..<end { inScalar[i] = true }
            }
            let node = FormatNode(.scalar(scalar), flow: false, start: start, end: end, column: Int(event.start_mark.column))
            anchors.append((node, scalar.isBlock ? start : end, scalar.isBlock ? line(of: start) : line(of: max(end - 1, start))))
            add(node)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isSequence = event.type == YAML_SEQUENCE_START_EVENT
            let anchor = isSequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
            let tag = isSequence ? event.data.sequence_start.tag : event.data.mapping_start.tag
            if anchor != nil || tag != nil { throw .unsupported(anchored) }
            let flow = isSequence ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                  : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
            let start = index(event.start_mark)
            let node = FormatNode(isSequence ? .sequence([]) : .mapping([]), flow: flow, start: start, end: start,
                                  column: Int(event.start_mark.column))
            stack.append((node, []))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let (node, children) = stack.popLast() else { break }
            node.end = max(index(event.end_mark), node.start)
            if case .sequence = node.kind {
                node.kind = .sequence(children)
                for child in children { entries.append((child, child.start, node.column, node)) }
            } else {
                var pairs: [FormatPair] = []
                var i = 0
                while i + 1 < children.count {
                    guard children[i].scalar != nil else {
                        throw .unsupported("fmt does not rewrite mappings with complex (non-scalar) keys")
                    }
                    pairs.append(FormatPair(key: children[i], value: children[i + 1]))
                    entries.append((children[i], children[i].start, node.column, node))
                    i += 2
                }
                node.kind = .mapping(pairs)
            }
            if node.flow { anchors.append((node, node.end, line(of: max(node.end - 1, node.start)))) }
            add(node)
        default:
            break
        }
    }

    private mutating func add(_ node: FormatNode) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        node.parent = stack[stack.count - 1].node
        stack[stack.count - 1].children.append(node)
    }

    /// The indentation of the collection a new node goes into (the base of a block scalar's indentation indicator).
    private var parentIndent: Int { stack.last.map { $0.node.column } ?? 0 }

    /// Reads a block scalar's header and content lines from the text and marks them as scalar text.
    /// Returns the end of its content (trailing blank lines belong to it only with `+` chomping).
    private mutating func readBlockScalar(_ scalar: inout FormatScalar, start: Int) -> Int {
        let headerLine = line(of: start)
        var i = start
        var header = ""
        header.unicodeScalars.append(text[i])
        i += 1
        while i < text.count, "+-0123456789".unicodeScalars.contains(text[i]) {
            header.unicodeScalars.append(text[i])
            if let d = Int(String(text[i])), d > 0 { scalar.blockIndicator = d }
            i += 1
        }
        // At the end of a file without a final line break the value ends without one: that is `-` chomping.
        if !scalar.value.isEmpty, !scalar.value.hasSuffix("\n"), !header.contains("-") {
            header = header.replacingOccurrences(of: "+", with: "") + "-"
        }
        scalar.blockHeader = header
        for k in start..<i { inScalar[k] = true }
        let keep = header.contains("+")

        func indentation(_ l: Int) -> (spaces: Int, blank: Bool) {
            var k = lineStarts[l]
            let e = lineEnd(l)
            while k < e, text[k] == " " { k += 1 }
            var blank = true
            var j = k
            while j < e { if text[j] != " " && text[j] != "\t" && text[j] != "\r" { blank = false; break }; j += 1 }
            return (k - lineStarts[l], blank)
        }
        var blockIndent = scalar.blockIndicator.map { parentIndent + $0 }
        var l = headerLine + 1
        var lastContent = headerLine
        var lastAny = headerLine
        while l < lineStarts.count {
            let (spaces, blank) = indentation(l)
            if l == lineStarts.count - 1, lineStarts[l] == text.count { break }
            if !blank {
                if blockIndent == nil {
                    // Content is indented deeper than the collection holding the scalar.
                    if spaces < (stack.isEmpty ? 0 : parentIndent + 1) { break }
                    blockIndent = spaces
                }
                if spaces < blockIndent! { break }
                lastContent = l
            }
            lastAny = l
            l += 1
        }
        let indent = blockIndent ?? 0
        let lastLine = keep ? lastAny : lastContent
        guard lastLine > headerLine else { return i }
        for cl in (headerLine + 1)...lastLine {
            let s = lineStarts[cl]
            var e = lineEnd(cl)
            for k in s..<e { inScalar[k] = true }
            inScalar[e] = true
            if e > s, text[e - 1] == "\r" { e -= 1 }
            let content = text[s..<e]
            let lineText = content.count > indent ? String(String.UnicodeScalarView(content.dropFirst(indent))) : ""
            scalar.blockLines.append(content.allSatisfy({ $0 == " " }) && content.count <= indent ? "" : lineText)
        }
        return lineEnd(lastLine)
    }

    // MARK: - Comments and blank lines

    private mutating func attachTrivia() {
        guard let root else { return }
        // Scan every line for comments (a `#` outside scalars) and blank lines.
        enum Item { case blank, comment(SourceComment), entry(Int) }
        var stream: [(position: Int, order: Int, item: Item)] = []
        for l in 0..<lineStarts.count {
            let s = lineStarts[l]
            let e = lineEnd(l)
            if l == lineStarts.count - 1, s == text.count { break }
            var onlyBlanks = true
            var k = s
            while k < e {
                if inScalar[k] { onlyBlanks = false; k += 1; continue }
                let c = text[k]
                if c == "#" {
                    var t = String(String.UnicodeScalarView(text[k..<e]))
                    while let last = t.unicodeScalars.last, last == " " || last == "\t" || last == "\r" { t.unicodeScalars.removeLast() }
                    let comment = SourceComment(index: k, line: l, column: k - s, text: t, wholeLine: onlyBlanks)
                    comments.append(comment)
                    stream.append((k, 1, .comment(comment)))
                    onlyBlanks = false
                    break
                }
                if c != " " && c != "\t" && c != "\r" { onlyBlanks = false }
                k += 1
            }
            // A blank line inside a multi-line scalar is part of its text, not a separator.
            if onlyBlanks, k >= e, !(s...e).contains(where: { inScalar[$0] }) { stream.append((s, 1, .blank)) }
        }
        let ordered = entries.enumerated().sorted { a, b in
            a.element.position != b.element.position ? a.element.position < b.element.position : depth(a.element.node) < depth(b.element.node)
        }.map(\.element)
        for (n, entry) in ordered.enumerated() { stream.append((entry.position, 0, .entry(n))) }
        stream.sort { ($0.position, $0.order) < ($1.position, $1.order) }

        var pending: [FormatTrivia] = []
        var previous: Int?
        var seenPositions = Set<Int>()
        for (idx, element) in stream.enumerated() {
            switch element.item {
            case .blank:
                pending.append(.blank)
            case .entry(let n):
                let entry = ordered[n]
                if previous == nil, !header.isEmpty {
                    header += pending
                } else if seenPositions.insert(entry.position).inserted {
                    entry.node.leading += pending
                    pending = []
                }
                previous = n
            case .comment(let c):
                if !c.wholeLine, let anchor = anchorBefore(c) {
                    anchor.trailing.append(c.text)
                    continue
                }
                let next: Int? = stream[(idx + 1)...].lazy.compactMap { if case .entry(let n) = $0.item { n } else { nil } }.first
                pending.append(.comment(c.text))
                guard let p = previous else {
                    header += pending
                    pending = []
                    continue
                }
                let nextEntry = next.map { ordered[$0] }
                if nextEntry == nil || nextEntry!.column < c.column,
                   let footerOwner = footerCollection(after: ordered[p].container, column: c.column, before: nextEntry?.node) {
                    footerOwner.footer += pending
                } else if let nextEntry {
                    nextEntry.node.leading += pending
                } else {
                    root.footer += pending
                }
                pending = []
            }
        }
    }

    private func depth(_ node: FormatNode) -> Int {
        var d = 0
        var n = node.parent
        while let p = n { d += 1; n = p.parent }
        return d
    }

    /// The node a comment written after other text on its line follows.
    private func anchorBefore(_ c: SourceComment) -> FormatNode? {
        anchors.filter { $0.line == c.line && $0.position <= c.index }.max { $0.position < $1.position }?.node
    }

    /// The innermost block collection, starting at `container` and going outwards, whose entries are
    /// indented no deeper than `column` and which is closed before `next`.
    private func footerCollection(after container: FormatNode, column: Int, before next: FormatNode?) -> FormatNode? {
        var ancestorsOfNext = Set<ObjectIdentifier>()
        var n = next?.parent
        while let p = n { ancestorsOfNext.insert(ObjectIdentifier(p)); n = p.parent }
        var candidate: FormatNode? = container
        while let c = candidate {
            if ancestorsOfNext.contains(ObjectIdentifier(c)) { return nil }
            if !c.flow, c.column <= column { return c }
            candidate = c.parent
        }
        return nil
    }
}
