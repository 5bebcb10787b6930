import TallyDiagnostics

/// A YAML source as Unicode scalars (libyaml counts columns in characters) with where each line starts,
/// for turning libyaml's marks into indices and indices into line:column.
struct SourceText {
    /// The whole source as Unicode scalars.
    let text: [Unicode.Scalar]
    /// Index in `text` where each line starts.
    let lineStarts: [Int]

    init(_ text: [Unicode.Scalar]) {
        self.text = text
        var starts = [0]
        for (i, c) in text.enumerated() where c == "\n" { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The index of 0-based `line` and `column` (libyaml's marks), clamped to the text.
    func index(line: Int, column: Int) -> Int {
        guard line < lineStarts.count else { return text.count }
        return min(lineStarts[line] + column, text.count)
    }

    func index(of location: SourceLocation) -> Int {
        index(line: location.line - 1, column: location.column - 1)
    }

    /// The 0-based line holding `index`.
    func line(of index: Int) -> Int {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    func location(at index: Int) -> SourceLocation {
        let line = line(of: index)
        return SourceLocation(line: line + 1, column: index - lineStarts[line] + 1)
    }

    /// Where each character of a scalar's value stands in the text, by walking the raw text alongside
    /// the value: escapes and doubled quotes map to their first raw character, folded line breaks to the
    /// break, and block indentation is skipped. One position per value scalar, then the end.
    func locate(_ value: String, span: Span, style: ScalarStyle, parentIndent: Int) -> [SourceLocation] {
        var r = index(of: span.start)
        let end = max(index(of: span.end), r)
        var blockIndent: Int?
        switch style {
        case .singleQuoted, .doubleQuoted:
            r += 1
        case .literal, .folded:
            // The header `|2-` may carry an indentation indicator; content starts on the next line.
            var explicit: Int?
            while r < end, text[r] != "\n" {
                if let d = Int(String(text[r])), d > 0 { explicit = d }
                r += 1
            }
            r += 1
            var i = r
            while i < end, text[i] == " " || text[i] == "\n" { i += 1 }
            var lineStart = i
            while lineStart > r, text[lineStart - 1] != "\n" { lineStart -= 1 }
            blockIndent = explicit.map { parentIndent + $0 } ?? (i - lineStart)
            r = skipIndent(from: r, block: blockIndent, end: end)
        case .plain:
            break
        }
        var positions: [SourceLocation] = []
        positions.reserveCapacity(value.unicodeScalars.count + 1)
        for v in value.unicodeScalars {
            var found: Int?
            while r < end, found == nil {
                let c = text[r]
                if style == .doubleQuoted, c == "\\" {
                    let next = r + 1 < end ? text[r + 1] : " "
                    if next == "\n" || next == "\r" {
                        r = skipIndent(from: skipBreak(r + 1), block: nil, end: end)
                        continue
                    }
                    found = r
                    r += next == "x" ? 4 : next == "u" ? 6 : next == "U" ? 10 : 2
                } else if style == .singleQuoted, c == "'", r + 1 < end, text[r + 1] == "'" {
                    found = r
                    r += 2
                } else if c == v, c != "\n" {
                    found = r
                    r += 1
                } else if v == " " || v == "\n", c == "\n" || c == "\r" {
                    found = r
                    r = skipIndent(from: skipBreak(r), block: blockIndent, end: end)
                } else {
                    r += 1
                }
            }
            positions.append(location(at: found ?? min(r, end)))
        }
        positions.append(location(at: min(r, end)))
        return positions
    }

    func skipBreak(_ i: Int) -> Int {
        var i = i
        if i < text.count, text[i] == "\r" { i += 1 }
        if i < text.count, text[i] == "\n" { i += 1 }
        return i
    }

    /// Skips a block's indentation (exactly `block` spaces) or, in flow scalars, all leading blanks.
    func skipIndent(from i: Int, block: Int?, end: Int) -> Int {
        var i = i
        var skipped = 0
        while i < end, text[i] == " " || (block == nil && text[i] == "\t"), skipped < (block ?? Int.max) {
            i += 1
            skipped += 1
        }
        return i
    }
}
