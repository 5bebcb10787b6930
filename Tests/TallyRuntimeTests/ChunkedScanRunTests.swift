import Foundation
import Testing
import TallyRuntime

/// Sources of more than a megabyte are aggregated in chunks that the threads take in turn; the
/// outputs and the rejects report must not show it. With quoted fields whose inner lines read as
/// records, some guessed chunk boundary falls inside a field and the run reads the source again.
@Suite struct ChunkedScanRunTests {
    static let spec = """
        version: 1
        name: chunks
        max_rejects: 1000
        sources:
          a:
            path: a/date=${run_date}/*.csv
            columns: {k: string, n: int, s: string}
        transforms:
          totals:
            from: a
            steps:
              - aggregate:
                  group_by: [k]
                  measures:
                    total: sum(n)
                    rows: count(*)
                    top: max(s)
        sinks:
          totals_file:
            type: csv
            from: totals
            path: out/totals.csv

        """

    /// About 3 MB: bad ints every 997 rows; `tricky`: every third row's text holds a line that reads
    /// as a record of its own.
    static func rows(tricky: Bool, seed: Int) -> String {
        var out = "k,n,s\n"
        for i in 0..<120_000 {
            let n = i % 997 == 0 ? "oops" : String((i * 7 + seed) % 100)
            let s = tricky && i % 3 == 0 ? "\"p\(i)\nx,\(i),y\nq\"" : (i % 5 == 0 ? "\"a, \(i)\"" : "t\(i % 250)")
            out += "k\((i * 31 + seed) % 5000),\(n),\(s)\n"
        }
        return out
    }

    func outputs(threads: Int, tricky: Bool) throws -> [String] {
        let ws = try TestWorkspace()
        try ws.write("a/date=2024-03-01/one.csv", Self.rows(tricky: tricky, seed: 1))
        try ws.write("a/date=2024-03-01/two.csv", Self.rows(tricky: tricky, seed: 2))
        try ws.write("spec.yaml", Self.spec)
        let report = try ws.run(ws.path("spec.yaml"), date: "2024-03-01", threads: threads)
        let summary = report.summary.replacingOccurrences(of: ws.root, with: "ROOT")
            .split(separator: "\n").dropFirst().joined(separator: "\n")
        return [try ws.read("out/totals.csv"), try ws.read("_rejects/date=2024-03-01/a.csv"), summary]
    }

    @Test(arguments: [false, true])
    func outputsAndRejectsDoNotDependOnTheThreadCount(tricky: Bool) throws {
        let one = try outputs(threads: 1, tricky: tricky)
        #expect(one[1].split(separator: "\n").count > 200)
        for threads in [2, 3] {
            let many = try outputs(threads: threads, tricky: tricky)
            #expect(many[0] == one[0], "totals, \(threads) threads")
            #expect(many[1] == one[1], "rejects, \(threads) threads")
            #expect(many[2] == one[2], "summary, \(threads) threads")
        }
    }
}
