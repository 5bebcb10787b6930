import ArgumentParser
import TallyRuntime

/// `tally demo`: generate sample data and run the retail pipeline over it.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a few days of sample data, run the retail reconciliation for each day and summarise.")

    @Option(help: "The spec to run.") var spec: String = "pipelines/retail_inventory_reconciliation.yaml"
    @Option(help: "Data root to create.") var root: String = "demo"
    @Option(help: "First date.") var from: String = "2024-03-01"
    @Option(help: "Number of days.") var days: Int = 3

    func validate() throws {
        guard CLIInput.date(from) != nil else { throw ValidationError("--from must be YYYY-MM-DD, got `\(from)`") }
        guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366") }
    }

    func run() throws {
        let code = DemoCommand.run(specPath: spec, root: root, from: CLIInput.date(from)!, days: days,
                                   out: { print($0) }, err: printError)
        if code != 0 { throw ExitCode(code) }
    }
}
