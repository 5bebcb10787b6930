import TallyCompiler

/// Exact arithmetic on unscaled `Int128` decimals: rescaling and rounding half away from zero,
/// with products and quotients carried in 256 bits so intermediate results never wrap.
/// Functions return nil when the result does not fit `Int128`; callers check the precision.
enum DecimalMath {
    static let powersOfTen = DecimalFormat.powersOfTen

    /// Whether `value` has at most `precision` digits.
    @inline(__always)
    static func fits(_ value: Int128, precision: Int) -> Bool {
        precision >= 38 ? value.magnitude < UInt128(powersOfTen[38]) : value.magnitude < UInt128(powersOfTen[precision])
    }

    /// `value / 10^k` rounded half away from zero (`k >= 0`).
    static func divideByPowerOfTen(_ value: Int128, _ k: Int) -> Int128 {
        if k == 0 { return value }
        // |value| < 1.8 * 10^38, so dividing by 10^39 or more always rounds to zero.
        if k > 38 { return 0 }
        let p = powersOfTen[k]
        let (q, r) = value.quotientAndRemainder(dividingBy: p)
        if r.magnitude >= p.magnitude - r.magnitude { return value < 0 ? q - 1 : q + 1 }
        return q
    }

    /// `value` at scale `from` re-expressed at scale `to` (either may be negative), rounding half
    /// away from zero when digits are dropped; nil on overflow.
    static func rescale(_ value: Int128, from: Int, to: Int) -> Int128? {
        if to >= from {
            if value == 0 { return 0 }
            guard to - from <= 38 else { return nil }
            let (r, overflow) = value.multipliedReportingOverflow(by: powersOfTen[to - from])
            return overflow ? nil : r
        }
        return divideByPowerOfTen(value, from - to)
    }

    /// Rescales a constant to a column's scale (rounding half away if digits are dropped);
    /// traps if it cannot fit, which a type-checked plan never asks for.
    static func rescaleExactly(_ value: Int128, from: Int, to: Int) -> Int128 {
        guard let r = rescale(value, from: from, to: to) else {
            preconditionFailure("decimal constant does not fit its column type")
        }
        return r
    }

    /// `a * b / 10^k` rounded half away from zero (`k >= 0`); nil when the result exceeds `Int128`.
    static func multiply(_ a: Int128, _ b: Int128, droppingDigits k: Int) -> Int128? {
        let product = Wide(a.magnitude.multipliedFullWidth(by: b.magnitude))
        var q = product
        var remainder: UInt128 = 0
        var divisor: UInt128 = 1
        var digits = k
        // Truncate by 10^38 while more than 38 digits remain; the final rounding step is exact
        // because 10^n is even (see `roundedQuotient`).
        while digits > 38 {
            q = q.divided(by: UInt128(powersOfTen[38])).quotient
            digits -= 38
        }
        if digits > 0 {
            divisor = UInt128(powersOfTen[digits])
            (q, remainder) = q.divided(by: divisor)
        }
        return signed(q, remainder: remainder, divisor: divisor, negative: (a < 0) != (b < 0))
    }

    /// `a * 10^e / b` rounded half away from zero (`e` may be negative, `b != 0`);
    /// nil when the result exceeds `Int128`.
    static func divide(_ a: Int128, _ b: Int128, scalingBy e: Int) -> Int128? {
        precondition(b != 0, "decimal division by zero must be checked by the caller")
        var numerator = Wide(high: 0, low: a.magnitude)
        var denominator = b.magnitude
        if e >= 0 {
            var remaining = e
            while remaining > 0 {
                let step = Swift.min(remaining, 38)
                guard let n = numerator.multiplied(by: UInt128(powersOfTen[step])) else { return nil }
                numerator = n
                remaining -= step
            }
        } else {
            // The denominator grows; if it leaves 128 bits the quotient rounds to zero.
            guard -e <= 38 else { return 0 }
            let d = b.magnitude.multipliedFullWidth(by: UInt128(powersOfTen[-e]))
            guard d.high == 0 else { return 0 }
            denominator = d.low
        }
        let (q, r) = numerator.divided(by: denominator)
        return signed(q, remainder: r, divisor: denominator, negative: (a < 0) != (b < 0))
    }

    /// Applies rounding half away from zero to a quotient and gives it its sign.
    private static func signed(_ q: Wide, remainder: UInt128, divisor: UInt128, negative: Bool) -> Int128? {
        guard q.high == 0 else { return nil }
        var magnitude = q.low
        if remainder != 0 && remainder >= divisor - remainder {
            guard magnitude < UInt128.max else { return nil }
            magnitude += 1
        }
        guard magnitude <= UInt128(Int128.max) else { return nil }
        return negative ? -Int128(magnitude) : Int128(magnitude)
    }

    /// The unscaled value of a double at `scale`, from its shortest round-trip decimal text, so
    /// that `0.1` becomes exactly 0.10 at scale 2; nil for NaN, infinities and overflow.
    static func fromDouble(_ x: Double, scale: Int) -> Int128? {
        guard x.isFinite else { return nil }
        var mantissa: Int128 = 0
        var fractionDigits = 0
        var exponent = 0
        var seenPoint = false
        let text = x.description.utf8
        var i = text.startIndex
        let negative = text.first == UInt8(ascii: "-")
        if negative { i = text.index(after: i) }
        while i < text.endIndex {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: text[text.index(after: i)...], as: UTF8.self)) else { return nil }
                exponent = e
                break
            } else {
                mantissa = mantissa * 10 + Int128(c - 48)
                if seenPoint { fractionDigits += 1 }
            }
            i = text.index(after: i)
        }
        guard let v = rescale(mantissa, from: fractionDigits - exponent, to: scale) else { return nil }
        return negative ? -v : v
    }

    /// The nearest double to an unscaled decimal.
    static func toDouble(_ value: Int128, scale: Int) -> Double {
        // Both operands exact as doubles: one correctly rounded division.
        if value.magnitude < (1 << 53) && scale <= 22 {
            return Double(value) / exactPowersOfTen[scale]
        }
        return Double(DecimalFormat.format(value, scale: scale)) ?? .nan
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { Double(powersOfTen[$0]) }
}

/// An unsigned 256-bit integer, just enough for decimal products and scaled dividends.
struct Wide {
    var high: UInt128
    var low: UInt128

    init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    init(_ parts: (high: UInt128, low: UInt128)) {
        high = parts.high
        low = parts.low
    }

    /// Long division by a 128-bit divisor.
    func divided(by d: UInt128) -> (quotient: Wide, remainder: UInt128) {
        let (qHigh, r) = high.quotientAndRemainder(dividingBy: d)
        let (qLow, remainder) = d.dividingFullWidth((high: r, low: low))
        return (Wide(high: qHigh, low: qLow), remainder)
    }

    /// The product with a 128-bit factor; nil when it exceeds 256 bits.
    func multiplied(by m: UInt128) -> Wide? {
        let lowProduct = low.multipliedFullWidth(by: m)
        let highProduct = high.multipliedFullWidth(by: m)
        guard highProduct.high == 0 else { return nil }
        let (h, overflow) = lowProduct.high.addingReportingOverflow(highProduct.low)
        return overflow ? nil : Wide(high: h, low: lowProduct.low)
    }
}
