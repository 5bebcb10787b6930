import Foundation
import TallyCompiler
import TallyConnectors
import TallyEngine

/// Opens the scans of a run's sources (whole, or as partitions or chunks for parallel work), and keeps their row
/// accounting and rejected rows. Each scan keeps its own rejects, so partitions read on several threads
/// share nothing; the report lists them in file order. Scans may be opened from several threads (sinks
/// written concurrently); the accounting is read once they are done.
final class SourceReader: @unchecked Sendable {
    let pipeline: CompiledPipeline
    let root: String
    /// Where the rejects report of a source goes.
    let rejectsPath: (String) -> String
    /// Guards `files` and `scans`.
    private let lock = NSLock()
    /// Matched files per source, resolved once.
    private var files: [String: [SourceFile]] = [:]
    /// The scans of each source in opening order (partitions of one scan in partition order).
    private var scans: [String: [any CSVScanAccounting]] = [:]

    init(pipeline: CompiledPipeline, root: String, rejectsPath: @escaping (String) -> String) {
        self.pipeline = pipeline
        self.root = root
        self.rejectsPath = rejectsPath
    }

    /// The files a source's path pattern matches under the root.
    func match(_ source: CompiledSource) -> [SourceFile] {
        lock.lock()
        defer { lock.unlock() }
        if let f = files[source.name] { return f }
        let found = FileMatcher.match(source.path, root: root)
        files[source.name] = found
        return found
    }

    /// The source of a scan and the files it reads; fails clearly when no file matches.
    private func resolve(_ node: ScanExec) throws -> (CompiledSource, [SourceFile]) {
        guard let source = pipeline.sources.first(where: { $0.name == node.source }) else {
            throw RuntimeError("internal: unknown source `\(node.source)`")
        }
        let found = match(source)
        guard !found.isEmpty else {
            throw RuntimeError("source `\(source.name)`: no files match `\(source.path)` under `\(root)`",
                               hint: "check `--root` and `--date`; `tally explain` lists the files a run would read")
        }
        return (source, found)
    }

    func scan(_ node: ScanExec) throws -> BatchStream {
        try partitions(node, count: 1)[0]
    }

    /// Up to `count` scans that together read the source once, in order.
    func partitions(_ node: ScanExec, count: Int) throws -> [BatchStream] {
        let (source, found) = try resolve(node)
        let options = CSVOptions(delimiter: source.delimiter, header: source.header)
        let parts = count > 1
            ? try CSVScan.partitions(files: found, schema: source.schema, columns: node.columns, options: options, count: count)
            : [CSVScan(files: found, schema: source.schema, columns: node.columns, options: options)]
        lock.withLock { scans[source.name, default: []].append(contentsOf: parts as [any CSVScanAccounting]) }
        return parts
    }

    /// The source as chunks for `readers` threads. If the chunks turn out to be cut wrong, `serial()`
    /// forgets them and scans the source whole.
    func chunks(_ node: ScanExec, readers: Int) throws -> ChunkedSource {
        let (source, found) = try resolve(node)
        let options = CSVOptions(delimiter: source.delimiter, header: source.header)
        let chunked = try CSVChunkedScan(files: found, schema: source.schema, columns: node.columns, options: options,
                                         readers: readers)
        lock.withLock { scans[source.name, default: []].append(chunked) }
        return ChunkedCSVSource(chunked, readers: readers) { [self] in
            // The serial scan takes the chunks' place in the list (rejects are reported in list order).
            let serial = CSVScan(files: found, schema: source.schema, columns: node.columns, options: options)
            lock.withLock {
                if let i = scans[source.name]?.firstIndex(where: { $0 === chunked }) { scans[source.name]![i] = serial }
            }
            return serial
        }
    }

    /// Row accounting per scanned source, of the sources in `names` (nil: all).
    func stats(of names: Set<String>? = nil) -> [RunReport.SourceStats] {
        let (files, scans) = lock.withLock { (self.files, self.scans) }
        return pipeline.sources.compactMap { source in
            guard names?.contains(source.name) ?? true, let list = scans[source.name] else { return nil }
            return RunReport.SourceStats(
                name: source.name, files: files[source.name]?.count ?? 0,
                bytes: list.reduce(0) { $0 + $1.bytesRead },
                read: list.reduce(0) { $0 + $1.rowsRead }, passed: list.reduce(0) { $0 + $1.rowsPassed },
                rejected: list.reduce(0) { $0 + $1.rowsRejected }, rejectsFile: nil)
        }
    }

    /// The first rejected row of a source, for the error message.
    func firstReject(_ source: String) -> RejectedRow? {
        lock.withLock { scans[source] }?.lazy.compactMap(\.rejects.first).first
    }

    /// Writes the rejected rows of each source in `names` (nil: all) to its report; returns the
    /// reports' paths by source.
    func writeRejects(of names: Set<String>? = nil) throws -> [String: String] {
        var paths: [String: String] = [:]
        for (source, list) in lock.withLock({ scans }) where names?.contains(source) ?? true {
            let rows = list.flatMap { scan in scan.rejects.map { (source: source, row: $0) } }
            guard !rows.isEmpty else { continue }
            let path = rejectsPath(source)
            try RejectsWriter.write(rows, to: path)
            paths[source] = path
        }
        return paths
    }
}

/// A source's chunks for the engine, with the serial scan to fall back on.
private final class ChunkedCSVSource: ChunkedSource {
    let scan: CSVChunkedScan
    let readers: [ChunkReader]
    private let fallback: () throws -> BatchStream

    init(_ scan: CSVChunkedScan, readers: Int, fallback: @escaping () throws -> BatchStream) {
        self.scan = scan
        self.readers = scan.readers(readers)
        self.fallback = fallback
    }

    var chunkCount: Int { scan.chunkCount }
    func aligned(upTo chunk: Int) -> Bool { scan.aligned(upTo: chunk) }
    func serial() throws -> BatchStream { try fallback() }
    func failed(at chunk: Int) { scan.failed(at: chunk) }
}
