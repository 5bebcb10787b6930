import TallyCompiler
import TallyConnectors

/// `tally generate`: writes deterministic sample data and describes what it wrote.
public enum SampleData {
    public static func generate(out: String, from: Int32, days: Int, skus: Int, rows: Int, seed: UInt64) throws -> String {
        let summary = try SampleDataGenerator.generate(out: out, from: from, days: days, skus: skus, rowsPerDay: rows, seed: seed)
        var lines = ["wrote \(summary.files.count) files under \(out)"]
        for day in summary.days {
            lines.append("  \(CivilDate.format(days: day.date)): \(day.posRows) POS rows in \(day.posFiles) files (\(day.returns) returns), "
                         + "\(day.inventoryRows) inventory rows, \(day.discrepancies) injected discrepancies, "
                         + "\(day.missingInventory) SKUs sold but missing from inventory")
        }
        return lines.joined(separator: "\n")
    }
}
