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
    @inline(__always)
    static func int(_ b: FieldBytes) -> Outcome<Int64> {
        // Fast path: up to 18 digits cannot overflow.
        let n = b.count
        if n > 0 && n <= 18 {
            var i = 0
            let negative = b[0] == UInt8(ascii: "-")
            if negative || b[0] == UInt8(ascii: "+") { i = 1 }
            if i < n {
                var v: Int64 = 0
                while i < n {
                    let d = b[i] &- 48
                    if d > 9 { break }
                    v = v &* 10 &+ Int64(d)
                    i &+= 1
                }
                if i == n { return .value(negative ? -v : v) }
            }
        }
        return intSlow(b)
    }

    @inline(never)
    static func intSlow(_ b: FieldBytes) -> Outcome<Int64> {
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
    @inline(__always)
    static func decimal(_ b: FieldBytes, precision: Int, scale: Int) -> Outcome<Int128> {
        // Fast path: `[+-]digits[.digits]` with at most 18 digits, no more integer digits than the
        // precision allows and no more fraction digits than the scale; everything else goes the exact
        // slow way (which also words the refusals).
        let n = b.count
        if n > 0 && n <= 19 && scale <= 18 {
            var i = 0
            let negative = b[0] == UInt8(ascii: "-")
            if negative || b[0] == UInt8(ascii: "+") { i = 1 }
            var v: Int64 = 0
            let intStart = i
            while i < n {
                let d = b[i] &- 48
                if d > 9 { break }
                v = v &* 10 &+ Int64(d)
                i &+= 1
            }
            let intDigits = i &- intStart
            var fracDigits = 0
            if i < n && b[i] == UInt8(ascii: ".") {
                i &+= 1
                let fracStart = i
                while i < n {
                    let d = b[i] &- 48
                    if d > 9 { break }
                    v = v &* 10 &+ Int64(d)
                    i &+= 1
                }
                fracDigits = i &- fracStart
            }
            if i == n && intDigits + fracDigits > 0 && intDigits + fracDigits <= 18 && intDigits <= precision - scale
                && fracDigits <= scale {
                var value = Int128(v)
                if fracDigits < scale { value *= DecimalFormat.powersOfTen[scale - fracDigits] }
                return .value(negative ? -value : value)
            }
        }
        return decimalSlow(b, precision: precision, scale: scale)
    }

    @inline(never)
    static func decimalSlow(_ b: FieldBytes, precision: Int, scale: Int) -> Outcome<Int128> {
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
    @inline(__always)
    static func timestamp(_ b: FieldBytes) -> Outcome<Int64> {
        var cache = DayCache()
        return timestamp(b, cache: &cache)
    }

    /// The last date part parsed by `timestamp(_:cache:)`: timestamps of one file mostly share it.
    struct DayCache {
        var key: (UInt64, UInt16) = (0, 0)
        var micros: Int64 = 0
        var valid = false
    }

    /// `timestamp(_:)`, with a fast path for `YYYY-MM-DD HH:MM:SS` that reuses the day of the
    /// previous value when the date part is the same.
    @inline(__always)
    static func timestamp(_ b: FieldBytes, cache: inout DayCache) -> Outcome<Int64> {
        if b.count == 19, let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            let key = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
            if !(cache.valid && cache.key == key) {
                if let d = CivilDate.parseDate(UnsafeBufferPointer(start: base, count: 10)) {
                    cache = DayCache(key: key, micros: Int64(d) &* 86_400_000_000, valid: true)
                } else {
                    return timestampSlow(b)
                }
            }
            let h1 = b[11] &- 48, h2 = b[12] &- 48, m1 = b[14] &- 48, m2 = b[15] &- 48, s1 = b[17] &- 48, s2 = b[18] &- 48
            if (b[10] == 32 || b[10] == 84) && b[13] == 58 && b[16] == 58
                && h1 <= 9 && h2 <= 9 && m1 <= 9 && m2 <= 9 && s1 <= 9 && s2 <= 9 {
                let hh = Int64(h1) &* 10 &+ Int64(h2), mi = Int64(m1) &* 10 &+ Int64(m2)
                let ss = Int64(s1) &* 10 &+ Int64(s2)
                if hh < 24 && mi < 60 && ss < 60 {
                    return .value(cache.micros &+ (hh &* 3600 &+ mi &* 60 &+ ss) &* 1_000_000)
                }
            }
        }
        return timestampSlow(b)
    }

    @inline(never)
    static func timestampSlow(_ b: FieldBytes) -> Outcome<Int64> {
        guard let t = CivilDate.parseTimestamp(b) else {
            return .invalid("\(quoted(b)) is not a valid timestamp (expected YYYY-MM-DD HH:MM:SS)")
        }
        return .value(t)
    }

    /// Whether `b` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
    /// ASCII runs are crossed a word at a time.
    @inline(__always)
    static func isValidUTF8(_ b: FieldBytes) -> Bool {
        guard let p = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        while i &+ 8 <= n {
            if UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return isValidUTF8Slow(b, from: i)
            }
            i &+= 8
        }
        while i < n {
            if p[i] >= 0x80 { return isValidUTF8Slow(b, from: i) }
            i &+= 1
        }
        return true
    }

    @inline(never)
    static func isValidUTF8Slow(_ b: FieldBytes, from start: Int) -> Bool {
        guard let p = b.baseAddress else { return true }
        var i = start
        let n = b.count
        while i < n {
            let c = p[i]
            if c < 0x80 {
                i &+= 1
                // The ASCII run up to the next multi-byte character, a word at a time.
                while i &+ 8 <= n && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i &+= 8
                }
                continue
            }
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
            guard i &+ len <= n, p[i &+ 1] >= lo, p[i &+ 1] <= hi else { return false }
            var k = 2
            while k < len {
                guard p[i &+ k] & 0xC0 == 0x80 else { return false }
                k &+= 1
            }
            i &+= len
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
