import ArgumentParser
import Foundation
import TallyRuntime

extension LintFormat: ExpressibleByArgument {}

/// `tally lint`: check specs without reading data.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check specs: every error at once, with its position and a hint. Exit 0 clean, 1 errors, 2 usage or I/O.")

    @Argument(help: "Spec files or folders (searched for *.yaml and *.yml).")
    var paths: [String]

    @OptionGroup var spec: SpecOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Output: text, json (versioned), sarif (SARIF 2.1.0) or github (workflow annotations).")
    var format: LintFormat = .text

    @Option(name: .customLong("docs-url"), help: "Published URL of docs/diagnostics.md, for SARIF rule links.")
    var docsURL: String = LintCommand.defaultDocumentationURL

    func run() throws {
        let color = LintCommand.useColor(spec.color.rawValue, isTerminal: isatty(STDOUT_FILENO) == 1,
                                         environment: ProcessInfo.processInfo.environment)
        let code = LintCommand.execute(paths: paths, options: spec.compilerOptions, strict: strict, color: color,
                                       format: format, documentationURL: docsURL, out: { print($0) }, err: printError)
        if code != 0 { throw ExitCode(code) }
    }
}
