import ArgumentParser
import TallyRuntime

/// `tally run`: run a spec for a date.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a spec for a date; outputs replace the date's previous outputs atomically.")

    @Argument(help: "The spec file.")
    var specPath: String

    @OptionGroup var spec: SpecOptions

    @Flag(help: "Show what the run would do (as explain) and touch nothing.")
    var dryRun = false

    @Option(help: "Threads for scans, aggregation and independent sinks (default: one per core). Results do not depend on it.")
    var threads: Int = RunOptions.defaultThreads

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let code = dryRun
            ? RunCommand.explain(specPath: specPath, options: spec.compilerOptions, root: spec.root, color: spec.useColor,
                                 out: { print($0) }, err: printError)
            : RunCommand.run(specPath: specPath, options: spec.compilerOptions, root: spec.root, color: spec.useColor,
                             threads: threads, out: { print($0) }, err: printError)
        if code != 0 { throw ExitCode(code) }
    }
}
