import TallyCompiler
import TallyDiagnostics

/// The outcome of linting: rendered findings, a one-line summary and whether lint fails.
public struct LintResult: Sendable {
    public var text: String
    public var summary: String
    public var failed: Bool
    public var files: [SpecFile]
}

/// `tally lint` as a library call.
public enum LintCommand {
    public static func run(paths: [String], options: CompilerOptionsInput, strict: Bool, color: Bool) throws -> LintResult {
        let files = try Linter(options: options.options).lint(paths)
        var rendered: [String] = []
        var errors = 0
        var warnings = 0
        for file in files where !file.diagnostics.isEmpty {
            var diags = file.diagnostics
            if strict { diags = Diagnostics(diags.all.map { var d = $0; if d.severity == .warning { d.severity = .error }; return d }) }
            errors += diags.errors.count
            warnings += diags.warnings.count
            rendered.append(file.renderer(color: color).render(diags))
        }
        let summary = "linted \(files.count) spec\(files.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        return LintResult(text: rendered.joined(separator: "\n"), summary: summary, failed: errors > 0, files: files)
    }
}
