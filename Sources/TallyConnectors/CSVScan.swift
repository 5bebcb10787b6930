import TallyCompiler
import TallyDiagnostics
import TallyEngine

/// Reads CSV files, in order, into typed batches of a declared schema.
///
/// - Columns are found by header name (case-insensitive, any order; extra file columns are ignored).
///   Without a header, file columns are the declared columns in declared order.
/// - Only the declared columns listed in `columns` are produced and parsed (projection pushdown).
/// - Records that do not fit (field count, unparsable value, null in a non-nullable column, bad
///   quoting) are not emitted but reported as `RejectedRow`s; `rowsRead == rowsPassed + rowsRejected`.
/// - File-level problems (unreadable file, missing header column) throw `ConnectorError`.
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
    /// Bytes of the files opened so far.
    public private(set) var bytesRead: Int64 = 0
    /// Files fully read so far.
    public private(set) var filesRead = 0
    /// Refused records, in file order; not collected while `onReject` is set.
    public private(set) var rejects: [RejectedRow] = []
    /// When set, each refused record is handed to it instead of being kept in `rejects`.
    public var onReject: ((RejectedRow) -> Void)?

    private var nextFile = 0
    private var current: OpenCSVFile?
    private var builders: [ColumnAccumulator]
    private var fields: [CSVField] = []
    private var scratch: [UInt8] = []

    /// - Parameters:
    ///   - columns: declared column indices to produce; nil means all, in declared order.
    public init(files: [SourceFile], schema: Schema, columns: [Int]? = nil, options: CSVOptions = CSVOptions(),
                batchSize: Int = Batch.defaultSize) {
        let columns = columns ?? Array(schema.fields.indices)
        precondition(columns.allSatisfy { schema.fields.indices.contains($0) }, "column index out of range")
        precondition(batchSize > 0, "batch size must be positive")
        self.files = files
        self.schema = schema
        self.columns = columns
        self.options = options
        self.batchSize = batchSize
        outputSchema = Schema(columns.map { schema[$0] })
        builders = outputSchema.fields.map(ColumnAccumulator.init)
    }

    /// Reads files given by path; their paths are also their display names.
    public convenience init(paths: [String], schema: Schema, columns: [Int]? = nil,
                            options: CSVOptions = CSVOptions(), batchSize: Int = Batch.defaultSize) {
        self.init(files: paths.map { SourceFile(path: $0) }, schema: schema, columns: columns, options: options,
                  batchSize: batchSize)
    }

    public func next() throws -> Batch? {
        var count = 0
        while count < batchSize {
            if current == nil {
                guard nextFile < files.count else { break }
                let file = files[nextFile]
                nextFile += 1
                current = try OpenCSVFile(file: file, schema: schema, columns: columns, options: options,
                                          fields: &fields)
                bytesRead += Int64(current!.mapped.bytes.count)
            }
            if !readRecord(count: &count) {
                current = nil
                filesRead += 1
            }
        }
        guard count > 0 else { return nil }
        let batchColumns = builders.indices.map { builders[$0].finish() }
        return Batch(columns: batchColumns, count: count)
    }

    /// Reads one record of the current file into the builders. False at the end of the file.
    private func readRecord(count: inout Int) -> Bool {
        guard let record = current!.reader.next(fields: &fields) else { return false }
        let file = current!
        rowsRead += 1
        if let problem = record.problem {
            reject(record, in: file, column: nil, field: record.problemField, reason: problem)
            return true
        }
        guard fields.count == file.fieldCount else {
            reject(record, in: file, column: nil, field: nil,
                   reason: "expected \(file.fieldCount) fields, found \(fields.count)")
            return true
        }
        let bytes = file.mapped.bytes
        for j in builders.indices {
            let f = fields[file.fieldIndex[j]]
            var refusal: String?
            if f.escaped {
                unescape(f, from: bytes)
                refusal = scratch.withUnsafeBufferPointer { builders[j].append($0, quoted: true) }
            } else {
                refusal = builders[j].append(FieldBytes(rebasing: bytes[f.start..<f.end]), quoted: f.quoted)
            }
            if let refusal {
                for k in 0..<j { builders[k].truncate(to: count) }
                reject(record, in: file, column: outputSchema[j].name, field: file.fieldIndex[j] + 1, reason: refusal)
                return true
            }
        }
        count += 1
        rowsPassed += 1
        return true
    }

    /// Copies a quoted field's content into `scratch`, collapsing doubled quotes.
    private func unescape(_ f: CSVField, from bytes: UnsafeBufferPointer<UInt8>) {
        scratch.removeAll(keepingCapacity: true)
        var i = f.start
        while i < f.end {
            scratch.append(bytes[i])
            i += bytes[i] == options.quote ? 2 : 1
        }
    }

    private func reject(_ record: CSVRecord, in file: OpenCSVFile, column: String?, field: Int?, reason: String) {
        rowsRejected += 1
        let raw = RejectedRow.rawText(UnsafeBufferPointer(rebasing: file.mapped.bytes[record.start..<record.end]))
        let row = RejectedRow(file: file.file.name, line: record.line, column: column, field: field, reason: reason,
                              raw: raw)
        if let onReject { onReject(row) } else { rejects.append(row) }
    }
}
