import TallyCompiler
import TallyDiagnostics
import TallyEngine

/// A byte range of one CSV file whose records a scan reads, with the header's column mapping.
struct CSVSegment {
    let file: SourceFile
    let mapped: MappedFile
    /// Where the range's first record begins (past the header for the file's first range).
    let start: Int
    /// Where reading stops: the file's end or the start of the next range (always a record boundary).
    let end: Int
    /// Physical line number at `start`.
    let line: Int
    /// Fields every record must have.
    let fieldCount: Int
    /// For each produced column, the 0-based field holding it.
    let fieldIndex: [Int]
    /// Bytes of the file this range accounts for in `bytesRead` (the header goes with the first range).
    let accountedBytes: Int
    /// Whether the range ends the file (it then counts in `filesRead`).
    let lastOfFile: Bool
}

/// Reads CSV files, in order, into typed batches of a declared schema.
///
/// - Columns are found by header name (case-insensitive, any order; extra file columns are ignored).
///   Without a header, file columns are the declared columns in declared order.
/// - Only the declared columns listed in `columns` are produced and parsed (projection pushdown).
/// - Records that do not fit (field count, unparsable value, null in a non-nullable column, bad
///   quoting) are not emitted but reported as `RejectedRow`s; `rowsRead == rowsPassed + rowsRejected`.
/// - File-level problems (unreadable file, missing header column) throw `ConnectorError`.
/// - `partitions(files:schema:columns:options:count:batchSize:)` splits the work into scans that can
///   run on separate threads.
public final class CSVScan: BatchStream {
    /// Files in reading order.
    public let files: [SourceFile]
    /// The declared columns of the source.
    public let schema: Schema
    /// Indices into `schema` of the produced columns, in output order.
    public let columns: [Int]
    public let options: CSVOptions
    /// The schema of the produced batches: `columns` picked from `schema`.
    public let outputSchema: Schema
    /// Largest number of rows per batch.
    public let batchSize: Int

    /// Records seen after the header lines.
    public private(set) var rowsRead = 0
    /// Records emitted.
    public private(set) var rowsPassed = 0
    /// Records refused.
    public private(set) var rowsRejected = 0
    /// Bytes of the files opened so far (for a partition: of its byte ranges; a file's header counts
    /// with its first range).
    public private(set) var bytesRead: Int64 = 0
    /// Files fully read so far (for a partition: files whose last range it read).
    public private(set) var filesRead = 0
    /// Refused records, in file order; not collected while `onReject` is set.
    public private(set) var rejects: [RejectedRow] = []
    /// When set, each refused record is handed to it instead of being kept in `rejects`. It is
    /// called on the thread that calls `next()`.
    public var onReject: ((RejectedRow) -> Void)?

    private enum Pending {
        /// A whole file, opened (and its header read) when the scan reaches it.
        case file(SourceFile)
        /// A prepared byte range.
        case segment(CSVSegment)
    }

    private let pending: [Pending]
    private var nextPending = 0
    /// The queue chunks are taken from instead of `pending` (a reader of a `CSVChunkedScan`).
    private let queue: CSVChunkedScan?
    /// The chunk of the queue that the last batch came from (-1 before the first; other scans: -1).
    public private(set) var chunk = -1
    /// The counters when the current chunk started, and where its last record ended.
    private var chunkStart = (read: 0, passed: 0, rejected: 0)
    private var lastRecordEnd = -1
    private var current: CSVSegment?
    private var reader: CSVRecordReader?
    private let builders: UnsafeMutablePointer<ColumnAccumulator>
    private var fields = CSVFieldBuffer()
    private var scratch: [UInt8] = []

    /// - Parameters:
    ///   - columns: declared column indices to produce; nil means all, in declared order.
    public convenience init(files: [SourceFile], schema: Schema, columns: [Int]? = nil,
                            options: CSVOptions = CSVOptions(), batchSize: Int = Batch.defaultSize) {
        self.init(files: files, pending: files.map { .file($0) }, schema: schema, columns: columns, options: options,
                  batchSize: batchSize)
    }

    /// Reads files given by path; their paths are also their display names.
    public convenience init(paths: [String], schema: Schema, columns: [Int]? = nil,
                            options: CSVOptions = CSVOptions(), batchSize: Int = Batch.defaultSize) {
        self.init(files: paths.map { SourceFile(path: $0) }, schema: schema, columns: columns, options: options,
                  batchSize: batchSize)
    }

    /// A scan of prepared byte ranges (see `partitions`).
    convenience init(segments: [CSVSegment], schema: Schema, columns: [Int], options: CSVOptions, batchSize: Int) {
        var files: [SourceFile] = []
        for s in segments where files.last != s.file { files.append(s.file) }
        self.init(files: files, pending: segments.map { .segment($0) }, schema: schema, columns: columns,
                  options: options, batchSize: batchSize)
    }

    /// A reader of `queue`'s chunks (see `CSVChunkedScan.readers`).
    convenience init(chunksOf queue: CSVChunkedScan, schema: Schema, columns: [Int], options: CSVOptions,
                     batchSize: Int) {
        self.init(files: queue.files, pending: [], queue: queue, schema: schema, columns: columns, options: options,
                  batchSize: batchSize)
    }

    private init(files: [SourceFile], pending: [Pending], queue: CSVChunkedScan? = nil, schema: Schema,
                 columns: [Int]?, options: CSVOptions, batchSize: Int) {
        let columns = columns ?? Array(schema.fields.indices)
        precondition(columns.allSatisfy { schema.fields.indices.contains($0) }, "column index out of range")
        precondition(batchSize > 0, "batch size must be positive")
        self.files = files
        self.pending = pending
        self.queue = queue
        self.schema = schema
        self.columns = columns
        self.options = options
        self.batchSize = batchSize
        outputSchema = Schema(columns.map { schema[$0] })
        builders = .allocate(capacity: columns.count)
        for (j, field) in outputSchema.fields.enumerated() {
            (builders + j).initialize(to: ColumnAccumulator(field, capacity: batchSize))
        }
    }

    deinit {
        for j in 0..<columns.count { builders[j].deallocate() }
        builders.deinitialize(count: columns.count)
        builders.deallocate()
        fields.deallocate()
    }

    /// Where the current range's bytes have been released up to (see `MappedFile.release`).
    private var released = 0
    /// Ranges read to their end whose pages are not released yet.
    private var finishedRanges: [(MappedFile, Range<Int>)] = []
    /// How many bytes are read between releases.
    private static let releaseStep = 8 << 20

    /// Releases the pages of what the last batch consumed, once its columns hold their own copies.
    private func releaseReadPages() {
        for (file, range) in finishedRanges { file.release(range) }
        finishedRanges.removeAll()
        if let current, let position = reader?.position, position - released >= Self.releaseStep {
            current.mapped.release(released..<position)
            released = position
        }
    }

    public func next() throws -> Batch? {
        var count = 0
        while count < batchSize {
            if current == nil {
                let segment: CSVSegment
                if let queue {
                    // A batch holds the rows of one chunk.
                    guard count == 0, let next = queue.take() else { break }
                    segment = next.segment
                    chunk = next.index
                    chunkStart = (rowsRead, rowsPassed, rowsRejected)
                    lastRecordEnd = -1
                } else {
                    guard nextPending < pending.count else { break }
                    switch pending[nextPending] {
                    case .file(let file):
                        segment = try OpenCSVFile(file: file, schema: schema, options: options).segment(columns: columns)
                    case .segment(let s):
                        segment = s
                    }
                    nextPending += 1
                }
                current = segment
                reader = CSVRecordReader(bytes: segment.mapped.bytes, options: options, start: segment.start,
                                         end: segment.end, line: segment.line)
                bytesRead += Int64(segment.accountedBytes)
                released = segment.start
            }
            if !readRecords(count: &count) {
                if let queue { finishChunk(of: queue) }
                finishedRanges.append((current!.mapped, released..<current!.end))
                if current!.lastOfFile { filesRead += 1 }
                current = nil
                reader = nil
            }
        }
        guard count > 0 else {
            releaseReadPages()
            return nil
        }
        let batchColumns = (0..<columns.count).map { builders[$0].finish(count: count) }
        releaseReadPages()
        return Batch(columns: batchColumns, count: count)
    }

    /// Hands what was read of the current chunk to the queue when reading stopped inside it (a
    /// failure further up); nothing when no chunk is being read.
    func handOverUnfinishedChunk() {
        guard let queue, current != nil else { return }
        finishChunk(of: queue)
    }

    /// Hands what the current chunk gave (its rejects, lines and counts) to the queue.
    private func finishChunk(of queue: CSVChunkedScan) {
        let segment = current!
        queue.finish(chunk, .init(
            rejects: rejects, lines: reader!.line - segment.line,
            misaligned: !segment.lastOfFile && lastRecordEnd == segment.end,
            rowsRead: rowsRead - chunkStart.read, rowsPassed: rowsPassed - chunkStart.passed,
            rowsRejected: rowsRejected - chunkStart.rejected))
        rejects.removeAll()
    }

    /// Reads records of the current range into the builders until the batch is full. False at the
    /// end of the range.
    private func readRecords(count: inout Int) -> Bool {
        let segment = current!
        var reader = self.reader!
        var fields = self.fields
        defer {
            self.reader = reader
            self.fields = fields
        }
        let builders = self.builders
        let width = columns.count
        let fieldCount = segment.fieldCount
        let base = segment.mapped.bytes.baseAddress
        let size = segment.mapped.bytes.count
        let quote = options.quote
        let limit = batchSize
        var row = count
        var read = 0
        var passed = 0
        var lastEnd = lastRecordEnd
        defer {
            count = row
            rowsRead += read
            rowsPassed += passed
            lastRecordEnd = lastEnd
        }
        return segment.fieldIndex.withUnsafeBufferPointer { fieldIndex in
            while row < limit {
                guard let record = reader.next(fields: &fields) else { return false }
                read &+= 1
                lastEnd = record.end
                if record.problemKind != .none {
                    reject(record, in: segment, column: nil, field: record.problemField, reason: record.problem!)
                    continue
                }
                guard fields.count == fieldCount else {
                    reject(record, in: segment, column: nil, field: nil,
                           reason: "expected \(fieldCount) fields, found \(fields.count)")
                    continue
                }
                var refused = false
                for j in 0..<width {
                    let fi = fieldIndex[j]
                    let f = fields[fi]
                    let b = FieldBytes(start: base.map { $0 + f.start }, count: f.end &- f.start)
                    let refusal = f.escaped
                        ? builders[j].appendEscaped(row: row, b, quote: quote, scratch: &scratch)
                        : builders[j].append(row: row, b, quoted: f.quoted, overRead: f.start &+ 16 <= size)
                    if let refusal {
                        for k in 0..<j { builders[k].rollback(row: row) }
                        reject(record, in: segment, column: outputSchema[j].name, field: fi + 1, reason: refusal)
                        refused = true
                        break
                    }
                }
                if refused { continue }
                row &+= 1
                passed &+= 1
            }
            return true
        }
    }

    @inline(never)
    private func reject(_ record: CSVRecord, in segment: CSVSegment, column: String?, field: Int?, reason: String) {
        rowsRejected += 1
        let raw = RejectedRow.rawText(UnsafeBufferPointer(rebasing: segment.mapped.bytes[record.start..<record.end]))
        let row = RejectedRow(file: segment.file.name, line: record.line, column: column, field: field, reason: reason,
                              raw: raw)
        if let onReject { onReject(row) } else { rejects.append(row) }
    }
}
