import TallyCompiler
import TallyEngine

/// Turns column values into CSV field text (RFC 4180), the inverse of what `CSVScan` reads.
///
/// Null is an empty field; an empty string is `""`. A field is quoted only when it holds the
/// delimiter, the quote, CR or LF, or starts or ends with a space. Decimals are exact at the
/// column's scale, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]`, doubles the
/// shortest text that reads back to the same value, bools `true`/`false`.
struct CSVFieldEncoder {
    let options: CSVOptions

    /// Appends one field, quoting it when needed.
    func appendField<C: Collection<UInt8>>(_ text: C, to out: inout [UInt8]) {
        guard needsQuotes(text) else {
            out.append(contentsOf: text)
            return
        }
        out.append(options.quote)
        for c in text {
            if c == options.quote { out.append(c) }
            out.append(c)
        }
        out.append(options.quote)
    }

    func appendField(_ text: String, to out: inout [UInt8]) { appendField(text.utf8, to: &out) }

    /// Appends the fields of every row of `column`, one after the other, and where each ends:
    /// `ends` gets `text.count` after each row's field (a null adds no text). One loop per column
    /// type, so a batch is encoded without a type dispatch per value.
    func appendFields(of column: Column, to text: inout [UInt8], ends: inout [Int]) {
        func each(_ append: (Int, inout [UInt8]) -> Void) {
            for row in 0..<column.count {
                if !column.isNull(row) { append(row, &text) }
                ends.append(text.count)
            }
        }
        switch column.values {
        case .int(let v): each { TextDigits.appendInt(v[$0], to: &$1) }
        case .decimal(let v): each { TextDigits.appendDecimal(v[$0], scale: column.type.scale, to: &$1) }
        case .double(let v): each { appendField(String(v[$0]), to: &$1) }
        case .bool(let v): each { $1.append(contentsOf: (v[$0] ? "true" : "false").utf8) }
        case .date(let v): each { TextDigits.appendDate(v[$0], to: &$1) }
        case .timestamp(let v): each { TextDigits.appendTimestamp(v[$0], to: &$1) }
        case .string(let v):
            v.offsets.withUnsafeBufferPointer { offsets in
                v.bytes.withUnsafeBufferPointer { bytes in
                    each { appendField(UnsafeBufferPointer(rebasing: bytes[Int(offsets[$0])..<Int(offsets[$0 + 1])]), to: &$1) }
                }
            }
        }
    }

    private func needsQuotes<C: Collection<UInt8>>(_ text: C) -> Bool {
        guard let first = text.first else { return true }
        if first == 32 { return true }
        var last = first
        for c in text {
            if c == options.delimiter || c == options.quote || c == 10 || c == 13 { return true }
            last = c
        }
        return last == 32
    }
}
