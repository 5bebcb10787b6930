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

    public init(root: String, stdout: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.root = root
        self.stdout = stdout
    }
}

/// Something a sink wrote that becomes visible only on `commit()`.
protocol StagedOutput: AnyObject {
    func commit() throws
    func abort()
}

extension CSVWriter: StagedOutput {}
extension PartitionedCSVSink: StagedOutput {}
extension AtomicFileWriter: StagedOutput {}

/// Runs a compiled pipeline for its run date.
///
/// Every output is staged: files are written under temporary names and renamed into place, and all
/// warehouse loads share one transaction. Only when every sink succeeded and the rejected rows are
/// within `max_rejects` does the run commit; otherwise the previous outputs stay as they were.
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

    public init(pipeline: CompiledPipeline, options: RunOptions) {
        self.pipeline = pipeline
        self.options = options
        planner = PhysicalPlanner(pipeline)
        let rejectsFolder = pipeline.rejectsPath + "/date=" + CivilDate.format(days: pipeline.runDate)
        let root = options.root
        sources = SourceReader(pipeline: pipeline, root: root) { source in
            (root as NSString).appendingPathComponent(rejectsFolder + "/" + source + ".csv")
        }
        context = RunExecutionContext(planner: planner, sources: sources)
        report = RunReport(pipeline: pipeline.name, runDate: pipeline.runDate)
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
        do {
            for sink in pipeline.sinks {
                do {
                    try write(sink)
                } catch let error as RuntimeError {
                    throw error
                } catch {
                    throw RuntimeError("sink `\(sink.name)` (reading `\(sink.input)`): \(error)")
                }
            }
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

    func write(_ sink: CompiledSink) throws {
        let plan = planner.planSink(sink)
        switch sink.kind {
        case .csv(let path, let partitioned, let delimiter):
            let stream = try context.stream(plan)
            let csv = CSVOptions(delimiter: delimiter)
            if partitioned {
                let out = try PartitionedCSVSink(base: resolve(path), date: pipeline.runDate, schema: sink.schema, options: csv)
                staged.append(out)
                try out.write(all: stream)
                report.sinks.append(.init(name: sink.name, target: out.filePath, rows: out.rowsWritten, replaced: 0))
            } else {
                let out = try CSVWriter(path: resolve(path), schema: sink.schema, options: csv)
                staged.append(out)
                try out.write(all: stream)
                report.sinks.append(.init(name: sink.name, target: out.path, rows: out.rowsWritten, replaced: 0))
            }
        case .warehouse(let table, let mode):
            let db = try openWarehouse()
            var primaryKey: [String]?
            if case .merge(let keys) = mode { primaryKey = keys }
            try db.ensureTable(table, schema: sink.schema, primaryKey: primaryKey)
            let loader = try db.loader(table: table, schema: sink.schema, mode: mode)
            try loader.write(all: try context.stream(plan))
            let summary = try loader.finish()
            report.sinks.append(.init(name: sink.name, target: "\(table) (\(mode))", rows: summary.rowsWritten, replaced: summary.rowsDeleted))
        case .alert(let when, let severity, let message, let output):
            let filtered = when.map { PhysicalPlan.filter(FilterExec(input: plan, predicate: $0)) } ?? plan
            let lines = try AlertFormatter(sink: sink, severity: severity, message: message, runDate: pipeline.runDate)
                .lines(try context.stream(filtered))
            report.alerts[sink.name] = lines.count - 1
            if let output {
                let file = try AtomicFileWriter(path: resolve(output))
                staged.append(file)
                for line in lines { try file.write(line + "\n") }
                report.sinks.append(.init(name: sink.name, target: resolve(output), rows: lines.count - 1, replaced: 0))
            } else {
                stdoutLines.append(contentsOf: lines)
                report.sinks.append(.init(name: sink.name, target: "stdout", rows: lines.count - 1, replaced: 0))
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
                let first = sources.firstReject[stats.name]
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
        let paths = try sources.commitRejects()
        for index in report.sources.indices {
            report.sources[index].rejectsFile = paths[report.sources[index].name]
        }
    }

    func commit() throws {
        try warehouse?.commit()
        warehouse = nil
        for output in staged { try output.commit() }
        staged.removeAll()
        for line in stdoutLines { options.stdout(line) }
    }

    func abort() {
        try? warehouse?.rollback()
        warehouse = nil
        for output in staged { output.abort() }
        staged.removeAll()
    }
}
