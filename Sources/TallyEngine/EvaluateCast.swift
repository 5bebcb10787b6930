import TallyCompiler

// Conversions between types. Rounding is half away from zero; values that do not fit the target
// and strings that do not parse are errors naming the value.

extension ExpressionEvaluator {
    func cast(_ x: Column, to target: DataType) throws -> Column {
        if x.type == target { return x }
        let validity = x.validity
        func make(_ values: ColumnValues) -> Column { Column(type: target, values: values, validity: validity) }

        switch (x.values, target) {
        case (_, _) where x.type == .null:
            return Column.constant(.null, type: target, count: x.count)

        // From int.
        case (.int(let a), .decimal(let p, let s)):
            return make(.decimal(try mapValid(a, validity, zero: 0) { v in
                guard let r = DecimalMath.rescale(Int128(v), from: 0, to: s), DecimalMath.fits(r, precision: p) else {
                    throw EngineError.decimalOverflow("cast of \(v)", type: target)
                }
                return r
            }))
        case (.int(let a), .double): return make(.double(a.map { Double($0) }))
        case (.int(let a), .string): return make(.string(strings(a, validity) { String($0) }))

        // From decimal.
        case (.decimal(let a), .decimal(let p, let s)):
            let from = x.type.scale
            return make(.decimal(try mapValid(a, validity, zero: 0) { v in
                guard let r = DecimalMath.rescale(v, from: from, to: s), DecimalMath.fits(r, precision: p) else {
                    throw EngineError.decimalOverflow("cast of \(DecimalFormat.format(v, scale: from))", type: target)
                }
                return r
            }))
        case (.decimal(let a), .int):
            let from = x.type.scale
            return make(.int(try mapValid(a, validity, zero: 0) { v in
                let r = DecimalMath.divideByPowerOfTen(v, from)
                guard let i = Int64(exactly: r) else {
                    throw EngineError.integerOverflow("cast of \(DecimalFormat.format(v, scale: from)) to int")
                }
                return i
            }))
        case (.decimal(let a), .double):
            let from = x.type.scale
            return make(.double(mapValid(a, validity, zero: 0) { DecimalMath.toDouble($0, scale: from) }))
        case (.decimal(let a), .string):
            let from = x.type.scale
            return make(.string(strings(a, validity) { DecimalFormat.format($0, scale: from) }))

        // From double.
        case (.double(let a), .int):
            return make(.int(try mapValid(a, validity, zero: 0) { v in
                let r = v.rounded(.toNearestOrAwayFromZero)
                guard r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else {
                    throw EngineError.integerOverflow("cast of \(v) to int")
                }
                return Int64(r)
            }))
        case (.double(let a), .decimal(let p, let s)):
            return make(.decimal(try mapValid(a, validity, zero: 0) { v in
                guard let r = DecimalMath.fromDouble(v, scale: s), DecimalMath.fits(r, precision: p) else {
                    if !v.isFinite { throw EngineError.invalidCast(String(v), to: target) }
                    throw EngineError.decimalOverflow("cast of \(v)", type: target)
                }
                return r
            }))
        case (.double(let a), .string): return make(.string(strings(a, validity) { String($0) }))

        // From string.
        case (.string(let s), .int):
            return make(.int(try parse(s, validity, to: target, zero: 0) { TextParsing.int($0) }))
        case (.string(let s), .decimal(let p, let sc)):
            return make(.decimal(try parse(s, validity, to: target, zero: 0) {
                TextParsing.decimal($0, precision: p, scale: sc)
            }))
        case (.string(let s), .double):
            return make(.double(try parse(s, validity, to: target, zero: 0) { TextParsing.double($0) }))
        case (.string(let s), .bool):
            return make(.bool(try parse(s, validity, to: target, zero: false) { TextParsing.bool($0) }))
        case (.string(let s), .date):
            return make(.date(try parse(s, validity, to: target, zero: 0) { TextParsing.date($0) }))
        case (.string(let s), .timestamp):
            return make(.timestamp(try parse(s, validity, to: target, zero: 0) { TextParsing.timestamp($0) }))

        // Dates, timestamps and bools.
        case (.date(let a), .timestamp): return make(.timestamp(a.map(TimeMath.micros(ofDay:))))
        case (.timestamp(let a), .date): return make(.date(a.map(TimeMath.day(ofMicros:))))
        case (.date(let a), .string): return make(.string(strings(a, validity) { CivilDate.format(days: $0) }))
        case (.timestamp(let a), .string): return make(.string(strings(a, validity) { CivilDate.format(micros: $0) }))
        case (.bool(let a), .string): return make(.string(strings(a, validity) { $0 ? "true" : "false" }))

        // Same storage, different declared type (decimal precision only changes the check).
        case (.string, .string), (.bool, .bool), (.int, .int), (.double, .double), (.date, .date), (.timestamp, .timestamp):
            return make(x.values)
        default:
            throw EngineError.unsupportedCast(from: x.type, to: target)
        }
    }

    /// Formats each valid value; null rows get an empty string.
    private func strings<T>(_ a: [T], _ validity: Bitmap?, _ format: (T) -> String) -> StringArray {
        var out = StringArray()
        out.offsets.reserveCapacity(a.count + 1)
        for i in a.indices {
            if validity.map({ $0[i] }) ?? true { out.append(format(a[i])) } else { out.offsets.append(Int32(out.bytes.count)) }
        }
        return out
    }

    /// Parses each valid string; a string that does not parse is an error naming it.
    private func parse<T>(_ s: StringArray, _ validity: Bitmap?, to target: DataType, zero: T,
                          _ parser: (ArraySlice<UInt8>) -> T?) throws -> [T] {
        var out = [T](repeating: zero, count: s.count)
        for i in 0..<s.count where validity.map({ $0[i] }) ?? true {
            guard let v = parser(s[i]) else { throw EngineError.invalidCast(s.string(at: i), to: target) }
            out[i] = v
        }
        return out
    }
}
