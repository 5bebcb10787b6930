/// Renders diagnostics as text: a header line, the source line and a caret underline of the span.
public struct TextRenderer: Sendable {
    /// Source text by file path, used to show the offending line.
    public var sources: [String: String]
    /// Whether to emit ANSI colour codes.
    public var color: Bool

    public init(sources: [String: String] = [:], color: Bool = false) {
        self.sources = sources
        self.color = color
    }

    public func render(_ diagnostics: Diagnostics) -> String {
        diagnostics.sorted.map(render).joined(separator: "\n")
    }

    public func render(_ d: Diagnostic) -> String {
        let label = "\(d.severity.rawValue)[\(d.code.rawValue)]"
        var out = paint(label, d.severity == .error ? "1;31" : d.severity == .warning ? "1;33" : "1;36")
        out += paint(": \(d.message)", "1") + "\n"
        out += excerpt(d.span, gutterArrow: true)
        for note in d.notes {
            if let span = note.span {
                out += "  = note: \(note.message)\n" + excerpt(span, gutterArrow: true)
            } else {
                out += "  = note: \(note.message)\n"
            }
        }
        if let hint = d.hint { out += "  = " + paint("hint", "1;32") + ": \(hint)\n" }
        return out
    }

    private func excerpt(_ span: Span, gutterArrow: Bool) -> String {
        var out = "  --> \(span.file):\(span.start.line):\(span.start.column)\n"
        guard let text = sources[span.file] else { return out }
        let lines = Self.lines(of: text)
        guard span.start.line >= 1, span.start.line <= lines.count else { return out }
        let line = lines[span.start.line - 1]
        let number = String(span.start.line)
        let pad = String(repeating: " ", count: number.count)
        let scalars = Array(line.unicodeScalars)
        let startCol = min(max(span.start.column, 1), scalars.count + 1)
        var endCol = span.end.line == span.start.line ? span.end.column : scalars.count + 1
        endCol = min(max(endCol, startCol + 1), max(scalars.count + 1, startCol + 1))
        let prefix = String(String.UnicodeScalarView(scalars.prefix(startCol - 1)).map { $0 == "\t" ? "\t" : " " })
        let carets = String(repeating: "^", count: endCol - startCol)
        out += " \(pad) |\n"
        out += " \(number) | \(line)\n"
        out += " \(pad) | \(prefix)\(paint(carets, "1;31"))\n"
        return out
    }

    /// The lines of `text`, broken at LF, CRLF or a lone CR, as YAML (and libyaml's line numbers) does.
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
