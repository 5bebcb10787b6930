/// Where one field of a record lies in the file's bytes.
struct CSVField {
    /// Content range, without the surrounding quotes of a quoted field.
    var start: Int
    var end: Int
    /// Whether the field was quoted (`""` is an empty string, an empty unquoted field is null).
    var quoted: Bool
    /// Whether the content holds doubled quotes that must be collapsed before use.
    var escaped: Bool
}

/// One record found by `CSVRecordReader`.
struct CSVRecord {
    /// Byte range of the record text, without its line terminator.
    var start: Int
    var end: Int
    /// 1-based physical line on which the record starts.
    var line: Int
    /// A syntax problem that makes the record unusable (unterminated quote, text after a closing quote).
    var problem: String?
    /// 1-based field the problem is in.
    var problemField: Int?
}

/// Splits CSV bytes into records and fields (RFC 4180) without copying them.
///
/// Handles quoted fields with delimiters, doubled quotes and line breaks inside; CRLF, LF and lone
/// CR line endings. Blank lines between records are skipped. Line numbers count physical lines,
/// so a record after a multi-line quoted field reports the line it really starts on.
struct CSVRecordReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let delimiter: UInt8
    private let quote: UInt8
    private(set) var position: Int
    private(set) var line: Int

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    init(bytes: UnsafeBufferPointer<UInt8>, options: CSVOptions, start: Int = 0) {
        self.bytes = bytes
        delimiter = options.delimiter
        quote = options.quote
        position = start
        line = 1
    }

    /// Reads the next record into `fields` (cleared first); nil at end of input.
    mutating func next(fields: inout [CSVField]) -> CSVRecord? {
        fields.removeAll(keepingCapacity: true)
        skipBlankLines()
        let n = bytes.count
        guard position < n else { return nil }
        var record = CSVRecord(start: position, end: position, line: line)
        while true {
            if position < n && bytes[position] == quote {
                if !readQuotedField(into: &fields, record: &record) { return record }
            } else {
                let s = position
                while position < n {
                    let c = bytes[position]
                    if c == delimiter || c == Self.lf || c == Self.cr { break }
                    position += 1
                }
                fields.append(CSVField(start: s, end: position, quoted: false, escaped: false))
            }
            guard position < n else {
                record.end = n
                return record
            }
            let c = bytes[position]
            if c == delimiter {
                position += 1
                continue
            }
            record.end = position
            endLine(at: c)
            return record
        }
    }

    /// Reads a quoted field starting at the opening quote. False when the quote is never closed
    /// (the record then runs to the end of the input).
    private mutating func readQuotedField(into fields: inout [CSVField], record: inout CSVRecord) -> Bool {
        let n = bytes.count
        position += 1
        let contentStart = position
        var escaped = false
        while position < n {
            let c = bytes[position]
            if c == quote {
                if position + 1 < n && bytes[position + 1] == quote {
                    escaped = true
                    position += 2
                    continue
                }
                fields.append(CSVField(start: contentStart, end: position, quoted: true, escaped: escaped))
                position += 1
                skipTextAfterClosingQuote(record: &record, field: fields.count)
                return true
            }
            if c == Self.lf || (c == Self.cr && (position + 1 == n || bytes[position + 1] != Self.lf)) { line += 1 }
            position += 1
        }
        fields.append(CSVField(start: contentStart, end: n, quoted: true, escaped: escaped))
        record.end = n
        record.problem = "unterminated quoted field (the quote opened in field \(fields.count) is never closed)"
        record.problemField = fields.count
        return false
    }

    /// `"abc"def` is malformed: note it and skip to the end of the field.
    private mutating func skipTextAfterClosingQuote(record: inout CSVRecord, field: Int) {
        let n = bytes.count
        guard position < n else { return }
        let c = bytes[position]
        if c == delimiter || c == Self.lf || c == Self.cr { return }
        if record.problem == nil {
            record.problem = "unexpected text after the closing quote of field \(field)"
            record.problemField = field
        }
        while position < n {
            let c = bytes[position]
            if c == delimiter || c == Self.lf || c == Self.cr { return }
            position += 1
        }
    }

    /// Consumes a line terminator (`\n`, `\r\n` or `\r`) whose first byte is `c`.
    private mutating func endLine(at c: UInt8) {
        position += 1
        if c == Self.cr && position < bytes.count && bytes[position] == Self.lf { position += 1 }
        line += 1
    }

    private mutating func skipBlankLines() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == Self.lf || c == Self.cr else { return }
            endLine(at: c)
        }
    }
}
