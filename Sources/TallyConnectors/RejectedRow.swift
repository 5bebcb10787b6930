/// An input record that was not emitted because it does not fit the declared schema.
public struct RejectedRow: Sendable, Hashable, CustomStringConvertible {
    /// Display name of the file (see `SourceFile.name`).
    public var file: String
    /// 1-based physical line where the record starts.
    public var line: Int
    /// Declared name of the column at fault, when one column is.
    public var column: String?
    /// 1-based field position in the file's record, when one field is at fault.
    public var field: Int?
    /// Why the record was refused ("`12x` is not a valid int").
    public var reason: String
    /// The record as it appears in the file, cut to about `RejectedRow.rawLimit` bytes.
    public var raw: String

    /// Longest raw text kept, in bytes.
    public static let rawLimit = 1000

    public init(file: String, line: Int, column: String? = nil, field: Int? = nil, reason: String, raw: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.reason = reason
        self.raw = raw
    }

    /// `file:line: column `x`: reason`.
    public var description: String {
        "\(file):\(line): " + (column.map { "column `\($0)`: " } ?? "") + reason
    }

    /// Record text for `raw`, cut at a UTF-8 character boundary.
    static func rawText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > rawLimit else { return String(decoding: bytes, as: UTF8.self) }
        var cut = rawLimit
        while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self) + "…"
    }
}
