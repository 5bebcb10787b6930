import TallyCompiler
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one field (rebased: indices start at 0).
typealias FieldBytes = UnsafeBufferPointer<UInt8>

/// Typed parsing of CSV field text straight from UTF-8 bytes. Each parser returns the value or a
/// reason the text was refused, phrased for a reject report.
enum FieldParsers {
    enum Outcome<T> {
        case value(T)
        case invalid(String)
    }

    /// `[+-]digits` into Int64; anything else or out of range is refused.
    static func int(_ b: FieldBytes) -> Outcome<Int64> {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < b.count else { return .invalid("\(quoted(b)) is not a valid int") }
        // Accumulate negatively so that Int64.min parses.
        var v: Int64 = 0
        while i < b.count {
            let c = b[i]
            guard c >= 48, c <= 57 else { return .invalid("\(quoted(b)) is not a valid int") }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return .invalid("\(quoted(b)) is out of range for int") }
            v = s
            i += 1
        }
        if negative { return .value(v) }
        guard v != Int64.min else { return .invalid("\(quoted(b)) is out of range for int") }
        return .value(-v)
    }

    /// Exact decimal at `scale`. Refuses more integer digits than `precision - scale` allows and
    /// non-zero digits beyond `scale` (never rounds money silently); trailing zeros are fine.
    static func decimal(_ b: FieldBytes, precision: Int, scale: Int) -> Outcome<Int128> {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var value: Int128 = 0
        var intDigits = 0
        var sawDigit = false
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            if intDigits > 0 || b[i] != 48 { intDigits += 1 }
            // Past the limit the text is refused below; stop accumulating so Int128 cannot overflow.
            if intDigits <= precision - scale { value = value * 10 + Int128(b[i] - 48) }
            sawDigit = true
            i += 1
        }
        var fracDigits = 0
        var nonZeroBeyondScale = false
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fracDigits += 1
                if fracDigits <= scale {
                    value = value * 10 + Int128(b[i] - 48)
                } else if b[i] != 48 {
                    nonZeroBeyondScale = true
                }
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit, i == b.count else { return .invalid("\(quoted(b)) is not a valid decimal") }
        if intDigits > precision - scale {
            return .invalid("\(quoted(b)) has too many digits for decimal(\(precision),\(scale))")
        }
        if nonZeroBeyondScale {
            return .invalid("\(quoted(b)) has more than \(scale) decimal places")
        }
        if fracDigits < scale { value *= DecimalFormat.powersOfTen[scale - fracDigits] }
        return .value(negative ? -value : value)
    }

    /// Decimal floating point (`1.5`, `-2e10`, `inf`, `nan`); hexadecimal forms are refused.
    static func double(_ b: FieldBytes) -> Outcome<Double> {
        if b.count <= 9, b.contains(where: { $0 >= 0x41 && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }) {
            switch String(decoding: b, as: UTF8.self).lowercased() {
            case "inf", "+inf", "infinity", "+infinity": return .value(.infinity)
            case "-inf", "-infinity": return .value(-.infinity)
            case "nan", "+nan", "-nan": return .value(.nan)
            default: break
            }
        }
        let allowed = b.allSatisfy { c in
            (c >= 48 && c <= 57) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
        }
        guard allowed, !b.isEmpty else { return .invalid("\(quoted(b)) is not a valid double") }
        let parsed: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: b.count + 1) { buf in
            for k in 0..<b.count { buf[k] = CChar(bitPattern: b[k]) }
            buf[b.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let d = strtod(buf.baseAddress!, &end)
            return end == buf.baseAddress! + b.count ? d : nil
        }
        guard let parsed else { return .invalid("\(quoted(b)) is not a valid double") }
        return .value(parsed)
    }

    /// true/false, t/f, yes/no, 1/0 in any case.
    static func bool(_ b: FieldBytes) -> Outcome<Bool> {
        guard b.count <= 5 else { return .invalid("\(quoted(b)) is not a valid bool") }
        switch String(decoding: b, as: UTF8.self).lowercased() {
        case "true", "t", "yes", "1": return .value(true)
        case "false", "f", "no", "0": return .value(false)
        default: return .invalid("\(quoted(b)) is not a valid bool (use true/false, yes/no, t/f or 1/0)")
        }
    }

    /// `YYYY-MM-DD`.
    static func date(_ b: FieldBytes) -> Outcome<Int32> {
        guard let d = CivilDate.parseDate(b) else { return .invalid("\(quoted(b)) is not a valid date (expected YYYY-MM-DD)") }
        return .value(d)
    }

    /// `YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z]`.
    static func timestamp(_ b: FieldBytes) -> Outcome<Int64> {
        guard let t = CivilDate.parseTimestamp(b) else {
            return .invalid("\(quoted(b)) is not a valid timestamp (expected YYYY-MM-DD HH:MM:SS)")
        }
        return .value(t)
    }

    /// Whether `b` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
    static func isValidUTF8(_ b: FieldBytes) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: return false
            }
            guard i + len <= n, b[i + 1] >= lo, b[i + 1] <= hi else { return false }
            for k in 2..<len where b[i + k] < 0x80 || b[i + k] > 0xBF { return false }
            i += len
        }
        return true
    }

    /// The field text in backquotes for a message, shortened when long.
    static func quoted(_ b: FieldBytes) -> String {
        let limit = 40
        if b.count <= limit { return "`" + String(decoding: b, as: UTF8.self) + "`" }
        var cut = limit
        while cut > 0, b[cut] & 0xC0 == 0x80 { cut -= 1 }
        return "`" + String(decoding: UnsafeBufferPointer(rebasing: b[0..<cut]), as: UTF8.self) + "…`"
    }

    /// `b` without leading and trailing spaces and tabs.
    static func trimmed(_ b: FieldBytes) -> FieldBytes {
        var s = 0
        var e = b.count
        while s < e, b[s] == 32 || b[s] == 9 { s += 1 }
        while e > s, b[e - 1] == 32 || b[e - 1] == 9 { e -= 1 }
        return s == 0 && e == b.count ? b : FieldBytes(rebasing: b[s..<e])
    }
}
