import Foundation
import Testing
import TallyRuntime

/// `tally explain --format json|dot|mermaid`.
@Suite struct ExplainFormatTests {
    func explain(_ format: Explainer.Format) throws -> String {
        let ws = try TestWorkspace(fixture: "retail_small")
        var output = ""
        let code = RunCommand.explain(specPath: TestWorkspace.retailSpec, options: CommandTests.noOptions, root: ws.root,
                                      color: false, format: format, out: { output += $0 }, err: { _ in })
        #expect(code == 0)
        return output
    }

    @Test func jsonIsVersionedAndComplete() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(explain(.json).utf8)) as? [String: Any])
        #expect(json["version"] as? Int == 1)
        #expect(json["run_date"] as? String == "2024-03-01")
        let sources = try #require(json["sources"] as? [[String: Any]])
        let pos = try #require(sources.first { $0["name"] as? String == "pos_sales" })
        let files = try #require(pos["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["pos/date=2024-03-01/store_a.csv", "pos/date=2024-03-01/store_b.csv"])
        #expect(pos["missing"] as? Bool == false)
        let sinks = try #require(json["sinks"] as? [[String: Any]])
        let fact = try #require(sinks.first { $0["name"] as? String == "fact_inventory_reconciliation" })
        #expect((fact["schema"] as? [[String: Any]])?.map { $0["name"] as? String } == [
            "date_key", "sku", "product_name", "opening_stock", "quantity_sold", "expected_closing_stock",
            "actual_closing_stock", "discrepancy_amount",
        ])
        #expect((fact["writes"] as? String)?.contains("replace partition date_key = 2024-03-01") == true)
    }

    @Test func dotAndMermaidDrawTheNodeGraph() throws {
        let dot = try explain(.dot)
        #expect(dot.hasPrefix("digraph \"retail_inventory_reconciliation\" {"))
        #expect(dot.contains("\"pos_sales\" -> \"daily_sales\";"))
        #expect(dot.contains("\"reconciliation\" -> \"sink:fact_inventory_reconciliation\";"))
        let mermaid = try explain(.mermaid)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("inventory --> reconciliation"))
        #expect(mermaid.contains("sold_not_in_inventory --> sink__unknown_sku_alerts"))
    }
}
