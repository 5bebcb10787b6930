import Foundation
import Testing
import TallyCompiler
import TallyRuntime

/// With more than one thread, sinks that share nothing are written concurrently; the outputs, the
/// report and the failures must be those of a one-thread run.
@Suite struct ConcurrentSinksTests {
    /// Every file (the warehouse compared by its rows) and the report of a run of generated data.
    func outputs(threads: Int) throws -> (files: [String: Data], tables: [[String]], report: String) {
        let ws = try TestWorkspace()
        _ = try SampleData.generate(out: ws.root, from: CivilDate.parseDate("2024-03-01")!, days: 1, skus: 150, rows: 1200, seed: 11)
        let report = try ws.run(date: "2024-03-01", threads: threads)
        var files = try ws.snapshot()
        files = files.filter { !$0.key.hasPrefix("warehouse/") }
        // In load order; dim_products (a merge table) is stored in key order.
        let tables = try ["dim_products order by sku", "fact_daily_sales order by rowid",
                          "fact_inventory_reconciliation order by rowid"].map { try ws.query("select * from \($0)") }
        let summary = report.summary.split(separator: "\n").dropFirst().joined(separator: "\n")
            .replacingOccurrences(of: ws.root, with: "ROOT")
        return (files, tables, summary + "\n\(report.alerts.sorted { $0.key < $1.key })")
    }

    @Test(arguments: [2, 4])
    func outputsDoNotDependOnTheThreadCount(threads: Int) throws {
        let one = try outputs(threads: 1)
        let many = try outputs(threads: threads)
        #expect(many.files == one.files)
        #expect(many.tables == one.tables)
        #expect(many.report == one.report)
        #expect(one.tables.allSatisfy { !$0.isEmpty })
        #expect(one.files.keys.contains { $0.hasPrefix("alerts/") })
    }

    /// A failure every sink sees (an overflow in the shared aggregate) is reported as the first
    /// sink's, whatever the thread count, and publishes nothing.
    @Test(arguments: [1, 2, 4])
    func aFailureIsReportedForTheFirstSinkInSpecOrder(threads: Int) throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01", threads: 1)
        let before = try ws.snapshot()
        let rows = try ws.query("select * from fact_daily_sales order by sku")
        try ws.write("pos/date=2024-03-01/store_c.csv", """
            transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at
            T8,S1,SKU-1,Widget,tools,9223372036854775807,9.99,2024-03-01 15:00:00

            """)
        #expect { try ws.run(date: "2024-03-01", threads: threads) } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("sink `dim_products`") && message.contains("overflow")
        }
        #expect(try ws.query("select * from fact_daily_sales order by sku") == rows)
        let after = try ws.snapshot()
        for (path, data) in before where !path.hasPrefix("warehouse/") {
            #expect(after[path] == data, "\(path) changed by a failed run")
        }
        #expect(!after.keys.contains { $0.contains(".tmp-") || $0.contains(".new-") }, "staging files left behind")
    }

    /// Warehouse tables are checked and their replaced rows deleted before the first load; a table
    /// that does not match is still reported for its own sink, the earlier sinks' failures first,
    /// and the warehouse keeps its previous contents.
    @Test(arguments: [(1, false), (2, false), (4, false), (1, true), (2, true)])
    func aMismatchedTableIsReportedInSpecOrder(threads: Int, overflow: Bool) throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01", threads: 1)
        _ = try ws.query("alter table fact_daily_sales add column extra TEXT")
        let tables = ["dim_products", "fact_daily_sales", "fact_inventory_reconciliation"]
        let before = try tables.map { try ws.query("select * from \($0) order by sku") }
        try ws.write("pos/date=2024-03-01/store_c.csv", """
            transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at
            T8,S1,SKU-NEW,Gadget,tools,\(overflow ? "9223372036854775807" : "2"),9.99,2024-03-01 15:00:00
            T9,S1,SKU-NEW,Gadget,tools,\(overflow ? "9223372036854775807" : "2"),9.99,2024-03-01 15:00:00

            """)
        #expect { try ws.run(date: "2024-03-01", threads: threads) } throws: { error in
            let message = "\(error)"
            return overflow
                ? message.hasPrefix("sink `dim_products`") && message.contains("overflow")
                : message.hasPrefix("sink `fact_daily_sales`") && message.contains("unexpected columns `extra`")
        }
        #expect(try tables.map { try ws.query("select * from \($0) order by sku") } == before)
    }

    /// After a sink fails, sinks later in spec order are not written, and the run reports and keeps
    /// the rejected rows of the sources one thread would have read: the same files for any thread count.
    @Test(arguments: [1, 2, 4])
    func aFailedRunLeavesTheSameFilesForAnyThreadCount(threads: Int) throws {
        let ws = try TestWorkspace()
        // Enough rows for `b_file`, on another thread, to finish before the aggregate over `a` fails.
        let rows = (0..<200_000).map { "k\($0 % 1000),1\n" }.joined()
        try ws.write("a/date=2024-03-01/a.csv", "k,n\n" + rows + "x,9223372036854775807\nx,1\n")
        try ws.write("b/date=2024-03-01/b.csv", "k,n\ny,1\ny,oops\n")
        try ws.write("spec.yaml", """
            version: 1
            name: failing
            max_rejects: 5
            sources:
              a:
                path: a/date=${run_date}/a.csv
                columns: {k: string, n: int}
              b:
                path: b/date=${run_date}/b.csv
                columns: {k: string, n: int}
            transforms:
              totals:
                from: a
                steps:
                  - aggregate:
                      group_by: [k]
                      measures:
                        total: sum(n)
            sinks:
              totals_file:
                type: csv
                from: totals
                path: out/totals.csv
              b_file:
                type: csv
                from: b
                path: out/b.csv

            """)
        #expect { try ws.run(ws.path("spec.yaml"), date: "2024-03-01", threads: threads) } throws: { error in
            "\(error)".hasPrefix("sink `totals_file`") && "\(error)".contains("overflow")
        }
        let written = try ws.snapshot().keys.filter { !["a/", "b/", "spec.yaml", ".tally/lock/"].contains(where: $0.hasPrefix) }
        #expect(written.isEmpty, "left behind: \(written.sorted())")
    }

    /// The warehouse lane finishes first and writes its pages ahead of the commit; a file sink on
    /// another thread fails afterwards: the warehouse still keeps its previous contents.
    @Test func pagesWrittenAheadAreUndoneWhenAnotherSinkFails() throws {
        let ws = try TestWorkspace()
        try ws.write("spec.yaml", """
            version: 1
            name: ahead
            warehouse: sqlite:warehouse/tally.db
            sources:
              small:
                path: small/date=${run_date}/s.csv
                columns: {k: string, n: int}
              big:
                path: big/date=${run_date}/b.csv
                columns: {k: string, n: int}
            transforms:
              doubled:
                from: big
                steps:
                  - derive:
                      m: n * 2
            sinks:
              table:
                type: warehouse
                from: small
                table: small_rows
                mode: replace
              file:
                type: csv
                from: doubled
                path: out/doubled.csv

            """)
        let rows = (0..<300_000).map { "k\($0 % 1000),1\n" }.joined()
        try ws.write("small/date=2024-03-01/s.csv", "k,n\n" + (0..<3000).map { "a\($0),\($0)\n" }.joined())
        try ws.write("big/date=2024-03-01/b.csv", "k,n\n" + rows)
        try ws.run(ws.path("spec.yaml"), date: "2024-03-01", threads: 2)
        let before = try ws.query("select * from small_rows order by rowid")
        try ws.write("small/date=2024-03-01/s.csv", "k,n\n" + (0..<3000).map { "b\($0),\($0)\n" }.joined())
        // The overflow comes at the end of the big file, long after the small table is loaded.
        try ws.write("big/date=2024-03-01/b.csv", "k,n\n" + rows + "x,9223372036854775807\n")
        #expect { try ws.run(ws.path("spec.yaml"), date: "2024-03-01", threads: 2) } throws: { error in
            "\(error)".hasPrefix("sink `file`") && "\(error)".contains("overflow")
        }
        #expect(try ws.query("select * from small_rows order by rowid") == before)
        #expect(try ws.query("pragma integrity_check") == ["ok"])
    }
}
