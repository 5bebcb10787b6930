import ArgumentParser
import TallyRuntime

/// `tally generate`: deterministic sample data.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write deterministic sample POS and inventory files (with known discrepancies) under --out.")

    @Option(help: "Output folder.") var out: String = "demo"
    @Option(help: "First date (YYYY-MM-DD).") var from: String = "2024-03-01"
    @Option(help: "Number of days.") var days: Int = 3
    @Option(help: "Number of SKUs in the catalogue.") var skus: Int = 200
    @Option(help: "POS rows per day.") var rows: Int = 2000
    @Option(help: "Random seed.") var seed: UInt64 = 42

    func validate() throws {
        guard CLIInput.date(from) != nil else { throw ValidationError("--from must be YYYY-MM-DD, got `\(from)`") }
        guard days > 0, skus > 0, rows >= 0 else { throw ValidationError("--days and --skus must be positive, --rows not negative") }
    }

    func run() throws {
        print(try SampleData.generate(out: out, from: CLIInput.date(from)!, days: days, skus: skus, rows: rows, seed: seed))
    }
}
