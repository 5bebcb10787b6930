import TallyCompiler

/// Parsers from UTF-8 text to typed values, used by casts from string. Surrounding ASCII
/// whitespace is ignored; anything else malformed gives nil.
enum TextParsing {
    /// The bytes without leading and trailing ASCII whitespace.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, isASCIIWhitespace(bytes[lo]) { lo += 1 }
        while hi > lo, isASCIIWhitespace(bytes[hi - 1]) { hi -= 1 }
        return bytes[lo..<hi]
    }

    @inline(__always)
    static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// `[+-]digits` as a 64-bit integer; nil when malformed or out of range.
    static func int(_ raw: ArraySlice<UInt8>) -> Int64? {
        let bytes = trimmed(raw)
        var i = bytes.startIndex
        guard i < bytes.endIndex else { return nil }
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative || bytes[i] == UInt8(ascii: "+") { i += 1 }
        guard i < bytes.endIndex else { return nil }
        var value: Int64 = 0
        while i < bytes.endIndex {
            let d = bytes[i]
            guard d >= 48, d <= 57 else { return nil }
            // Accumulate negatively so that Int64.min parses.
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d - 48))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    static func double(_ raw: ArraySlice<UInt8>) -> Double? {
        let bytes = trimmed(raw)
        guard !bytes.isEmpty else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    static func decimal(_ raw: ArraySlice<UInt8>, precision: Int, scale: Int) -> Int128? {
        DecimalFormat.parse(trimmed(raw), precision: precision, scale: scale)
    }

    /// true/false, t/f, yes/no, y/n, on/off, 1/0 in any case.
    static func bool(_ raw: ArraySlice<UInt8>) -> Bool? {
        let bytes = trimmed(raw)
        guard bytes.count <= 5 else { return nil }
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "true", "t", "yes", "y", "on", "1": return true
        case "false", "f", "no", "n", "off", "0": return false
        default: return nil
        }
    }

    /// `YYYY-MM-DD`, or a timestamp whose day is taken.
    static func date(_ raw: ArraySlice<UInt8>) -> Int32? {
        let bytes = trimmed(raw)
        if let d = CivilDate.parseDate(bytes) { return d }
        return CivilDate.parseTimestamp(bytes).map(TimeMath.day(ofMicros:))
    }

    static func timestamp(_ raw: ArraySlice<UInt8>) -> Int64? {
        CivilDate.parseTimestamp(trimmed(raw))
    }
}

/// Day and microsecond conversions.
enum TimeMath {
    static let microsPerDay: Int64 = 86_400_000_000

    /// The day containing an instant (floor division, so instants before 1970 map correctly).
    static func day(ofMicros t: Int64) -> Int32 {
        let (q, r) = t.quotientAndRemainder(dividingBy: microsPerDay)
        return Int32(r < 0 ? q - 1 : q)
    }

    /// Midnight of a day.
    static func micros(ofDay d: Int32) -> Int64 { Int64(d) * microsPerDay }
}
