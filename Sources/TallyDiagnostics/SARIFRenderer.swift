/// Renders a lint report as a SARIF 2.1.0 log (one run) for code-scanning tools such as GitHub's.
///
/// Every `DiagnosticCode` is a rule (`id` = the code, `shortDescription` = its title, `helpUri` = its section
/// of docs/diagnostics.md); each diagnostic is a result with its level, its message followed by the hint, its
/// primary span as the location and its positioned notes as related locations. Columns are counted in Unicode
/// scalars (`columnKind: unicodeCodePoints`); region ends are exclusive, as in SARIF.
public struct SARIFRenderer: Sendable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// The absolute URL of docs/diagnostics.md as published; rules link to `#<code>` anchors in it.
    public var documentationURL: String
    /// Folder that absolute file paths are made relative to (usually the working directory); nil keeps them.
    public var baseDirectory: String?

    public init(documentationURL: String, baseDirectory: String? = nil) {
        self.documentationURL = documentationURL
        self.baseDirectory = baseDirectory
    }

    /// The SARIF text, pretty-printed, ending in a newline.
    public func render(_ report: DiagnosticReport) -> String {
        value(report).serialized() + "\n"
    }

    public func value(_ report: DiagnosticReport) -> JSONValue {
        let codes = DiagnosticCode.allCases
        let rules = codes.map { code -> JSONValue in
            .object([
                ("id", .string(code.rawValue)),
                ("name", .string(Self.ruleName(code))),
                ("shortDescription", .object([("text", .string(code.title))])),
                ("helpUri", .string(helpURI(code))),
                ("defaultConfiguration", .object([("level", .string(Self.level(code.defaultSeverity)))])),
            ])
        }
        let driver: JSONValue = .object([
            ("name", .string("tally")),
            ("informationUri", .string(documentationURL)),
            ("rules", .array(rules)),
        ])
        let run: JSONValue = .object([
            ("tool", .object([("driver", driver)])),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(report.diagnostics.map { result($0, ruleIndex: codes.firstIndex(of: $0.code) ?? 0) })),
        ])
        return .object([
            ("$schema", .string(Self.schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
    }

    public func helpURI(_ code: DiagnosticCode) -> String {
        documentationURL + "#" + code.documentationAnchor
    }

    private func result(_ d: Diagnostic, ruleIndex: Int) -> JSONValue {
        var text = d.message
        if let hint = d.hint { text += " (hint: \(hint))" }
        for note in d.notes where note.span == nil { text += "\nnote: \(note.message)" }
        var fields: [(String, JSONValue)] = [
            ("ruleId", .string(d.code.rawValue)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(Self.level(d.severity))),
            ("message", .object([("text", .string(text))])),
            ("locations", .array([location(d.span, message: nil, id: nil)])),
        ]
        let related = d.notes.compactMap { note in note.span.map { (note.message, $0) } }
        if !related.isEmpty {
            fields.append(("relatedLocations", .array(related.enumerated().map { i, pair in
                location(pair.1, message: pair.0, id: i)
            })))
        }
        return .object(fields)
    }

    private func location(_ span: Span, message: String?, id: Int?) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if let id { fields.append(("id", .int(id))) }
        fields.append(("physicalLocation", .object([
            ("artifactLocation", .object([("uri", .string(DiagnosticPath.uri(DiagnosticPath.relative(span.file, to: baseDirectory))))])),
            ("region", .object([
                ("startLine", .int(max(span.start.line, 1))),
                ("startColumn", .int(max(span.start.column, 1))),
                ("endLine", .int(max(span.end.line, span.start.line, 1))),
                ("endColumn", .int(max(span.end.column, 1))),
            ])),
        ])))
        if let message { fields.append(("message", .object([("text", .string(message))]))) }
        return .object(fields)
    }

    /// The SARIF `level` of a severity.
    public static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// A rule's `name`: its title in UpperCamelCase (`UnknownColumn`).
    static func ruleName(_ code: DiagnosticCode) -> String {
        code.title.split { !$0.isLetter && !$0.isNumber }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
