import TallyCompiler
import TallyConnectors
import TallyEngine

/// Opens the scans of a run's sources, keeps their row accounting and streams their rejected rows
/// to one report per source (kept whether or not the run succeeds).
final class SourceReader {
    let pipeline: CompiledPipeline
    let root: String
    /// Where the rejects report of a source goes.
    let rejectsPath: (String) -> String
    /// Matched files per source, resolved once.
    private(set) var files: [String: [SourceFile]] = [:]
    private(set) var scans: [String: [CSVScan]] = [:]
    /// The first rejected row of each source, for the error message.
    private(set) var firstReject: [String: RejectedRow] = [:]
    private var rejectWriters: [String: RejectsWriter] = [:]
    private var rejectError: Error?

    init(pipeline: CompiledPipeline, root: String, rejectsPath: @escaping (String) -> String) {
        self.pipeline = pipeline
        self.root = root
        self.rejectsPath = rejectsPath
    }

    /// The files a source's path pattern matches under the root.
    func match(_ source: CompiledSource) -> [SourceFile] {
        if let f = files[source.name] { return f }
        let found = FileMatcher.match(source.path, root: root)
        files[source.name] = found
        return found
    }

    func scan(_ node: ScanExec) throws -> BatchStream {
        guard let source = pipeline.sources.first(where: { $0.name == node.source }) else {
            throw RuntimeError("internal: unknown source `\(node.source)`")
        }
        let found = match(source)
        guard !found.isEmpty else {
            throw RuntimeError("source `\(source.name)`: no files match `\(source.path)` under `\(root)`",
                               hint: "check `--root` and `--date`; `tally explain` lists the files a run would read")
        }
        let scan = CSVScan(files: found, schema: source.schema, columns: node.columns,
                           options: CSVOptions(delimiter: source.delimiter, header: source.header))
        scan.onReject = { [unowned self] row in self.record(source.name, row) }
        scans[source.name, default: []].append(scan)
        return scan
    }

    private func record(_ source: String, _ row: RejectedRow) {
        if firstReject[source] == nil { firstReject[source] = row }
        do {
            if rejectWriters[source] == nil { rejectWriters[source] = try RejectsWriter(path: rejectsPath(source)) }
            try rejectWriters[source]!.write(source: source, row)
        } catch {
            rejectError = rejectError ?? error
        }
    }

    /// Makes the rejects reports visible; returns their paths by source.
    func commitRejects() throws -> [String: String] {
        if let rejectError { throw rejectError }
        var paths: [String: String] = [:]
        for (source, writer) in rejectWriters {
            try writer.commit()
            paths[source] = writer.path
        }
        rejectWriters.removeAll()
        return paths
    }

    /// Row accounting per scanned source.
    func stats() -> [RunReport.SourceStats] {
        pipeline.sources.compactMap { source in
            guard let list = scans[source.name] else { return nil }
            return RunReport.SourceStats(
                name: source.name, files: files[source.name]?.count ?? 0,
                bytes: list.reduce(0) { $0 + $1.bytesRead },
                read: list.reduce(0) { $0 + $1.rowsRead }, passed: list.reduce(0) { $0 + $1.rowsPassed },
                rejected: list.reduce(0) { $0 + $1.rowsRejected }, rejectsFile: nil)
        }
    }
}

/// The engine's view of a run: scans come from the source reader, shared nodes are computed once.
final class RunExecutionContext: ExecutionContext {
    let planner: PhysicalPlanner
    let sources: SourceReader
    private var cache: [String: [Batch]] = [:]

    init(planner: PhysicalPlanner, sources: SourceReader) {
        self.planner = planner
        self.sources = sources
    }

    func scan(_ node: ScanExec) throws -> BatchStream {
        try sources.scan(node)
    }

    func node(_ ref: NodeRefExec) throws -> BatchStream {
        if let batches = cache[ref.name] { return MaterializedStream(batches) }
        let stream = try PlanExecutor().makeStream(planner.planShared(ref.name), context: self)
        var batches: [Batch] = []
        while let b = try stream.next() { batches.append(b) }
        cache[ref.name] = batches
        return MaterializedStream(batches)
    }

    func stream(_ plan: PhysicalPlan) throws -> BatchStream {
        try PlanExecutor().makeStream(plan, context: self)
    }
}
