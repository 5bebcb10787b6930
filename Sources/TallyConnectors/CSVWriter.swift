import TallyCompiler
import TallyEngine

/// Writes batches of one schema to a CSV file: a header line, then one LF-terminated line per row
/// (see `CSVFieldEncoder` for how values are written).
///
/// The file appears at `path` only on `commit()`, replacing any previous file atomically; until
/// then the data goes to a temporary file next to it, which `abort()` removes.
public final class CSVWriter: StagedCSVOutput {
    public let path: String
    public let schema: Schema
    public let options: CSVOptions
    /// Rows written so far.
    public private(set) var rowsWritten = 0

    private let file: AtomicFileWriter
    private let encoder: CSVFieldEncoder
    private var line: [UInt8] = []
    /// The current batch's fields, column after column, and where each ends (`CSVFieldEncoder.appendFields`).
    private var fieldText: [UInt8] = []
    private var fieldEnds: [Int] = []

    /// Creates missing directories and starts the file with the header line (when `options.header`).
    public init(path: String, schema: Schema, options: CSVOptions = CSVOptions()) throws {
        self.path = path
        self.schema = schema
        self.options = options
        encoder = CSVFieldEncoder(options: options)
        file = try AtomicFileWriter(path: path)
        if options.header {
            for (i, name) in schema.names.enumerated() {
                if i > 0 { line.append(options.delimiter) }
                encoder.appendField(name, to: &line)
            }
            line.append(10)
            try file.write(line)
        }
    }

    /// Appends the rows of `batch`, whose columns follow `schema`: each column's fields are encoded
    /// in one pass, then the lines are assembled from them.
    public func write(_ batch: Batch) throws {
        guard batch.columns.count == schema.count else {
            throw ConnectorError("batch has \(batch.columns.count) columns, the file's schema has \(schema.count)",
                                 path: path)
        }
        let (rows, columns) = (batch.count, batch.columns.count)
        fieldText.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        for column in batch.columns { encoder.appendFields(of: column, to: &fieldText, ends: &fieldEnds) }
        var out = [UInt8]()
        swap(&out, &line)
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(fieldText.count + rows * columns)
        let delimiter = options.delimiter
        fieldText.withUnsafeBufferPointer { text in
            fieldEnds.withUnsafeBufferPointer { ends in
                for row in 0..<rows {
                    for c in 0..<columns {
                        if c > 0 { out.append(delimiter) }
                        let i = c * rows + row
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[(i == 0 ? 0 : ends[i - 1])..<ends[i]]))
                    }
                    out.append(10)
                }
            }
        }
        swap(&out, &line)
        try file.write(line)
        rowsWritten += rows
    }

    /// Writes every batch of `stream`.
    public func write(all stream: BatchStream) throws {
        while let batch = try stream.next() { try write(batch) }
    }

    /// Makes the file visible at `path`.
    public func commit() throws { try file.commit() }

    public var filePath: String { path }
    public var stagedPath: String { file.stagedPath }
    public var finalPath: String { path }
    public func prepare() throws { try file.prepare() }
    public func publish() throws { try file.publish() }

    /// Discards the output; any previous file at `path` is untouched.
    public func abort() { file.abort() }
}
