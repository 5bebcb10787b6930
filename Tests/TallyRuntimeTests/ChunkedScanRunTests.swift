import Foundation
import Testing
import TallyEngine
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

    /// A row that fails in a derive under the aggregate, far into the second file: the error is the
    /// one of a single pass, and the rejects report holds every bad row before the failing one and
    /// nothing from chunks other threads read past it. (A pass stops at the end of the batch that
    /// failed, so both may also list a few bad rows after it, as far as their batches reached.)
    @Test func aFailureMidSourceReportsWhatOnePassReports() throws {
        let spec = Self.spec.replacingOccurrences(of: """
                steps:
                  - aggregate:
            """, with: """
                steps:
                  - derive:
                      n: 1000 / n
                  - aggregate:
            """)
        var failingLine = 0
        func outcome(threads: Int) throws -> (error: String, rejects: [String]) {
            let ws = try TestWorkspace()
            try ws.write("a/date=2024-03-01/one.csv", Self.rows(tricky: false, seed: 1).replacingOccurrences(of: ",0,", with: ",1,"))
            var two = Self.rows(tricky: false, seed: 2).replacingOccurrences(of: ",0,", with: ",1,")
            two = two.replacingOccurrences(of: "\nk1234,", with: "\nk1234,0,zero\nk1234,", options: [], range: two.range(of: "\nk1234,"))
            try ws.write("a/date=2024-03-01/two.csv", two)
            failingLine = two.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "k1234,0,zero")! + 1
            try ws.write("spec.yaml", spec)
            var message = "no error"
            do { try ws.run(ws.path("spec.yaml"), date: "2024-03-01", threads: threads) } catch { message = "\(error)" }
            return (message, try ws.read("_rejects/date=2024-03-01/a.csv").split(separator: "\n").map(String.init))
        }
        /// Where a report line's row is: 0 in the first file, else its line in the second.
        func position(_ line: String) -> Int {
            let fields = line.split(separator: ",")
            return fields[1].hasSuffix("one.csv") ? 0 : Int(fields[2])!
        }
        func before(_ line: String) -> Bool { position(line) < failingLine }
        let one = try outcome(threads: 1)
        #expect(one.error.contains("division by zero"))
        let expected = one.rejects.dropFirst().filter(before)
        #expect(expected.count > 100)
        for threads in [2, 3] {
            let many = try outcome(threads: threads)
            #expect(many.error == one.error)
            #expect(Array(many.rejects.dropFirst().prefix(expected.count)) == Array(expected))
            // Anything after those is a row of the failing batch (at most a batch of rows further).
            #expect(many.rejects.dropFirst(expected.count + 1).allSatisfy {
                !before($0) && position($0) < failingLine + Batch.defaultSize
            })
        }
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
