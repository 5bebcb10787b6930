/// Writes a `FormatNode` tree in canonical layout, line by line.
struct FormatEmitter {
    var lines: [String] = []

    static func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }

    /// Writes comments and blank lines at `indent`: runs of blank lines become one.
    mutating func trivia(_ items: [FormatTrivia], indent: Int, dropLeadingBlanks: Bool, dropTrailingBlanks: Bool) {
        var collapsed: [FormatTrivia] = []
        for item in items where !(item == .blank && (collapsed.last == .blank || (collapsed.isEmpty && dropLeadingBlanks))) {
            collapsed.append(item)
        }
        if dropTrailingBlanks { while collapsed.last == .blank { collapsed.removeLast() } }
        for item in collapsed {
            switch item {
            case .blank: lines.append("")
            case .comment(let text): lines.append(Self.spaces(indent) + text)
            }
        }
    }

    mutating func line(_ text: String, comments: [String]) {
        lines.append(([text] + comments).joined(separator: " "))
    }

    /// Writes a block mapping whose keys are at `indent`. In a sequence item, `dash` is the `- ` line
    /// prefix of the first key and `headComments` the comments that go on that line.
    mutating func mapping(_ node: FormatNode, indent: Int, context: FormatContext, dash: String? = nil,
                          headComments: [String] = []) {
        let pairs = context.order(node.pairs ?? [])
        for (i, pair) in pairs.enumerated() {
            let first = i == 0
            let lead = first && dash != nil ? dash! : Self.spaces(indent)
            trivia(pair.key.leading, indent: first && dash != nil ? indent - 2 : indent,
                   dropLeadingBlanks: first, dropTrailingBlanks: false)
            let key = FormatScalarText.render(pair.key.scalar!, flow: false) ?? FormatScalarText.doubleQuoted(pair.key.scalar!.value)
            var comments = (first ? headComments : []) + pair.key.trailing + pair.value.trailing
            let head = lead + key + ":"
            let childContext = context.child(pair.key.scalar!.value)
            value(pair.value, head: head, indent: indent, context: childContext, comments: &comments)
        }
        trivia(node.footer, indent: indent, dropLeadingBlanks: false, dropTrailingBlanks: true)
    }

    /// Writes a value after `head` (`key:` or `-`): inline when it is a scalar, a block scalar header or a
    /// short flow list; otherwise on the next lines, indented under `indent`.
    mutating func value(_ node: FormatNode, head: String, indent: Int, context: FormatContext, comments: inout [String]) {
        switch node.kind {
        case .scalar(let s) where s.isBlock:
            line(head + " " + s.blockHeader, comments: comments)
            let contentIndent = Self.spaces(indent + (s.blockIndicator ?? 2))
            for l in s.blockLines { lines.append(l.isEmpty ? "" : contentIndent + l) }
        case .scalar(let s):
            let text = FormatScalarText.render(s, flow: false) ?? FormatScalarText.doubleQuoted(s.value)
            line(text.isEmpty ? head : head + " " + text, comments: comments)
        case .sequence(let items):
            if items.isEmpty {
                line(head + " []", comments: comments)
            } else if let flow = FormatScalarText.flowList(node),
                      (head + " " + flow).unicodeScalars.count <= SpecFormatter.lineWidth {
                line(head + " " + flow, comments: comments)
            } else {
                line(head, comments: comments)
                sequence(node, indent: indent + 2, context: context)
            }
        case .mapping(let pairs):
            if pairs.isEmpty {
                line(head + " {}", comments: comments)
            } else {
                line(head, comments: comments)
                mapping(node, indent: indent + 2, context: context)
            }
        }
    }

    /// Writes a block sequence whose `-` are at `indent`.
    mutating func sequence(_ node: FormatNode, indent: Int, context: FormatContext) {
        let itemContext = context.item
        for (i, item) in (node.items ?? []).enumerated() {
            trivia(item.leading, indent: indent, dropLeadingBlanks: i == 0, dropTrailingBlanks: false)
            let dash = Self.spaces(indent) + "-"
            if let pairs = item.pairs, !pairs.isEmpty {
                mapping(item, indent: indent + 2, context: itemContext, dash: dash + " ", headComments: item.trailing)
            } else {
                var comments = item.trailing
                value(item, head: dash, indent: indent, context: itemContext, comments: &comments)
            }
        }
        trivia(node.footer, indent: indent, dropLeadingBlanks: false, dropTrailingBlanks: true)
    }
}

/// How scalars are written: plain when YAML reads the text back unchanged, quoted otherwise.
enum FormatScalarText {
    /// Plain text YAML (1.1 or 1.2) could read as something other than a string: null, booleans,
    /// numbers, dates, `<<`. A quoted scalar that looks like one stays quoted.
    static func looksSpecial(_ value: String) -> Bool {
        let lower = value.lowercased()
        if ["", "~", "null", "y", "n", "yes", "no", "true", "false", "on", "off", "<<", "="].contains(lower) { return true }
        guard let first = value.unicodeScalars.first else { return true }
        return ("0"..."9").contains(first) || "+-.".unicodeScalars.contains(first)
    }

    /// Whether `value` can be written as a plain scalar and read back as the same text.
    static func isPlainSafe(_ value: String, flow: Bool) -> Bool {
        let chars = Array(value.unicodeScalars)
        guard let first = chars.first, let last = chars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if first == " " || last == " " || last == ":" { return false }
        for (i, c) in chars.enumerated() {
            if c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{FEFF}" || c == "\u{2028}" || c == "\u{2029}" {
                return false
            }
            if c == ":", i + 1 < chars.count, chars[i + 1] == " " { return false }
            if c == "#", i > 0, chars[i - 1] == " " { return false }
            if flow, ",[]{}:#".unicodeScalars.contains(c) { return false }
        }
        return true
    }

    /// Whether a quoted scalar may be written plain: same text, read as a string, and not bare punctuation
    /// such as `";"` (kept quoted for readability).
    static func canBePlain(_ value: String, flow: Bool) -> Bool {
        !looksSpecial(value) && isPlainSafe(value, flow: flow)
            && value.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// The text of a scalar (not a block scalar). In flow context only plain text is accepted (nil otherwise).
    static func render(_ s: FormatScalar, flow: Bool) -> String? {
        let oneLine = !s.raw.contains("\n")
        switch s.style {
        case .plain:
            if s.value.contains("\n") { return flow ? nil : doubleQuoted(s.value) }
            guard flow else { return s.value }
            if s.value.isEmpty { return nil }
            if isPlainSafe(s.value, flow: true) || (looksSpecial(s.value) && isFlowSafeSpecial(s.value)) { return s.value }
            return nil
        case .doubleQuoted:
            if canBePlain(s.value, flow: flow) { return s.value }
            if flow { return nil }
            return oneLine ? s.raw : doubleQuoted(s.value)
        case .singleQuoted:
            if canBePlain(s.value, flow: flow) { return s.value }
            if flow { return nil }
            if s.value.contains("\"") || s.value.contains("\\") {
                if oneLine { return s.raw }
                if !s.value.contains("\n") { return "'" + s.value.replacingOccurrences(of: "'", with: "''") + "'" }
            }
            return doubleQuoted(s.value)
        case .literal, .folded:
            return nil
        }
    }

    /// A plain special value (a number, `true`) that is also safe inside `[...]`.
    static func isFlowSafeSpecial(_ value: String) -> Bool {
        !value.unicodeScalars.contains { ",[]{}:# ".unicodeScalars.contains($0) || $0.value < 0x20 }
    }

    /// `[a, b]` for a non-empty list of scalars that are plain in flow style and carry no comments.
    static func flowList(_ node: FormatNode) -> String? {
        guard let items = node.items, !items.isEmpty, node.footer.isEmpty else { return nil }
        var parts: [String] = []
        for item in items {
            guard let s = item.scalar, !s.isBlock, item.trailing.isEmpty,
                  !item.leading.contains(where: { $0 != .blank }),
                  let text = render(s, flow: true), !text.isEmpty else { return nil }
            parts.append(text)
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    /// A double-quoted YAML scalar for `value`.
    static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                if c.value < 0x20 || (0x7F...0x9F).contains(c.value) {
                    out += "\\x" + hex(c.value, 2)
                } else if c == "\u{FEFF}" || c == "\u{2028}" || c == "\u{2029}" {
                    out += "\\u" + hex(c.value, 4)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
