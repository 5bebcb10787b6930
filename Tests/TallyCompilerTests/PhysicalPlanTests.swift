import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// Projection pushdown and sharing. Source column indices:
/// `pos_sales`: transaction_id 0, store_id 1, sku 2, product_name 3, quantity 4, unit_price 5, sold_at 6;
/// `inventory`: sku 0, opening_stock 1, actual_closing_stock 2.
@Suite struct PhysicalPlanTests {
    func plan(_ body: String, sink: String = "out") throws -> (PhysicalPlanner, PhysicalPlan) {
        let (pipeline, _) = try compileOK(miniSpec(body))
        let planner = PhysicalPlanner(pipeline)
        let s = try #require(pipeline.sinks.first { $0.name == sink })
        return (planner, planner.planSink(s))
    }

    @Test func aggregateReadsOnlyItsKeyAndArgument() throws {
        let (planner, p) = try plan("""
        transforms:
          sales:
            from: pos_sales
            steps:
              - aggregate: {group_by: [sku], measures: {sold: sum(quantity)}}
        sinks:
          out: {type: csv, from: sales, path: out/sales.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """)
        #expect(planner.shared.isEmpty)
        let s = scans(p)
        #expect(s.map(\.source) == ["pos_sales"])
        #expect(s.first?.columns == [2, 4])
        #expect(s.first?.schema.names == ["sku", "quantity"])
        let aggs = collect(p) { if case .hashAggregate(let a) = $0 { a } else { nil } }
        try #require(aggs.count == 1, "expected one aggregate in \(p)")
        let agg = aggs[0]
        // Indices renumbered to the pruned scan.
        #expect(agg.groupKeys == [0])
        #expect(agg.aggregates.map(\.argument) == [1])
        #expect(p.schema.description == "(sku: string not null, sold: int)")
    }

    @Test func filterColumnsAreReadEvenWhenNotOutput() throws {
        let (_, p) = try plan("""
        transforms:
          t:
            from: pos_sales
            steps:
              - filter: store_id = 'S1' and unit_price > 2
              - select: [sku]
        sinks:
          out: {type: csv, from: t, path: out/t.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """)
        #expect(scans(p).map(\.columns) == [[1, 2, 5]])
        #expect(p.schema.names == ["sku"])
    }

    @Test func aggregateOfAnExpressionProjectsItsArgumentBelow() throws {
        let (_, p) = try plan("""
        transforms:
          t:
            from: pos_sales
            steps:
              - aggregate: {group_by: [store_id], measures: {revenue: sum(quantity * unit_price), n: count(*)}}
        sinks:
          out: {type: csv, from: t, path: out/t.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """)
        #expect(scans(p).map(\.columns) == [[1, 4, 5]])
        let aggs = collect(p) { if case .hashAggregate(let a) = $0 { a } else { nil } }
        guard let agg = aggs.first, case .project(let pre) = agg.input else {
            Issue.record("expected aggregate over projection, got \(p)")
            return
        }
        #expect(pre.schema.names == ["store_id", "arg_0"])
        #expect(agg.aggregates.map(\.function) == [.sum, .countStar])
        #expect(agg.aggregates.map(\.argument) == [1, nil])
    }

    @Test func sortKeyIsKeptAndRemapped() throws {
        let (_, p) = try plan("""
        transforms:
          t:
            from: inventory
            steps:
              - sort: [opening_stock desc]
              - select: [sku]
        sinks:
          out: {type: csv, from: t, path: out/t.csv}
          pos: {type: csv, from: pos_sales, path: out/pos.csv}

        """)
        #expect(scans(p).map(\.columns) == [[0, 1]])
        let sorts = collect(p) { if case .sort(let s) = $0 { s } else { nil } }
        #expect(sorts.first?.keys == [SortKey(column: 1, ascending: false, nullsFirst: true)])
    }

    /// A merge into the warehouse loads in key order (appends and page-by-page updates in SQLite);
    /// other loads keep their input's order.
    @Test func mergeSinksLoadInKeyOrder() throws {
        let body = """
        transforms:
          t:
            from: inventory
            steps:
              - select: [opening_stock, sku]
        sinks:
          out: {type: warehouse, from: t, table: t, mode: merge, key: [sku]}
          plain: {type: warehouse, from: t, table: t2}

        """
        let (_, merged) = try plan(body)
        guard case .sort(let sort) = merged else { Issue.record("expected a sort on top, got \(merged)"); return }
        #expect(sort.keys == [SortKey(column: 1, ascending: true, nullsFirst: true)])
        #expect(sort.input.schema.names == ["opening_stock", "sku"])
        let (_, plain) = try plan(body, sink: "plain")
        #expect(collect(plain) { if case .sort(let s) = $0 { s } else { nil } }.isEmpty)
    }

    /// Through a join, both scans should read only what is used above: `inventory.actual_closing_stock`
    /// and every `pos_sales` column but sku and quantity are never needed.
    @Test func joinPushesProjectionToBothScans() throws {
        let (_, p) = try plan("""
        transforms:
          sales:
            from: pos_sales
            steps:
              - aggregate: {group_by: [sku], measures: {sold: sum(quantity)}}
          stock:
            from: inventory
            steps:
              - join: {with: sales, type: left, on: [sku]}
              - derive: {closing: "opening_stock - coalesce(sold, 0)"}
              - select: [sku, closing]
        sinks:
          out: {type: csv, from: stock, path: out/stock.csv}

        """)
        let bySource = Dictionary(uniqueKeysWithValues: scans(p).map { ($0.source, $0.columns) })
        #expect(bySource["pos_sales"] == [2, 4])
        #expect(bySource["inventory"] == [0, 1])
        #expect(p.schema.description == "(sku: string not null, closing: int not null)")
    }

    @Test func sourceReadTwiceIsSharedAndScannedForWhatItsConsumersNeed() throws {
        let (planner, p) = try plan("""
        transforms:
          a:
            from: inventory
            steps:
              - select: [sku]
          b:
            from: inventory
            steps:
              - filter: opening_stock > 0
              - select: [sku]
        sinks:
          out: {type: csv, from: a, path: out/a.csv}
          out_b: {type: csv, from: b, path: out/b.csv}
          pos: {type: csv, from: pos_sales, path: out/pos.csv}

        """)
        #expect(planner.shared == ["inventory"])
        #expect(scans(p).isEmpty)
        #expect(nodeRefs(p) == ["inventory"])
        guard case .scan(let scan) = planner.planShared("inventory") else {
            Issue.record("a shared source is computed by a scan, got \(planner.planShared("inventory"))")
            return
        }
        // `a` needs sku, `b` needs sku and opening_stock: actual_closing_stock is never parsed.
        #expect(scan.columns == [0, 1])
        #expect(p.schema.names == ["sku"])
    }

    @Test func seedPipelineSharing() throws {
        let (pipeline, _) = compileText(try seedPipelineText())
        let p = try #require(pipeline)
        let planner = PhysicalPlanner(p)
        #expect(planner.shared == ["pos_sales~by(sku)", "inventory", "daily_sales", "products", "reconciliation"])
        #expect(p.consumers(of: "reconciliation") == 3)
        #expect(p.consumers(of: "daily_sales") == 3)
        #expect(p.consumers(of: "sold_not_in_inventory") == 1)

        func sink(_ name: String) throws -> PhysicalPlan {
            planner.planSink(try #require(p.sinks.first { $0.name == name }))
        }
        // A sink over a shared node reads it by reference; the single-consumer node is inlined.
        #expect(try sink("fact_inventory_reconciliation") == .node(NodeRefExec(name: "reconciliation", schema: p.schema(of: "reconciliation")!)))
        let unknown = try sink("unknown_sku_alerts")
        #expect(nodeRefs(unknown).sorted() == ["daily_sales", "inventory"])
        #expect(scans(unknown).isEmpty)

        let recon = planner.planShared("reconciliation")
        #expect(nodeRefs(recon) == ["inventory", "daily_sales", "products"])
        #expect(recon.schema == p.schema(of: "reconciliation"))
        let daily = planner.planShared("daily_sales")
        #expect(nodeRefs(daily) == ["pos_sales~by(sku)"])
        #expect(scans(daily).isEmpty)
    }

    /// daily_sales and products both aggregate pos_sales by sku: the two aggregates are fused into one
    /// shared aggregate, so the sales files are scanned once and streamed, and pos_sales is not shared.
    @Test func aggregatesOfTheSeedAreFusedIntoOneScan() throws {
        let (pipeline, _) = compileText(try seedPipelineText())
        let planner = PhysicalPlanner(try #require(pipeline))
        #expect(!planner.shared.contains("pos_sales"))
        guard case .hashAggregate(let fused) = planner.planShared("pos_sales~by(sku)"), case .scan(let pos) = fused.input else {
            Issue.record("the fused node aggregates a scan of pos_sales")
            return
        }
        #expect(fused.aggregates.map(\.function) == [.sum, .max, .max])
        #expect(planner.planShared("products").schema.names == ["sku", "product_name", "category"])
        // daily_sales reads sku and quantity, products sku, product_name and category:
        // transaction_id, store_id, unit_price and sold_at are never parsed.
        #expect(pos.schema.names == ["sku", "product_name", "category", "quantity"])
        #expect(pos.columns == [2, 3, 4, 5])
    }

    /// Every `.node` reference must present exactly the schema the shared plan produces, for every sink
    /// and shared plan of the seed pipeline and of a spec with a chain of shared nodes.
    @Test func nodeReferencesAgreeWithTheSharedPlans() throws {
        let chain = miniSpec("""
        transforms:
          a:
            from: pos_sales
            steps:
              - derive: {revenue: "quantity * unit_price"}
          b:
            from: a
            steps:
              - aggregate: {group_by: [sku], measures: {revenue: sum(revenue)}}
          c:
            from: a
            steps:
              - filter: store_id = 'S1'
              - select: [sku, quantity]
        sinks:
          b_out: {type: csv, from: b, path: out/b.csv}
          b_copy: {type: csv, from: b, path: out/b2.csv}
          c_out: {type: csv, from: c, path: out/c.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """)
        for text in [try seedPipelineText(), chain] {
            let (pipeline, diags) = compileText(text)
            let p = try #require(pipeline, "\(diags)")
            let planner = PhysicalPlanner(p)
            var plans = p.sinks.map { planner.planSink($0) }
            plans += planner.shared.sorted().map { planner.planShared($0) }
            for plan in plans {
                for ref in collect(plan, { if case .node(let n) = $0 { n } else { nil } }) {
                    #expect(ref.schema == planner.planShared(ref.name).schema, "reference to \(ref.name)")
                }
            }
            for sink in p.sinks {
                #expect(planner.planSink(sink).schema == sink.schema, "sink \(sink.name)")
            }
        }
    }
}
