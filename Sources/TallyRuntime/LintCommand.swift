import Foundation
import TallyCompiler
import TallyDiagnostics

/// The outcome of linting: rendered findings, a one-line summary and whether lint fails.
public struct LintResult: Sendable {
    /// What goes to standard output: the text rendering, or the JSON, SARIF or GitHub document.
    public var text: String
    /// `linted N specs: E errors, W warnings`, for standard error.
    public var summary: String
    /// Whether any finding is at error level (after `--strict`).
    public var failed: Bool
    public var files: [SpecFile]
    /// Every finding in output order, warnings already raised to errors under `--strict`.
    public var report: DiagnosticReport

    /// 0 clean (warnings allowed), 1 findings at error level.
    public var exitCode: Int32 { failed ? 1 : 0 }
}

/// How `tally lint` writes its findings.
public enum LintFormat: String, CaseIterable, Sendable {
    /// Human-readable: header, source line and caret underline, notes and hint.
    case text
    /// One JSON document of a versioned shape (see docs/diagnostics.md).
    case json
    /// SARIF 2.1.0, for code scanning.
    case sarif
    /// GitHub Actions workflow commands (annotations).
    case github
}

/// `tally lint` as a library call.
public enum LintCommand {
    /// Where docs/diagnostics.md is published; SARIF `helpUri`s point at its `#e202` anchors.
    /// Override with `tally lint --docs-url`.
    public static let defaultDocumentationURL = "https://github.com/tally-data/tally/blob/main/docs/diagnostics.md"

    /// Exit code for usage and I/O problems (a missing or unreadable path).
    public static let usageExitCode: Int32 = 2

    /// Lints `paths` and renders the findings in `format`. Spec problems are findings; a path that does not
    /// exist or cannot be read throws.
    public static func run(paths: [String], options: CompilerOptionsInput, strict: Bool, color: Bool,
                           format: LintFormat = .text, documentationURL: String = defaultDocumentationURL,
                           baseDirectory: String? = FileManager.default.currentDirectoryPath) throws -> LintResult {
        let files = try Linter(options: options.options).lint(paths)
        var all: [Diagnostic] = []
        var texts: [String] = []
        for file in files where !file.diagnostics.isEmpty {
            var diags = file.diagnostics
            if strict { diags = Diagnostics(diags.all.map { var d = $0; if d.severity == .warning { d.severity = .error }; return d }) }
            all.append(contentsOf: diags.sorted)
            if format == .text { texts.append(file.renderer(color: color).render(diags)) }
        }
        let report = DiagnosticReport(fileCount: files.count, diagnostics: all)
        let text: String
        switch format {
        case .text: text = texts.joined(separator: "\n")
        case .json: text = JSONRenderer(baseDirectory: baseDirectory).render(report)
        case .sarif: text = SARIFRenderer(documentationURL: documentationURL, baseDirectory: baseDirectory).render(report)
        case .github: text = GitHubRenderer(baseDirectory: baseDirectory).render(report)
        }
        let (errors, warnings) = (report.errorCount, report.warningCount)
        let summary = "linted \(files.count) spec\(files.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        return LintResult(text: text, summary: summary, failed: errors > 0, files: files, report: report)
    }

    /// The whole command: lints, writes the findings with `out` (without a final newline) and the summary or an
    /// I/O error with `err`, and returns the exit code: 0 clean, 1 errors, 2 usage or I/O.
    public static func execute(paths: [String], options: CompilerOptionsInput, strict: Bool, color: Bool,
                               format: LintFormat = .text, documentationURL: String = defaultDocumentationURL,
                               baseDirectory: String? = FileManager.default.currentDirectoryPath,
                               out: (String) -> Void, err: (String) -> Void) -> Int32 {
        let result: LintResult
        do {
            result = try run(paths: paths, options: options, strict: strict, color: color, format: format,
                             documentationURL: documentationURL, baseDirectory: baseDirectory)
        } catch {
            err("error: \(error)")
            return usageExitCode
        }
        var text = result.text
        if format != .text, text.hasSuffix("\n") { text.removeLast() }
        // Machine formats always write their document (an empty SARIF run, `[]` diagnostics); text and
        // GitHub lines only when there is something to say.
        if !text.isEmpty || format == .json || format == .sarif { out(text) }
        err(result.summary)
        return result.exitCode
    }

    /// Whether to colour the text output: `always` and `never` are taken as said; `auto` colours when standard
    /// output is a terminal and `NO_COLOR` is unset or empty (https://no-color.org).
    public static func useColor(_ choice: String, isTerminal: Bool, environment: [String: String]) -> Bool {
        switch choice {
        case "always": true
        case "never": false
        default: isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}
