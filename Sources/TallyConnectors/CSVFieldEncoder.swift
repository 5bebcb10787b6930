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

    /// Appends row `row` of `column` as a field.
    func appendValue(of column: Column, row: Int, to out: inout [UInt8]) {
        if column.isNull(row) { return }
        switch column.values {
        case .int(let v): TextDigits.appendInt(v[row], to: &out)
        case .decimal(let v): TextDigits.appendDecimal(v[row], scale: column.type.scale, to: &out)
        case .double(let v): appendField(String(v[row]), to: &out)
        case .bool(let v): out.append(contentsOf: (v[row] ? "true" : "false").utf8)
        case .string(let v): appendField(v[row], to: &out)
        case .date(let v): TextDigits.appendDate(v[row], to: &out)
        case .timestamp(let v): TextDigits.appendTimestamp(v[row], to: &out)
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
