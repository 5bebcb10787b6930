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
    /// Threads for parallel scans and aggregation (the results do not depend on it).
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
/// run commit; otherwise the previous outputs stay as they were. Committing syncs the staged files,
/// records the moves in a journal, commits the warehouse transaction, then moves the files into
/// place; a run killed between the last two steps is finished by the next run from the journal.
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
        try journal.recover()
        removeLeftovers()
        do {
            let outcomes = pipeline.sinks.map { _ in SinkOutcome() }
            let failure = writeSinks(into: outcomes)
            staged = outcomes.flatMap(\.staged)
            report.sinks = outcomes.compactMap(\.stats)
            stdoutLines = outcomes.flatMap(\.stdoutLines)
            for (sink, outcome) in zip(pipeline.sinks, outcomes) where outcome.alerts != nil {
                report.alerts[sink.name] = outcome.alerts
            }
            if let failure { throw failure }
            try checkRejects()
            try commit()
        } catch {
            abort()
            report.sources = sources.stats()
            try? writeRejects()
            throw error
        }
        report.sources = sources.stats()
        try writeRejects()
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Writes every sink into its outcome; returns the error of the first sink (in spec order) that failed.
    ///
    /// With more than one thread, sinks that share nothing are written concurrently (at most one per
    /// thread): the warehouse sinks one after the other on one connection, each file and alert sink
    /// on its own. Shared nodes are still computed once (the others wait for them), and every output
    /// stays staged until the commit, so the outputs and the report do not depend on the thread count.
    func writeSinks(into outcomes: [SinkOutcome]) -> Error? {
        let lanes = SinkLanes(pipeline.sinks)
        guard options.threads > 1, lanes.lanes.count > 1 else {
            return writeLane(Array(pipeline.sinks.indices), into: outcomes)?.error
        }
        nonisolated(unsafe) let runner = self
        nonisolated(unsafe) let outcomes = outcomes
        let failures = lanes.run(threads: options.threads) { lane in runner.writeLane(lane, into: outcomes) }
        return failures.compactMap { $0 }.min { $0.sink < $1.sink }?.error
    }

    /// Writes the sinks `lane` (indices into the spec's sinks) in order; stops at the first failure
    /// and returns it.
    func writeLane(_ lane: [Int], into outcomes: [SinkOutcome]) -> (sink: Int, error: Error)? {
        for index in lane {
            let sink = pipeline.sinks[index]
            do {
                try write(sink, into: outcomes[index])
            } catch let error as RuntimeError {
                return (index, error)
            } catch {
                return (index, RuntimeError("sink `\(sink.name)` (reading `\(sink.input)`): \(error)"))
            }
        }
        return nil
    }

    /// Writes one sink: files are staged (written and synced under temporary names), warehouse rows
    /// loaded inside the run's open transaction.
    func write(_ sink: CompiledSink, into outcome: SinkOutcome) throws {
        let plan = planner.planSink(sink)
        switch sink.kind {
        case .csv(let path, let partitioned, let delimiter):
            let stream = try context.stream(plan)
            let csv = CSVOptions(delimiter: delimiter)
            if partitioned {
                let out = try PartitionedCSVSink(base: resolve(path), date: pipeline.runDate, schema: sink.schema, options: csv)
                outcome.staged.append(out)
                try out.write(all: stream)
                try out.prepare()
                outcome.stats = (.init(name: sink.name, target: out.filePath, rows: out.rowsWritten, replaced: 0))
            } else {
                let out = try CSVWriter(path: resolve(path), schema: sink.schema, options: csv)
                outcome.staged.append(out)
                try out.write(all: stream)
                try out.prepare()
                outcome.stats = (.init(name: sink.name, target: out.path, rows: out.rowsWritten, replaced: 0))
            }
        case .warehouse(let table, let mode):
            let db = try openWarehouse()
            var primaryKey: [String]?
            if case .merge(let keys) = mode { primaryKey = keys }
            try db.ensureTable(table, schema: sink.schema, primaryKey: primaryKey)
            let loader = try db.loader(table: table, schema: sink.schema, mode: mode)
            try loader.write(all: try context.stream(plan))
            let summary = try loader.finish()
            outcome.stats = (.init(name: sink.name, target: "\(table) (\(mode))", rows: summary.rowsWritten, replaced: summary.rowsDeleted))
        case .alert(let when, let severity, let message, let output):
            let filtered = when.map { PhysicalPlan.filter(FilterExec(input: plan, predicate: $0)) } ?? plan
            let lines = try AlertFormatter(sink: sink, severity: severity, message: message, runDate: pipeline.runDate)
                .lines(try context.stream(filtered))
            outcome.alerts = lines.count - 1
            if let output {
                let file = try AtomicFileWriter(path: resolve(output))
                outcome.staged.append(file)
                for line in lines { try file.write(line + "\n") }
                try file.prepare()
                outcome.stats = (.init(name: sink.name, target: resolve(output), rows: lines.count - 1, replaced: 0))
            } else {
                outcome.stdoutLines = lines
                outcome.stats = (.init(name: sink.name, target: "stdout", rows: lines.count - 1, replaced: 0))
            }
        }
    }

    func openWarehouse() throws -> SQLiteWarehouse {
        if let w = warehouse { return w }
        guard let url = pipeline.warehouse else { throw RuntimeError("the spec has no warehouse") }
        let db = try SQLiteWarehouse(path: Self.sqlitePath(url, root: options.root))
        try db.begin()
        warehouse = db
        return db
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

    /// Publishes each source's rejected rows next to the run (kept even when the run fails).
    func writeRejects() throws {
        let paths = try sources.writeRejects()
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
