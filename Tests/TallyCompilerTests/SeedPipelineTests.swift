import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

@Suite struct SeedPipelineTests {
    let pipeline: CompiledPipeline
    let diagnostics: Diagnostics

    init() throws {
        let (p, d) = compileText(try seedPipelineText(), file: "pipelines/retail_inventory_reconciliation.yaml")
        diagnostics = d
        pipeline = try #require(p, "\(d)")
    }

    @Test func compilesWithoutErrorsOrWarnings() {
        #expect(diagnostics.errors.isEmpty)
        // Every source, param and node is used, and no cast loses information: no warnings at all.
        #expect(diagnostics.warnings.map(\.code) == [])
        #expect(pipeline.warnings.isEmpty)
    }

    @Test func paramsAndPaths() {
        #expect(pipeline.name == "retail_inventory_reconciliation")
        #expect(pipeline.runDate == runDate)
        #expect(pipeline.params.map(\.name) == ["run_date", "min_abs_discrepancy"])
        #expect(pipeline.params.map(\.param.value) == [.date(runDate), .int(1)])
        #expect(pipeline.sources.map(\.path) == ["pos/date=2024-03-01/*.csv", "inventory/date=2024-03-01/inventory.csv"])
        #expect(pipeline.warehouse == "sqlite:warehouse/tally.db")
        #expect(pipeline.maxRejects == 0)
        #expect(pipeline.rejectsPath == "_rejects")
    }

    @Test func nodesInDependencyOrder() {
        #expect(pipeline.nodes.map(\.name) == ["daily_sales", "products", "reconciliation", "sold_not_in_inventory"])
        #expect(pipeline.nodes.map(\.reads) == [["pos_sales"], ["pos_sales"], ["inventory", "daily_sales", "products"],
                                                ["daily_sales", "inventory"]])
    }

    @Test func reconciliationSchema() throws {
        let schema = try #require(pipeline.schema(of: "reconciliation"))
        #expect(schema.names == ["date_key", "sku", "product_name", "opening_stock", "quantity_sold",
                                 "expected_closing_stock", "actual_closing_stock", "discrepancy_amount"])
        #expect(schema.fields.map(\.type) == [.date, .string, .string, .int, .int, .int, .int, .int])
        // `product_name` comes from the left join with `products`; `quantity_sold` is coalesced to 0.
        #expect(schema.fields.map(\.nullable) == [false, false, true, false, false, false, false, false])
    }

    @Test(arguments: [
        ("daily_sales", "(date_key: date not null, sku: string not null, total_quantity_sold: int)"),
        ("products", "(sku: string not null, product_name: string, category: string)"),
        ("sold_not_in_inventory", "(date_key: date not null, sku: string not null, total_quantity_sold: int)"),
        ("inventory", "(sku: string not null, opening_stock: int not null, actual_closing_stock: int not null)"),
        ("pos_sales", "(transaction_id: string not null, store_id: string not null, sku: string not null, product_name: string, category: string, quantity: int not null, unit_price: decimal(10,2) not null, sold_at: timestamp not null)"),
    ])
    func otherSchemas(name: String, schema: String) {
        #expect(pipeline.schema(of: name)?.description == schema)
    }

    @Test func sinks() throws {
        #expect(pipeline.sinks.map(\.name) == ["dim_products", "fact_daily_sales", "fact_inventory_reconciliation",
                                               "reconciliation_files", "discrepancy_alerts", "unknown_sku_alerts"])
        #expect(pipeline.sinks[0].kind == .warehouse(table: "dim_products", mode: .merge(keys: ["sku"])))
        #expect(pipeline.sinks[1].kind == .warehouse(table: "fact_daily_sales",
                                                     mode: .replacePartition(column: "date_key", value: .date(runDate))))
        #expect(pipeline.sinks[3].kind == .csv(path: "curated/reconciliation", partitioned: true, delimiter: 44))
        guard case .alert(let when, let severity, let message, let output) = pipeline.sinks[4].kind else {
            Issue.record("discrepancy_alerts is not an alert")
            return
        }
        #expect(severity == .warning)
        #expect(output == "alerts/date=2024-03-01/discrepancies.jsonl")
        #expect(when?.type == ExprType(.bool, nullable: false))
        #expect(message.prefix(4) == [.text("SKU "), .column(1), .text(" ("), .column(2)])
        #expect(message.count == 10)
        guard case .alert(_, let critical, _, let out2) = pipeline.sinks[5].kind else { return }
        #expect(critical == .critical)
        #expect(out2 == "alerts/date=2024-03-01/sold_not_in_inventory.jsonl")
    }

    @Test func paramOverrides() throws {
        let text = try seedPipelineText()
        let (p, d) = compileText(text, params: ["min_abs_discrepancy": "5"])
        #expect(!d.hasErrors)
        #expect(p?.params.last?.param.value == .int(5))

        let (bad, badDiags) = compileText(text, params: ["min_abs_discrepancy": "five"])
        #expect(bad == nil)
        // Reported once: not again as an unknown parameter where the alert uses it.
        #expect(errorKeys(badDiags) == ["E308@12:3"])

        let (_, unknown) = compileText(text, params: ["min_abs_discrepancy_": "1"])
        #expect(unknown.errors.map(\.code) == [.unknownParam])
        #expect(unknown.errors.first?.hint == "did you mean `min_abs_discrepancy`?")
    }
}
