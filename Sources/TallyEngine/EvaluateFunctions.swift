import TallyCompiler

// Scalar functions: dispatch, numeric functions (abs, round) and date functions.
// String functions are in EvaluateStringFunctions.swift.

extension ExpressionEvaluator {
    func callFunction(_ f: ScalarFunction, _ args: [BoundExpr], type: DataType, on batch: Batch) throws -> Column {
        switch f {
        case .coalesce:
            if args.count == 2, case .literal(let v, _) = args[1], !v.isNull {
                let x = try evaluate(args[0], on: batch)
                if let r = try coalesceWithLiteral(x, v, type: type) { return r }
            }
            return try coalesce(args, type: type, on: batch)
        case .round:
            guard args.count == 1 || args.count == 2 else { throw arity(f, args.count) }
            let digits = try args.count == 2 ? roundingDigits(args[1]) : 0
            let x = try evaluate(args[0], on: batch)
            if x.type == .null { return Column.constant(.null, type: type, count: batch.count) }
            return try round(x, digits: digits, type: type)
        case .concat:
            return try concat(args.map { try cast(evaluate($0, on: batch), to: .string) })
        default:
            break
        }
        let columns = try args.map { try evaluate($0, on: batch) }
        if columns.contains(where: { $0.type == .null }) { return Column.constant(.null, type: type, count: batch.count) }
        let expected = f == .dateAdd || f == .dateDiff ? 2 : 1
        guard columns.count == expected else { throw arity(f, columns.count) }
        let x = columns[0]
        switch f {
        case .abs: return try abs(x, type: type)
        case .lower: return mapStrings(x) { lowercase($0) }
        case .upper: return mapStrings(x) { uppercase($0) }
        case .trim: return mapStrings(x) { trimWhitespace($0) }
        case .length: return length(x)
        case .toDate: return try toDate(x)
        case .dateAdd: return try dateAdd(x, try cast(columns[1], to: .int))
        case .dateDiff: return try dateDiff(x, columns[1])
        case .coalesce, .round, .concat: preconditionFailure("handled above")
        }
    }

    private func arity(_ f: ScalarFunction, _ n: Int) -> EngineError {
        EngineError.planMismatch("`\(f.rawValue)` called with \(n) arguments")
    }

    /// The digits argument of `round`, which must be a constant integer.
    private func roundingDigits(_ e: BoundExpr) throws -> Int {
        switch e {
        case .literal(.int(let d), _): return Int(d)
        case .cast(let inner, _): return try roundingDigits(inner)
        default: throw EngineError(.invalidArgument, "`round` digits must be an integer constant")
        }
    }

    func abs(_ x: Column, type: DataType) throws -> Column {
        let values: ColumnValues
        switch x.values {
        case .int(let a):
            values = .int(try mapValid(a, x.validity, zero: 0) { v in
                guard v != .min else { throw EngineError.integerOverflow("`abs`: abs(\(v))") }
                return Swift.abs(v)
            })
        case .decimal(let a): values = .decimal(a.map { $0 < 0 ? -$0 : $0 })
        case .double(let a): values = .double(a.map { Swift.abs($0) })
        default: throw EngineError(.unsupported, "`abs` is not defined on \(x.type)")
        }
        return Column(type: x.type, values: values, validity: x.validity)
    }

    /// `round(x, digits)`, half away from zero; negative digits round left of the point.
    func round(_ x: Column, digits: Int, type: DataType) throws -> Column {
        switch x.values {
        case .decimal(let a):
            guard case .decimal(let p, let resultScale) = type else {
                throw EngineError.planMismatch("`round` of a decimal must give a decimal, not \(type)")
            }
            let s = x.type.scale
            let kept = Swift.min(digits, s)
            return Column(type: type, values: .decimal(try mapValid(a, x.validity, zero: 0) { v in
                let rounded = DecimalMath.rescale(v, from: s, to: kept)
                guard let r = rounded.flatMap({ DecimalMath.rescale($0, from: kept, to: resultScale) }),
                      DecimalMath.fits(r, precision: p) else {
                    throw EngineError.decimalOverflow("`round`: round(\(DecimalFormat.format(v, scale: s)), \(digits))", type: type)
                }
                return r
            }), validity: x.validity)
        case .double(let a):
            let factor = (0..<Swift.abs(digits)).reduce(1.0) { r, _ in r * 10 }
            let values: [Double] = a.map { v in
                if digits == 0 { return v.rounded(.toNearestOrAwayFromZero) }
                if digits > 0 { return (v * factor).rounded(.toNearestOrAwayFromZero) / factor }
                return (v / factor).rounded(.toNearestOrAwayFromZero) * factor
            }
            return Column(type: .double, values: .double(values), validity: x.validity)
        case .int(let a):
            if digits >= 0 { return x }
            return Column(type: .int, values: .int(try mapValid(a, x.validity, zero: 0) { v in
                let r = DecimalMath.rescale(Int128(v), from: 0, to: digits).flatMap { DecimalMath.rescale($0, from: digits, to: 0) }
                guard let r, let i = Int64(exactly: r) else { throw EngineError.integerOverflow("`round`: round(\(v), \(digits))") }
                return i
            }), validity: x.validity)
        default:
            throw EngineError(.unsupported, "`round` is not defined on \(x.type)")
        }
    }

    /// `date(timestamp)` (the day containing it) or `date(string)` (parsed).
    func toDate(_ x: Column) throws -> Column {
        switch x.values {
        case .date: return x
        case .timestamp, .string: return try cast(x, to: .date)
        default: throw EngineError(.unsupported, "`date` is not defined on \(x.type)")
        }
    }

    /// `date_add(date, days)`.
    func dateAdd(_ date: Column, _ days: Column) throws -> Column {
        let validity = Bitmap.intersect(date.validity, days.validity)
        let values = try mapValid(date.values.dates, days.values.ints, validity, zero: Int32(0)) { d, n in
            let (sum, overflow) = Int64(d).addingReportingOverflow(n)
            guard !overflow, let r = Int32(exactly: sum) else {
                throw EngineError(.invalidArgument, "date out of range in `date_add`: \(CivilDate.format(days: d)) + \(n) days")
            }
            return r
        }
        return Column(type: .date, values: .date(values), validity: validity)
    }

    /// `date_diff(end, start)`: whole days from `start` to `end`.
    func dateDiff(_ end: Column, _ start: Column) throws -> Column {
        let e = try cast(end, to: .date), s = try cast(start, to: .date)
        let validity = Bitmap.intersect(e.validity, s.validity)
        let values = mapValid(e.values.dates, s.values.dates, validity, zero: Int64(0)) { Int64($0) - Int64($1) }
        return Column(type: .int, values: .int(values), validity: validity)
    }
}
