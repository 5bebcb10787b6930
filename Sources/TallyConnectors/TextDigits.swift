import TallyCompiler

/// Appends numbers, dates and timestamps as UTF-8 digits without building intermediate strings.
/// The output is byte-for-byte what `String(_:)`, `DecimalFormat.format` and `CivilDate.format` give
/// (for years 0 through 9999 in dates).
enum TextDigits {
    /// Decimal digits of `v`, with a leading `-` when negative.
    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendMagnitude(UInt64(v.magnitude), minDigits: 1, to: &out)
    }

    /// `v` zero-padded to at least `minDigits` digits.
    static func appendMagnitude(_ v: UInt64, minDigits: Int, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var n = v
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = UInt8(48 + n % 10)
                n /= 10
            } while n > 0
            for _ in 0..<max(0, minDigits - (raw.count - i)) { out.append(48) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    /// Unscaled `v` at `scale` as `DecimalFormat.format` writes it (`-0.05`, `12.30`).
    static func appendDecimal(_ v: Int128, scale: Int, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = v.magnitude
        let divisor = UInt128(DecimalFormat.powersOfTen[scale])
        let (whole, fraction) = magnitude.quotientAndRemainder(dividingBy: divisor)
        appendUInt128(whole, minDigits: 1, to: &out)
        if scale > 0 {
            out.append(UInt8(ascii: "."))
            appendUInt128(fraction, minDigits: scale, to: &out)
        }
    }

    private static func appendUInt128(_ v: UInt128, minDigits: Int, to out: inout [UInt8]) {
        if v <= UInt128(UInt64.max) {
            appendMagnitude(UInt64(v), minDigits: minDigits, to: &out)
            return
        }
        // Split into a high part and the low 19 digits.
        let (high, low) = v.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
        appendUInt128(high, minDigits: max(1, minDigits - 19), to: &out)
        appendMagnitude(UInt64(low), minDigits: 19, to: &out)
    }

    /// `YYYY-MM-DD`.
    static func appendDate(_ days: Int32, to out: inout [UInt8]) {
        let (y, m, d) = CivilDate.civil(days)
        if y < 0 { out.append(UInt8(ascii: "-")) }
        appendMagnitude(UInt64(y.magnitude), minDigits: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendMagnitude(UInt64(m), minDigits: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendMagnitude(UInt64(d), minDigits: 2, to: &out)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    static func appendTimestamp(_ micros: Int64, to out: inout [UInt8]) {
        let perDay: Int64 = 86_400_000_000
        var (day, rem) = micros.quotientAndRemainder(dividingBy: perDay)
        if rem < 0 {
            day -= 1
            rem += perDay
        }
        appendDate(Int32(day), to: &out)
        let secs = UInt64(rem / 1_000_000)
        let frac = UInt64(rem % 1_000_000)
        out.append(UInt8(ascii: " "))
        appendMagnitude(secs / 3600, minDigits: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendMagnitude(secs / 60 % 60, minDigits: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendMagnitude(secs % 60, minDigits: 2, to: &out)
        if frac != 0 {
            out.append(UInt8(ascii: "."))
            appendMagnitude(frac, minDigits: 6, to: &out)
        }
    }
}
