import ArgumentParser
import TallyRuntime

/// `tally lint`: check specs without reading data.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check specs: every error at once, with its position and a hint. Exit 0 clean, 1 errors, 2 usage.")

    @Argument(help: "Spec files or folders (searched for *.yaml and *.yml).")
    var paths: [String]

    @OptionGroup var spec: SpecOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        let result: LintResult
        do {
            result = try LintCommand.run(paths: paths, options: spec.compilerOptions, strict: strict, color: spec.useColor)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if !result.text.isEmpty { print(result.text) }
        printError(result.summary)
        if result.failed { throw ExitCode(1) }
    }
}
