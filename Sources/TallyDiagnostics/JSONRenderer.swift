/// Renders a lint report as one JSON document of a documented, versioned shape (docs/diagnostics.md):
///
/// ```json
/// {"version": 1, "tool": "tally", "files": 2, "summary": {"errors": 1, "warnings": 0},
///  "diagnostics": [{"file": "p.yaml", "severity": "error", "code": "E202", "title": "Unknown column",
///                   "message": "...", "start": {"line": 4, "column": 15}, "end": {"line": 4, "column": 18},
///                   "hint": "..." or null,
///                   "notes": [{"message": "...", "file": "p.yaml" or null, "start": {...} or null, "end": {...} or null}]}]}
/// ```
///
/// Keys are always present and in this order; lines and columns are 1-based, columns count Unicode scalars,
/// `end` is exclusive. A new key may be added within a version; removing or changing one bumps `version`.
public struct JSONRenderer: Sendable {
    /// The version of the output shape.
    public static let version = 1

    /// Folder that absolute file paths are made relative to (usually the working directory); nil keeps them.
    public var baseDirectory: String?

    public init(baseDirectory: String? = nil) {
        self.baseDirectory = baseDirectory
    }

    /// The JSON text, pretty-printed, ending in a newline.
    public func render(_ report: DiagnosticReport) -> String {
        value(report).serialized() + "\n"
    }

    public func value(_ report: DiagnosticReport) -> JSONValue {
        .object([
            ("version", .int(Self.version)),
            ("tool", .string("tally")),
            ("files", .int(report.fileCount)),
            ("summary", .object([("errors", .int(report.errorCount)), ("warnings", .int(report.warningCount))])),
            ("diagnostics", .array(report.diagnostics.map(value))),
        ])
    }

    public func value(_ d: Diagnostic) -> JSONValue {
        .object([
            ("file", .string(path(d.span.file))),
            ("severity", .string(d.severity.rawValue)),
            ("code", .string(d.code.rawValue)),
            ("title", .string(d.code.title)),
            ("message", .string(d.message)),
            ("start", Self.location(d.span.start)),
            ("end", Self.location(d.span.end)),
            ("hint", .optional(d.hint)),
            ("notes", .array(d.notes.map { note in
                .object([
                    ("message", .string(note.message)),
                    ("file", .optional(note.span.map { path($0.file) })),
                    ("start", note.span.map { Self.location($0.start) } ?? .null),
                    ("end", note.span.map { Self.location($0.end) } ?? .null),
                ])
            })),
        ])
    }

    private func path(_ file: String) -> String { DiagnosticPath.relative(file, to: baseDirectory) }

    static func location(_ l: SourceLocation) -> JSONValue {
        .object([("line", .int(l.line)), ("column", .int(l.column))])
    }
}
