import Foundation
import TallyCompiler
import TallyConnectors
import TallyEngine

/// Options of one run.
public struct RunOptions: Sendable {
    /// The data root: relative paths of the spec resolve against it.
    public var root: String
    /// Receives alert lines of alerts that go to standard output (after the run commits).
    public var stdout: @Sendable (String) -> Void
    /// Threads for parallel scans and aggregation, and for sinks written concurrently (the results do
    /// not depend on it).
    public var threads: Int

    public init(root: String, threads: Int = RunOptions.defaultThreads, stdout: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.root = root
        self.threads = max(1, threads)
        self.stdout = stdout
    }

    /// One thread per core.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// Runs a compiled pipeline for its run date.
///
/// Every output is staged: files are written under temporary names, and all warehouse loads share one
/// transaction. Only when every sink succeeded and the rejected rows are within `max_rejects` does the
/// run commit; otherwise the previous outputs stay as they were. Each file sink syncs its staged
/// files when it finishes; committing records the moves in a journal, commits the warehouse
/// transaction, then moves the files into place; a run killed between the last two steps is
/// finished by the next run from the journal. Sinks are written as in `writeSinks`. Runs of one
/// pipeline on one data root exclude each other (`RunLock`).
public final class Runner {
    public let pipeline: CompiledPipeline
    public let options: RunOptions
    let planner: PhysicalPlanner
    let sources: SourceReader
    let context: RunExecutionContext
    private var staged: [StagedOutput] = []
    private var warehouse: SQLiteWarehouse?
    private var stdoutLines: [String] = []
    private var report: RunReport
    let journal: CommitJournal

    public init(pipeline: CompiledPipeline, options: RunOptions) {
        self.pipeline = pipeline
        self.options = options
        planner = PhysicalPlanner(pipeline)
        let rejectsFolder = pipeline.rejectsPath + "/date=" + CivilDate.format(days: pipeline.runDate)
        let root = options.root
        sources = SourceReader(pipeline: pipeline, root: root) { source in
            (root as NSString).appendingPathComponent(rejectsFolder + "/" + source + ".csv")
        }
        context = RunExecutionContext(planner: planner, sources: sources, threads: options.threads)
        report = RunReport(pipeline: pipeline.name, runDate: pipeline.runDate)
        journal = CommitJournal(root: options.root, pipeline: pipeline.name)
    }

    /// The final paths of every output this pipeline writes for the run date.
    var outputPaths: [String] {
        pipeline.sinks.compactMap { sink in
            switch sink.kind {
            case .csv(let path, let partitioned, _):
                partitioned ? resolve(path) + "/date=" + CivilDate.format(days: pipeline.runDate) : resolve(path)
            case .alert(_, _, _, let output): output.map(resolve)
            case .warehouse: nil
            }
        } + pipeline.sources.map { sources.rejectsPath($0.name) }
    }

    /// Removes the staging files of earlier runs that were killed before publishing.
    func removeLeftovers() {
        for path in outputPaths { StagedMove.removeLeftovers(of: path) }
    }

    /// The absolute or root-relative path for a spec path.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (options.root as NSString).appendingPathComponent(path)
    }

    /// The SQLite file of the warehouse URL.
    public static func sqlitePath(_ url: String, root: String) throws -> String {
        guard url.hasPrefix("sqlite:") else {
            throw RuntimeError("unsupported warehouse `\(url)`", hint: "use `sqlite:PATH`")
        }
        let path = String(url.dropFirst("sqlite:".count))
        return path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
    }

    public func run() throws -> RunReport {
        let start = Date()
        let lock = try RunLock(root: options.root, pipeline: pipeline.name)
        defer { lock.release() }
        try journal.recover()
        removeLeftovers()
        // The sources the run has read as far as it went (all of them unless a sink failed).
        var sourcesRead: Set<String>?
        do {
            let outcomes = pipeline.sinks.map { _ in SinkOutcome() }
            let failure = writeSinks(into: outcomes)
            staged = outcomes.flatMap(\.staged)
            report.sinks = outcomes.compactMap(\.stats)
            stdoutLines = outcomes.flatMap(\.stdoutLines)
            for (sink, outcome) in zip(pipeline.sinks, outcomes) where outcome.alerts != nil {
                report.alerts[sink.name] = outcome.alerts
            }
            if let failure {
                // What one thread would have read before stopping: the sources of the sinks up to
                // the failing one (others may have been read by sinks running alongside).
                sourcesRead = pipeline.sinks[...failure.sink].reduce(into: Set<String>()) {
                    $0.formUnion(planner.sourcesRead(by: planner.planSink($1)))
                }
                throw failure.error
            }
            try checkRejects()
            try commit()
        } catch {
            abort()
            report.sources = sources.stats(of: sourcesRead)
            try? writeRejects(of: sourcesRead)
            throw error
        }
        report.sources = sources.stats()
        try writeRejects()
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    func openWarehouse() throws -> SQLiteWarehouse {
        if let w = warehouse { return w }
        guard let url = pipeline.warehouse else { throw RuntimeError("the spec has no warehouse") }
        let db = try SQLiteWarehouse(path: Self.sqlitePath(url, root: options.root))
        try db.begin()
        warehouse = db
        return db
    }

    /// Writes and syncs the warehouse's changed pages ahead of the commit (`SQLiteWarehouse.writeAhead`).
    func writeWarehouseAhead() {
        warehouse?.writeAhead()
    }

    func checkRejects() throws {
        for stats in sources.stats() {
            let limit = pipeline.sources.first { $0.name == stats.name }?.maxRejects ?? pipeline.maxRejects
            if stats.rejected > limit {
                let first = sources.firstReject(stats.name)
                throw RuntimeError(
                    "source `\(stats.name)`: \(stats.rejected) row(s) rejected, more than max_rejects = \(limit); nothing was written"
                        + (first.map { "\n  first: \($0)" } ?? ""),
                    hint: "fix the input or raise `max_rejects`; rejected rows are listed in "
                        + sources.rejectsPath(stats.name))
            }
        }
    }

    /// Publishes the rejected rows of each source in `names` (nil: every source) next to the run
    /// (kept even when the run fails).
    func writeRejects(of names: Set<String>? = nil) throws {
        let paths = try sources.writeRejects(of: names)
        for index in report.sources.indices {
            report.sources[index].rejectsFile = paths[report.sources[index].name]
        }
    }

    /// Publishes the staged outputs (each sink flushed and synced its files when it finished writing,
    /// on its own thread) after recording them in the journal and committing the warehouse.
    func commit() throws {
        for output in staged {
            var isDir: ObjCBool = false
            if output.finalPath != output.stagedPath, FileManager.default.fileExists(atPath: output.finalPath, isDirectory: &isDir),
               isDir.boolValue != (output is PartitionedCSVSink) {
                throw RuntimeError("cannot replace `\(output.finalPath)`: a \(isDir.boolValue ? "folder" : "file") is in the way",
                                   hint: "move it away and run again")
            }
        }
        try journal.write(staged.map { ($0.stagedPath, $0.finalPath) })
        do {
            try warehouse?.commit()
        } catch {
            journal.remove()
            throw error
        }
        warehouse = nil
        let outputs = staged
        staged.removeAll()
        for (index, output) in outputs.enumerated() {
            do {
                try output.publish()
            } catch {
                let done = outputs[..<index].map(\.finalPath) + (pipeline.warehouse == nil ? [] : ["the warehouse"])
                throw RuntimeError(
                    "run partially committed: \(error)\n  already updated: \(done.joined(separator: ", "))",
                    hint: "the journal `\(journal.path)` lists what is left; the next run of this pipeline finishes it")
            }
        }
        journal.remove()
        for line in stdoutLines { options.stdout(line) }
    }

    func abort() {
        try? warehouse?.rollback()
        warehouse = nil
        for output in staged { output.abort() }
        staged.removeAll()
    }
}
