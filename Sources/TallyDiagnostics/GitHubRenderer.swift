/// Renders diagnostics as GitHub Actions workflow commands, one line each, which GitHub shows as
/// annotations on the pull request:
///
/// `::error file=p.yaml,line=4,col=15,endLine=4,endColumn=17,title=E202::unknown column `qty` (hint: ...)`
///
/// Errors become `::error`, warnings `::warning`, notes `::notice`. `endColumn` is the column of the last
/// character (GitHub's columns are inclusive). Notes follow the message on lines of their own. Data is escaped
/// as GitHub requires (`%`, CR, LF); property values also escape `:` and `,`.
public struct GitHubRenderer: Sendable {
    /// Folder that absolute file paths are made relative to (usually the working directory); nil keeps them.
    public var baseDirectory: String?

    public init(baseDirectory: String? = nil) {
        self.baseDirectory = baseDirectory
    }

    /// One line per diagnostic, each ending in a newline; empty when there are none.
    public func render(_ report: DiagnosticReport) -> String {
        report.diagnostics.map { render($0) + "\n" }.joined()
    }

    public func render(_ d: Diagnostic) -> String {
        let command = switch d.severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
        let s = d.span
        let line = max(s.start.line, 1)
        let endLine = max(s.end.line, line)
        let col = max(s.start.column, 1)
        var properties = [("file", DiagnosticPath.relative(s.file, to: baseDirectory)), ("line", String(line)),
                          ("col", String(col)), ("endLine", String(endLine))]
        // Inclusive end column: the last character of the span, or the start of an empty span.
        properties.append(("endColumn", String(endLine == line ? max(s.end.column - 1, col) : max(s.end.column - 1, 1))))
        properties.append(("title", d.code.rawValue))
        var text = d.message
        if let hint = d.hint { text += " (hint: \(hint))" }
        for note in d.notes {
            text += "\nnote: \(note.message)"
            if let span = note.span {
                text += " (\(DiagnosticPath.relative(span.file, to: baseDirectory)):\(span.start.line):\(span.start.column))"
            }
        }
        let props = properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(command) \(props)::\(Self.escapeData(text))"
    }

    /// Escaping of a command's message: `%` `\r` `\n`.
    public static func escapeData(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Escaping of a property value: as data, plus `:` and `,`.
    public static func escapeProperty(_ s: String) -> String {
        var out = ""
        for c in escapeData(s).unicodeScalars {
            switch c {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
