/// How a CSV file is laid out. The defaults read RFC 4180 files with a header line.
public struct CSVOptions: Sendable, Hashable {
    /// Field separator byte (`,` by default; `;`, `|` and tab are common too).
    public var delimiter: UInt8
    /// Whether the first record of each file names the columns.
    public var header: Bool
    /// Quote byte; inside a quoted field a doubled quote stands for one quote.
    public var quote: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ","), header: Bool = true, quote: UInt8 = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.header = header
        self.quote = quote
    }
}
