import Foundation
import TallyCompiler
import TallyConnectors

/// `tally demo`: generates sample data, runs the pipeline for each day and summarises the results.
public enum DemoCommand {
    public static func run(specPath: String, root: String, from: Int32, days: Int,
                           out: @escaping @Sendable (String) -> Void, err: (String) -> Void) -> Int32 {
        do {
            out(try SampleData.generate(out: root, from: from, days: days, skus: 200, rows: 2000, seed: 42))
        } catch {
            err("error: generating sample data failed: \(error)")
            return 2
        }
        var alerts = 0
        var warehouse: String?
        for day in 0..<days {
            let date = from + Int32(day)
            let input = CompilerOptionsInput(date: CivilDate.format(days: date), params: [], warehouse: nil, allowOutsideRoot: false)
            let (pipeline, code) = RunCommand.compile(specPath, input, color: false, err: err)
            guard let pipeline else { return code }
            do {
                let report = try Runner(pipeline: pipeline, options: RunOptions(root: root, stdout: out)).run()
                out(report.summary)
                alerts += report.alerts.values.reduce(0, +)
                warehouse = try pipeline.warehouse.map { try Runner.sqlitePath($0, root: root) }
            } catch {
                err("error: run for \(CivilDate.format(days: date)) failed: \(error)")
                return 1
            }
        }
        out("")
        out("demo done: \(days) day(s) reconciled, \(alerts) alert(s) raised")
        if let warehouse {
            out("warehouse: \(warehouse) (tables dim_products, fact_daily_sales, fact_inventory_reconciliation)")
            out("  try: sqlite3 \(warehouse) 'select * from fact_inventory_reconciliation where discrepancy_amount <> 0'")
        }
        out("files: \(root)/curated/reconciliation/, alerts: \(root)/alerts/")
        out("the generator's own answers (injected discrepancies, SKUs missing from inventory): \(root)/expected/")
        return 0
    }
}
