import Foundation
import Testing
import TallyRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The run's commit protocol: stage, journal, commit the warehouse, publish; recovery after a crash.
@Suite struct CommitTests {
    @Test func anOutputThatCannotBePublishedFailsTheRunBeforeAnythingChanges() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        let rows = try ws.query("select * from fact_inventory_reconciliation order by sku")
        let before = try ws.snapshot()
        // A folder where an alert file must go: publishing it would fail after the warehouse commit.
        try FileManager.default.removeItem(atPath: ws.path("alerts/date=2024-03-01/sold_not_in_inventory.jsonl"))
        try FileManager.default.createDirectory(atPath: ws.path("alerts/date=2024-03-01/sold_not_in_inventory.jsonl"),
                                                withIntermediateDirectories: true)
        try ws.write("inventory/date=2024-03-01/inventory.csv", "sku,opening_stock,actual_closing_stock\nSKU-1,10,9\n")
        #expect { try ws.run(date: "2024-03-01") } throws: { "\($0)".contains("a folder is in the way") }
        #expect(try ws.query("select * from fact_inventory_reconciliation order by sku") == rows)
        let after = try ws.snapshot()
        for (path, data) in before where !path.hasPrefix("warehouse/") && !path.contains("sold_not_in_inventory") && !path.hasPrefix("inventory/") {
            #expect(after[path] == data, "\(path) changed")
        }
    }

    @Test func theNextRunFinishesAnInterruptedPublish() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        // What a run killed right after its warehouse commit leaves: a staged file and the journal naming it.
        let staged = ws.path("out/.report.csv.tmp-1234")
        try ws.write("out/.report.csv.tmp-1234", "a\n1\n")
        try ws.write(".tally/journal/retail_inventory_reconciliation.json",
                     #"{"moves":[{"final":"\#(ws.path("out/report.csv"))","staged":"\#(staged)"}],"version":1}"#)
        try ws.run(date: "2024-03-01")
        #expect(try ws.read("out/report.csv") == "a\n1\n")
        #expect(!FileManager.default.fileExists(atPath: staged))
        #expect(!FileManager.default.fileExists(atPath: ws.path(".tally/journal/retail_inventory_reconciliation.json")))
    }

    @Test func stagingLeftoversOfKilledRunsAreRemoved() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.write("alerts/date=2024-03-01/.discrepancies.jsonl.tmp-dead", "partial")
        try ws.write("curated/reconciliation/.date=2024-03-01.new-dead/part-00000.csv", "partial")
        try ws.run(date: "2024-03-01")
        let leftovers = try ws.snapshot().keys.filter { $0.contains(".tmp-") || $0.contains(".new-") || $0.contains(".old-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A run of the pipeline in progress on the root (here: its lock held) stops a second one before
    /// it touches anything; once the lock is free, the run goes ahead.
    @Test func aSecondRunOnTheSameRootStopsAtOnce() throws {
        let ws = try TestWorkspace(fixture: "retail_small")
        try ws.run(date: "2024-03-01")
        let before = try ws.snapshot()
        try ws.write("alerts/date=2024-03-01/.discrepancies.jsonl.tmp-inflight", "being written")
        let fd = open(ws.path(".tally/lock/retail_inventory_reconciliation.lock"), O_RDWR)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        #expect { try ws.run(date: "2024-03-01") } throws: { error in
            "\(error)".contains("another run of pipeline `retail_inventory_reconciliation` is in progress")
        }
        // The other run's staging file is left alone, and nothing else changed.
        #expect(try ws.read("alerts/date=2024-03-01/.discrepancies.jsonl.tmp-inflight") == "being written")
        let after = try ws.snapshot()
        for (path, data) in before { #expect(after[path] == data, "\(path) changed") }
        flock(fd, LOCK_UN)
        close(fd)
        try ws.run(date: "2024-03-01")
        #expect(!FileManager.default.fileExists(atPath: ws.path("alerts/date=2024-03-01/.discrepancies.jsonl.tmp-inflight")))
    }
}
