import Foundation
import Testing
import TallyRuntime

/// The library calls behind `tally lint`, `explain` and `run --dry-run`.
@Suite struct CommandTests {
    static let noOptions = CompilerOptionsInput(date: "2024-03-01", params: [], warehouse: nil, allowOutsideRoot: false)

    @Test func theShippedPipelinesLintClean() throws {
        let result = try LintCommand.run(paths: [TestWorkspace.repository.appendingPathComponent("pipelines").path],
                                         options: Self.noOptions, strict: true, color: false)
        #expect(!result.failed, "\(result.text)")
        #expect(result.files.count >= 1)
    }

    @Test func aMisspeltColumnIsReportedWithPositionAndSuggestion() throws {
        let ws = try TestWorkspace()
        let spec = try String(contentsOfFile: TestWorkspace.retailSpec, encoding: .utf8)
            .replacingOccurrences(of: "expected_closing_stock: opening_stock - quantity_sold",
                                  with: "expected_closing_stock: opening_stok - quantity_sold")
        try ws.write("spec.yaml", spec)
        let line = spec.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("opening_stok") }! + 1
        let column = spec.split(separator: "\n", omittingEmptySubsequences: false)[line - 1].distance(
            from: spec.split(separator: "\n", omittingEmptySubsequences: false)[line - 1].startIndex,
            to: spec.split(separator: "\n", omittingEmptySubsequences: false)[line - 1].range(of: "opening_stok")!.lowerBound) + 1
        let result = try LintCommand.run(paths: [ws.path("spec.yaml")], options: Self.noOptions, strict: false, color: false)
        #expect(result.failed)
        #expect(result.text.contains("error[E202]: unknown column `opening_stok`"))
        #expect(result.text.contains("spec.yaml:\(line):\(column)"))
        #expect(result.text.contains("did you mean `opening_stock`?"))
    }

    @Test func dryRunAndExplainTouchNothing() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        let before = try ws.snapshot()
        var output = ""
        let code = RunCommand.explain(specPath: TestWorkspace.retailSpec, options: Self.noOptions, root: ws.root, color: false,
                                      out: { output += $0 }, err: { _ in })
        #expect(code == 0)
        #expect(try ws.snapshot() == before)
        #expect(output.contains("pos/date=2024-03-01/store_a.csv"))
        #expect(output.contains("fact_inventory_reconciliation: replace partition date_key = 2024-03-01"))
        #expect(output.contains("CSVScan inventory columns [sku, opening_stock, actual_closing_stock]"))
    }

    @Test func explainReportsAMissingDateAsAnError() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        var errors = ""
        let input = CompilerOptionsInput(date: "2025-01-01", params: [], warehouse: nil, allowOutsideRoot: false)
        let code = RunCommand.explain(specPath: TestWorkspace.retailSpec, options: input, root: ws.root, color: false,
                                      out: { _ in }, err: { errors += $0 })
        #expect(code == 1)
        #expect(errors.contains("source `pos_sales`: no files match"))
    }
}
