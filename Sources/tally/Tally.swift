import ArgumentParser
import Foundation

/// The `tally` command: lint, explain and run pipeline specs.
@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Declarative data pipelines: lint, explain and run YAML specs.",
        subcommands: [Lint.self, Explain.self, Run.self, Generate.self, Demo.self, Fmt.self])

    /// Usage errors exit with 2, as documented; everything else keeps ArgumentParser's behaviour.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
