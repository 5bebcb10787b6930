import Foundation
import Testing
import TallyRuntime

/// The seed's pipeline end to end on a small hand-made dataset. The expected rows below were worked
/// out by hand from the fixture files (see the comments), not by running tally.
@Suite struct RetailPipelineTests {
    // pos 2024-03-01: SKU-1 3 - 1 (a return) = 2, SKU-2 2 + 4 = 6 (the second file has a BOM, CRLF and
    // reordered columns), SKU-3 5, SKU-9 1 (not in the inventory).
    static let dailySales = ["2024-03-01|SKU-1|2", "2024-03-01|SKU-2|6", "2024-03-01|SKU-3|5", "2024-03-01|SKU-9|1"]
    // inventory: expected = opening - sold, discrepancy = actual - expected; SKU-4 was not sold.
    static let reconciliation = [
        "2024-03-01|SKU-1|Widget, large|10|2|8|8|0",
        "2024-03-01|SKU-2|12\" ruler|20|6|14|13|-1",
        "2024-03-01|SKU-3|Crème brûlée|5|5|0|0|0",
        "2024-03-01|SKU-4|NULL|7|0|7|9|2",
    ]

    @Test func reconcilesOneDay() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        let report = try ws.run(date: "2024-03-01")

        #expect(try ws.query("select date_key, sku, total_quantity_sold from fact_daily_sales order by sku") == Self.dailySales)
        #expect(try ws.query("""
            select date_key, sku, product_name, opening_stock, quantity_sold, expected_closing_stock,
                   actual_closing_stock, discrepancy_amount from fact_inventory_reconciliation order by sku
            """) == Self.reconciliation)
        #expect(try ws.query("select sku, product_name, category from dim_products order by sku") == [
            "SKU-1|Widget, large|tools", "SKU-2|12\" ruler|office", "SKU-3|Crème brûlée|food", "SKU-9|Ghost item|misc",
        ])
        let pos = try #require(report.sources.first { $0.name == "pos_sales" })
        #expect(pos.read == 6 && pos.passed == 6 && pos.rejected == 0 && pos.files == 2)
        #expect(report.alerts["discrepancy_alerts"] == 2)
        #expect(report.alerts["unknown_sku_alerts"] == 1)
    }

    @Test func warehouseTablesHaveTheSeedColumns() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        let columns = { (table: String) in try ws.query("select name from pragma_table_info('\(table)') order by cid") }
        #expect(try columns("dim_products") == ["sku", "product_name", "category"])
        #expect(try columns("fact_daily_sales") == ["date_key", "sku", "total_quantity_sold"])
        #expect(try columns("fact_inventory_reconciliation") == [
            "date_key", "sku", "product_name", "opening_stock", "quantity_sold", "expected_closing_stock",
            "actual_closing_stock", "discrepancy_amount",
        ])
    }

    @Test func writesPartitionedFilesAndAlerts() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        #expect(try ws.read("curated/reconciliation/date=2024-03-01/part-00000.csv") == """
            date_key,sku,product_name,opening_stock,quantity_sold,expected_closing_stock,actual_closing_stock,discrepancy_amount
            2024-03-01,SKU-1,"Widget, large",10,2,8,8,0
            2024-03-01,SKU-2,"12"" ruler",20,6,14,13,-1
            2024-03-01,SKU-3,Crème brûlée,5,5,0,0,0
            2024-03-01,SKU-4,,7,0,7,9,2

            """)
        let alerts = try ws.read("alerts/date=2024-03-01/discrepancies.jsonl").split(separator: "\n").map(String.init)
        #expect(alerts.count == 3)
        #expect(alerts[0].contains(#""message":"SKU SKU-2 (12\" ruler): expected 14, counted 13, off by -1""#))
        #expect(alerts[1].contains(#""row":{"date_key":"2024-03-01","sku":"SKU-4","product_name":null"#))
        #expect(alerts[2].contains(#""summary":true"#) && alerts[2].contains(#""matched":2"#))
        let unknown = try ws.read("alerts/date=2024-03-01/sold_not_in_inventory.jsonl")
        #expect(unknown.contains(#""sku":"SKU-9""#) && unknown.contains(#""matched":1"#))
    }

    @Test func rerunningADateIsIdempotent() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        let first = try ws.snapshot()
        let tables = ["dim_products", "fact_daily_sales", "fact_inventory_reconciliation"]
        let rows = try tables.map { try ws.query("select * from \($0) order by 1, 2") }
        try ws.run(date: "2024-03-01")
        #expect(try tables.map { try ws.query("select * from \($0) order by 1, 2") } == rows)
        let second = try ws.snapshot()
        #expect(second.keys.sorted() == first.keys.sorted())
        for (path, data) in first where !path.hasPrefix("warehouse/") {
            #expect(second[path] == data, "\(path) changed on re-run")
        }
    }

    @Test func dimensionMergeKeepsProductsNotSoldToday() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        try ws.run(date: "2024-03-02")
        #expect(try ws.query("select sku, product_name from dim_products order by sku") == [
            "SKU-1|Widget, XL", "SKU-2|12\" ruler", "SKU-3|Crème brûlée", "SKU-9|Ghost item",
        ])
        // Each date keeps its own partition of the facts.
        #expect(try ws.query("select date_key, count(*) from fact_daily_sales group by 1 order by 1") == ["2024-03-01|4", "2024-03-02|1"])
        #expect(try ws.query("select * from fact_inventory_reconciliation where date_key = '2024-03-02'") == [
            "2024-03-02|SKU-1|Widget, XL|8|1|7|7|0",
        ])
    }

    @Test func aFailedRunLeavesPreviousOutputsUntouched() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        let before = try ws.snapshot()
        let rows = try ws.query("select * from fact_inventory_reconciliation order by sku")
        // A row with `abc` as quantity: rejected, and max_rejects is 0, so the run must fail as a whole.
        try ws.write("pos/date=2024-03-01/store_c.csv", """
            transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at
            T8,S1,SKU-1,Widget,tools,7,9.99,2024-03-01 15:00:00
            T9,S1,SKU-2,Ruler,office,abc,1.50,2024-03-01 15:01:00

            """)
        #expect(throws: RuntimeError.self) { try ws.run(date: "2024-03-01") }
        #expect(try ws.query("select * from fact_inventory_reconciliation order by sku") == rows)
        let after = try ws.snapshot()
        for (path, data) in before where !path.hasPrefix("warehouse/") {
            #expect(after[path] == data, "\(path) changed by a failed run")
        }
        let rejects = try ws.read("_rejects/date=2024-03-01/pos_sales.csv")
        #expect(rejects.contains("store_c.csv,3,quantity"))
        #expect(!after.keys.contains { $0.contains(".tmp-") || $0.contains(".new-") }, "staging files left behind")
    }

    @Test func rejectsWithinTheLimitAreCountedAndTheRunSucceeds() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.write("pos/date=2024-03-01/store_c.csv", """
            transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at
            T9,S1,SKU-2,Ruler,office,abc,1.50,2024-03-01 15:01:00
            T10,S1,SKU-2,Ruler,office,1

            """)
        let spec = try String(contentsOfFile: TestWorkspace.retailSpec, encoding: .utf8)
            .replacingOccurrences(of: "max_rejects: 0", with: "max_rejects: 2")
        try ws.write("spec.yaml", spec)
        let report = try ws.run(ws.path("spec.yaml"), date: "2024-03-01")
        let pos = try #require(report.sources.first { $0.name == "pos_sales" })
        #expect(pos.read == 8 && pos.passed == 6 && pos.rejected == 2)
        #expect(try ws.query("select total_quantity_sold from fact_daily_sales where sku = 'SKU-2'") == ["6"])
    }

    @Test func aMissingInputFailsClearly() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        #expect { try ws.run(date: "2024-04-01") } throws: { error in
            "\(error)".contains("no files match `pos/date=2024-04-01/*.csv`")
        }
    }
}
