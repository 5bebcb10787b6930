import ArgumentParser
import TallyRuntime

/// `tally fmt`: rewrite specs in canonical form, keeping comments.
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite specs in canonical form, keeping comments. Lists the files it changed.",
        discussion: """
            With --check nothing is written: the files that are not canonical are listed and the exit status is 1. \
            Specs with YAML errors are left as they are (exit 1). Specs that use anchors, aliases or tags are \
            left as they are and count as canonical.
            """)

    @Argument(help: "Spec files or folders (searched for *.yaml and *.yml).")
    var paths: [String]

    @Flag(help: "Change nothing; list the files that are not canonical and exit 1 if there are any.")
    var check = false

    @Option(name: .long, help: "Colour diagnostics: auto, always or never (NO_COLOR is honoured).")
    var color: ColorChoice = .auto

    func run() throws {
        let result: FormatCommandResult
        do {
            result = try FormatCommand.run(paths: paths, check: check, color: color.enabled)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        for path in result.listing { print(path) }
        for message in result.messages { printError(message) }
        printError(result.summary)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
