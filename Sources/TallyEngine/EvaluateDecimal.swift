import TallyCompiler

// Exact decimal arithmetic on unscaled Int128 values.
//
// `+ - %`: both operands have the result's scale. `*`: operands keep their own scales s1, s2;
// the exact product has scale s1+s2 and is rounded half away from zero to the result scale.
// `/`: a * 10^(rs - s1 + s2) / b rounded half away from zero. A result with more digits than
// the result precision is an error.

extension ExpressionEvaluator {
    func decimalArithmetic(_ op: ArithmeticOp, _ a: Column, _ b: Column, type: DataType,
                           validity: Bitmap?) throws -> Column {
        guard case .decimal(let precision, let scale) = type else { preconditionFailure("decimal result expected") }
        let x = try asDecimal(a, keepingScaleFor: op, resultScale: scale)
        let y = try asDecimal(b, keepingScaleFor: op, resultScale: scale)
        let s1 = x.type.scale, s2 = y.type.scale
        let symbol = op.rawValue
        func overflow(_ l: Int128, _ r: Int128) -> EngineError {
            .decimalOverflow("`\(symbol)`: \(DecimalFormat.format(l, scale: s1)) \(symbol) \(DecimalFormat.format(r, scale: s2))",
                             type: type)
        }
        func checked(_ r: Int128?, _ l: Int128, _ rr: Int128) throws -> Int128 {
            guard let r, DecimalMath.fits(r, precision: precision) else { throw overflow(l, rr) }
            return r
        }
        let av = x.values.decimals, bv = y.values.decimals
        let values: [Int128]
        switch op {
        case .add:
            values = try mapValid(av, bv, validity, zero: 0) { l, r in
                let (sum, o) = l.addingReportingOverflow(r)
                return try checked(o ? nil : sum, l, r)
            }
        case .subtract:
            values = try mapValid(av, bv, validity, zero: 0) { l, r in
                let (diff, o) = l.subtractingReportingOverflow(r)
                return try checked(o ? nil : diff, l, r)
            }
        case .multiply:
            let dropped = s1 + s2 - scale
            values = try mapValid(av, bv, validity, zero: 0) { l, r in
                if dropped >= 0 { return try checked(DecimalMath.multiply(l, r, droppingDigits: dropped), l, r) }
                let exact = DecimalMath.multiply(l, r, droppingDigits: 0)
                return try checked(exact.flatMap { DecimalMath.rescale($0, from: s1 + s2, to: scale) }, l, r)
            }
        case .divide:
            let shift = scale - s1 + s2
            values = try mapValid(av, bv, validity, zero: 0) { l, r in
                if r == 0 { throw EngineError.divisionByZero(symbol, DecimalFormat.format(l, scale: s1)) }
                return try checked(DecimalMath.divide(l, r, scalingBy: shift), l, r)
            }
        case .modulo:
            values = try mapValid(av, bv, validity, zero: 0) { l, r in
                if r == 0 { throw EngineError.divisionByZero(symbol, DecimalFormat.format(l, scale: s1)) }
                return l % r
            }
        }
        return Column(type: type, values: .decimal(values), validity: validity)
    }

    /// A decimal operand: int operands become decimal(19,0); for `+ - %` the operand is brought
    /// to the result scale if the type checker left it elsewhere.
    private func asDecimal(_ c: Column, keepingScaleFor op: ArithmeticOp, resultScale: Int) throws -> Column {
        var column = c
        if case .int = c.type { column = try cast(c, to: .decimal(precision: 19, scale: 0)) }
        if case .null = c.type { column = Column.constant(.null, type: .decimal(precision: 38, scale: resultScale), count: c.count) }
        let keepsOwnScale = op == .multiply || op == .divide
        if !keepsOwnScale && column.type.scale != resultScale {
            column = try cast(column, to: .decimal(precision: DataType.maxPrecision, scale: resultScale))
        }
        return column
    }
}
