import Foundation
import TallyCompiler

/// What a run did: per source the rows read, passed and rejected; per sink what was written.
public struct RunReport: Sendable {
    /// Row accounting of one source: `read == passed + rejected`.
    public struct SourceStats: Sendable, Hashable {
        public var name: String
        public var files: Int
        public var bytes: Int64
        public var read: Int
        public var passed: Int
        public var rejected: Int
        /// Where rejected rows were written, if any were.
        public var rejectsFile: String?
    }

    /// What one sink wrote.
    public struct SinkStats: Sendable, Hashable {
        public var name: String
        /// A file path, `table (mode)` or `alerts -> path`.
        public var target: String
        public var rows: Int
        /// Rows removed by the load (replaced partition or table).
        public var replaced: Int
    }

    public var pipeline: String
    public var runDate: Int32
    public var sources: [SourceStats] = []
    public var sinks: [SinkStats] = []
    /// Alert lines emitted, per alert sink.
    public var alerts: [String: Int] = [:]
    public var seconds: Double = 0

    /// A short human summary.
    public var summary: String {
        var lines = ["run \(pipeline) for \(CivilDate.format(days: runDate)) in \(String(format: "%.2f", seconds))s"]
        func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }
        for s in sources {
            lines.append("  source \(s.name): \(s.files) file\(s.files == 1 ? "" : "s"), \(rows(s.read)) read, \(s.passed) passed, \(s.rejected) rejected"
                         + (s.rejectsFile.map { " -> \($0)" } ?? ""))
        }
        for s in sinks {
            lines.append("  sink \(s.name): \(rows(s.rows)) -> \(s.target)" + (s.replaced > 0 ? " (replaced \(s.replaced))" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
