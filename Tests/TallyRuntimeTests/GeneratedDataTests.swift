import Foundation
import Testing
import TallyCompiler
import TallyRuntime

/// The seed pipeline over generated data, checked against the generator's own ground truth
/// (`expected/date=D/*.csv`), which is computed independently of the engine.
@Suite struct GeneratedDataTests {
    @Test func discrepanciesMatchTheInjectedOnes() throws {
        let ws = try TestWorkspace()
        _ = try SampleData.generate(out: ws.root, from: CivilDate.parseDate("2024-03-01")!, days: 2, skus: 120, rows: 900, seed: 7)
        for date in ["2024-03-01", "2024-03-02"] {
            let report = try ws.run(date: date)
            let expected = try ws.read("expected/date=\(date)/discrepancies.csv").split(separator: "\n").dropFirst()
                .map { $0.replacingOccurrences(of: ",", with: "|") }.sorted()
            #expect(!expected.isEmpty)
            let actual = try ws.query("""
                select sku, discrepancy_amount from fact_inventory_reconciliation
                where date_key = '\(date)' and discrepancy_amount <> 0 order by sku
                """)
            #expect(actual == expected)
            let missing = try ws.read("expected/date=\(date)/missing_inventory.csv").split(separator: "\n").dropFirst().map(String.init).sorted()
            #expect(report.alerts["unknown_sku_alerts"] == missing.count)
            let pos = try #require(report.sources.first { $0.name == "pos_sales" })
            #expect(pos.read == pos.passed && pos.rejected == 0 && pos.read > 0)
        }
    }
}
