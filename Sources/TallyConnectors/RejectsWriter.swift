/// Writes rejected records to a CSV report with columns `source,file,line,column,reason,record`.
///
/// Like `CSVWriter`, the report appears atomically on `commit()`.
public final class RejectsWriter: StagedOutput {
    public let path: String
    /// Rows written so far.
    public private(set) var count = 0
    private let file: AtomicFileWriter
    private let encoder = CSVFieldEncoder(options: CSVOptions())
    private var line: [UInt8] = []

    public static let header = ["source", "file", "line", "column", "reason", "record"]

    public init(path: String) throws {
        self.path = path
        file = try AtomicFileWriter(path: path)
        try file.write(Self.header.joined(separator: ",") + "\n")
    }

    /// Appends one rejected record of the source named `source`.
    public func write(source: String, _ row: RejectedRow) throws {
        line.removeAll(keepingCapacity: true)
        let fields = [source, row.file, String(row.line), row.column ?? "", row.reason, row.raw]
        for (i, text) in fields.enumerated() {
            if i > 0 { line.append(44) }
            // A missing column (or empty text) is an empty field.
            if !text.isEmpty { encoder.appendField(text, to: &line) }
        }
        line.append(10)
        try file.write(line)
        count += 1
    }

    public func write(source: String, _ rows: [RejectedRow]) throws {
        for row in rows { try write(source: source, row) }
    }

    public func commit() throws { try file.commit() }
    public var stagedPath: String { file.stagedPath }
    public var finalPath: String { path }
    public func prepare() throws { try file.prepare() }
    public func publish() throws { try file.publish() }

    public func abort() { file.abort() }

    /// Writes a whole report in one call.
    public static func write(_ rejects: [(source: String, row: RejectedRow)], to path: String) throws {
        let writer = try RejectsWriter(path: path)
        for r in rejects { try writer.write(source: r.source, r.row) }
        try writer.commit()
    }
}
