#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TallyCompiler
import TallyEngine

/// CSV files cut into many byte ranges (chunks) that several readers take in turn, so that a reader
/// that runs ahead takes more of them: the work balances itself whatever the files' sizes or the
/// threads' speeds.
///
/// The cuts are found without reading the files: a chunk starts right after a line feed near its
/// nominal offset, as if that line feed were outside quotes. Whether it was is known once the
/// previous chunk's reader stops there: a cut inside a quoted field leaves that reader's last record
/// running into the cut. `aligned(upTo:)` says whether every boundary before a chunk was a record
/// boundary; when one was not, everything read from the chunks is void and the caller reads the
/// files serially instead (the chunks' rows and rejects are then not reported).
///
/// Readers (`readers(_:)`) are `CSVScan`s that take chunks from this queue: a batch never spans two
/// chunks, and `CSVScan.chunk` names the chunk of the last batch. Rejected rows are kept per chunk
/// and reported in file order with their true line numbers (`rejects`), which are known only once
/// the chunks before them have been read.
public final class CSVChunkedScan: @unchecked Sendable {
    public let files: [SourceFile]
    public let schema: Schema
    let columns: [Int]
    let options: CSVOptions
    let batchSize: Int
    /// The chunks in reading order.
    let chunks: [CSVSegment]
    /// Whether chunk i starts at its file's first record (its line number is then exact; else it is
    /// counted from 1 and corrected by the lines of the chunks before it).
    private let startsFile: [Bool]

    /// What a reader found in one chunk.
    struct ChunkResult {
        var rejects: [RejectedRow]
        /// Physical lines the chunk spans.
        var lines: Int
        /// Whether its last record ran into the chunk's end (the cut after it was inside a record).
        var misaligned: Bool
        var rowsRead: Int
        var rowsPassed: Int
        var rowsRejected: Int
    }

    /// Guards `nextChunk`, `results`, `failedChunk` and `readerList`.
    private let lock = NSLock()
    private var nextChunk = 0
    private var results: [ChunkResult?]
    /// The chunk where reading stopped at a failure (`failed(at:)`); the accounting ends with it.
    private var failedChunk: Int?
    /// The readers made by `readers(_:)` (weak: they hold this queue).
    private var readerList: [WeakScan] = []

    private struct WeakScan {
        weak var scan: CSVScan?
    }

    /// Cuts `files` into about `readers * chunksPerReader` chunks (none smaller than `minimumChunk`
    /// bytes); chunks in the last eighth of the input are a quarter of the size, so that the readers
    /// run out of work at nearly the same time. Every file is opened and its header read here: file
    /// problems throw now.
    public init(files: [SourceFile], schema: Schema, columns: [Int]? = nil, options: CSVOptions = CSVOptions(),
                readers: Int, chunksPerReader: Int = 48, minimumChunk: Int = 1 << 20,
                batchSize: Int = Batch.defaultSize) throws {
        let columns = columns ?? Array(schema.fields.indices)
        let opened = try files.map { try OpenCSVFile(file: $0, schema: schema, options: options) }
        let total = opened.reduce(0) { $0 + $1.mapped.bytes.count - $1.dataStart }
        let target = Swift.max(minimumChunk, total / Swift.max(1, readers * chunksPerReader))
        let tailTarget = Swift.max(minimumChunk, target / 4)
        var chunks: [CSVSegment] = []
        var startsFile: [Bool] = []
        var before = 0
        for file in opened {
            let bytes = file.mapped.bytes
            let fieldIndex = columns.map { file.declaredToField[$0] }
            // Input bytes before this file's byte `at`, counting from the first file's data.
            let tail = { (at: Int) in (before + at - file.dataStart) * 8 >= total * 7 }
            var starts = [file.dataStart]
            var nominal = file.dataStart + (tail(file.dataStart) ? tailTarget : target)
            while nominal < bytes.count {
                guard let cut = Self.cut(bytes, near: nominal, fields: file.fieldCount, options: options),
                      cut < bytes.count else { break }
                if cut > starts.last! { starts.append(cut) }
                nominal = cut + (tail(cut) ? tailTarget : target)
            }
            before += bytes.count - file.dataStart
            for (k, start) in starts.enumerated() {
                let last = k == starts.count - 1
                let end = last ? bytes.count : starts[k + 1]
                chunks.append(CSVSegment(
                    file: file.file, mapped: file.mapped, start: start, end: end, line: k == 0 ? file.dataLine : 1,
                    fieldCount: file.fieldCount, fieldIndex: fieldIndex,
                    accountedBytes: end - (k == 0 ? 0 : start), lastOfFile: last))
                startsFile.append(k == 0)
            }
        }
        self.files = files
        self.schema = schema
        self.columns = columns
        self.options = options
        self.batchSize = batchSize
        self.chunks = chunks
        self.startsFile = startsFile
        results = Array(repeating: nil, count: chunks.count)
    }

    /// Where a chunk near `nominal` starts: right after the first line feed at or after it whose next
    /// line reads as a whole record, i.e. holds an even number of quotes and `fields - 1` delimiters
    /// outside them (after a line feed inside a quoted field, the rest of the field usually does not).
    /// A guess checked later (`aligned(upTo:)`); nil past the end.
    static func cut(_ bytes: UnsafeBufferPointer<UInt8>, near nominal: Int, fields: Int, options: CSVOptions) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        func lineEnd(from p: Int) -> Int? {
            guard p < n, let hit = memchr(base + p, Int32(CSVRecordReader.lf), n - p) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        guard var lf = lineEnd(from: nominal) else { return nil }
        let first = lf + 1
        for _ in 0..<64 {
            guard let next = lineEnd(from: lf + 1) else { return first }
            var inside = false
            var delimiters = 0
            for i in (lf + 1)..<next {
                if base[i] == options.quote {
                    inside.toggle()
                } else if base[i] == options.delimiter && !inside {
                    delimiters += 1
                }
            }
            if !inside && delimiters == fields - 1 { return lf + 1 }
            lf = next
        }
        return first
    }

    /// `count` scans that take this queue's chunks in turn; each runs on one thread.
    public func readers(_ count: Int) -> [CSVScan] {
        let made = (0..<Swift.max(1, count)).map { _ in
            CSVScan(chunksOf: self, schema: schema, columns: columns, options: options, batchSize: batchSize)
        }
        lock.withLock { readerList += made.map { WeakScan(scan: $0) } }
        return made
    }

    /// Reading stopped at a failure in `chunk`, once every reader has stopped: the accounting then
    /// covers the chunks before it and what its reader had read of it, not the chunks after it.
    public func failed(at chunk: Int) {
        let readers = lock.withLock {
            failedChunk = chunk
            return readerList.compactMap(\.scan)
        }
        for reader in readers where reader.chunk == chunk { reader.handOverUnfinishedChunk() }
    }

    /// The next chunk nobody has taken, with its index.
    func take() -> (index: Int, segment: CSVSegment)? {
        lock.withLock {
            guard nextChunk < chunks.count else { return nil }
            defer { nextChunk += 1 }
            return (nextChunk, chunks[nextChunk])
        }
    }

    func finish(_ index: Int, _ result: ChunkResult) {
        lock.withLock { results[index] = result }
    }

    public var chunkCount: Int { chunks.count }

    /// Whether every chunk before `chunk` was read to its end and ended at a record boundary, so that
    /// `chunk` (and with it every chunk before it) started where a serial reader starts a record.
    public func aligned(upTo chunk: Int) -> Bool {
        lock.withLock {
            results[..<Swift.min(Swift.max(chunk, 0), results.count)].allSatisfy { $0.map { !$0.misaligned } ?? false }
        }
    }

    /// The results of the chunks read so far, up to the first one not read to its end (and to the
    /// chunk that failed, if one did).
    private var completed: [ChunkResult] {
        lock.withLock {
            let reported = failedChunk.map { results.prefix($0 + 1) } ?? results[...]
            return Array(reported.prefix { $0 != nil }.map { $0! })
        }
    }

    public var rowsRead: Int { completed.reduce(0) { $0 + $1.rowsRead } }
    public var rowsPassed: Int { completed.reduce(0) { $0 + $1.rowsPassed } }
    public var rowsRejected: Int { completed.reduce(0) { $0 + $1.rowsRejected } }
    /// Bytes of the chunks read so far (a file's header counts with its first chunk).
    public var bytesRead: Int64 { Int64(chunks.prefix(completed.count).reduce(0) { $0 + $1.accountedBytes }) }

    /// Rejected rows of the chunks read so far, in file order, with their true line numbers.
    public var rejects: [RejectedRow] {
        var rows: [RejectedRow] = []
        var start = 0
        for (i, result) in completed.enumerated() {
            // Lines of chunk i were counted from `chunks[i].line`; it truly starts at line `start`.
            start = startsFile[i] ? chunks[i].line : start
            for var row in result.rejects {
                row.line += start - chunks[i].line
                rows.append(row)
            }
            start += result.lines
        }
        return rows
    }
}

extension CSVScan: ChunkReader {}

/// What a CSV scan has read: rows, bytes and rejected rows (of a `CSVScan`, or of all the chunks of
/// a `CSVChunkedScan`).
public protocol CSVScanAccounting: AnyObject {
    var bytesRead: Int64 { get }
    var rowsRead: Int { get }
    var rowsPassed: Int { get }
    var rowsRejected: Int { get }
    var rejects: [RejectedRow] { get }
}

extension CSVScan: CSVScanAccounting {}
extension CSVChunkedScan: CSVScanAccounting {}
