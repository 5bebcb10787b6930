/// Exact decimal text conversion for unscaled `Int128` values.
public enum DecimalFormat {
    /// Powers of ten that fit in `Int128` (10^0 ... 10^38).
    public static let powersOfTen: [Int128] = {
        var p: [Int128] = [1]
        for _ in 1...38 { p.append(p.last! * 10) }
        return p
    }()

    /// `format(1234, scale: 2)` is `"12.34"`; `format(-5, scale: 2)` is `"-0.05"`.
    public static func format(_ value: Int128, scale: Int) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        var digits = String(magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Parses decimal text (`-12.5`, `+3`, `.25`) into an unscaled value at `scale`.
    /// Extra fraction digits are rounded half away from zero; nil when malformed or above `precision` digits.
    public static func parse<C: Collection<UInt8>>(_ bytes: C, precision: Int, scale: Int) -> Int128? where C.Index == Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == 45 || bytes[i] == 43 { negative = bytes[i] == 45; i += 1 }
        var value: Int128 = 0
        var intDigits = 0
        var fracDigits = 0
        var sawDigit = false
        var roundUp = false
        while i < end, bytes[i] >= 48, bytes[i] <= 57 {
            if value != 0 || bytes[i] != 48 { intDigits += 1 }
            guard intDigits <= 38 else { return nil }
            value = value * 10 + Int128(bytes[i] - 48)
            sawDigit = true
            i += 1
        }
        if i < end, bytes[i] == 46 {
            i += 1
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                if fracDigits < scale {
                    value = value * 10 + Int128(bytes[i] - 48)
                } else if fracDigits == scale {
                    roundUp = bytes[i] >= 53
                }
                fracDigits += 1
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit, i == end, intDigits <= precision - scale else { return nil }
        if fracDigits < scale { value *= powersOfTen[scale - fracDigits] }
        if roundUp { value += 1 }
        guard value < powersOfTen[precision] else { return nil }
        return negative ? -value : value
    }

    /// Parses decimal text.
    public static func parse(_ text: String, precision: Int = 38, scale: Int) -> Int128? {
        parse(Array(text.utf8), precision: precision, scale: scale)
    }
}
