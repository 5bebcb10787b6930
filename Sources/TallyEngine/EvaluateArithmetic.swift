import TallyCompiler

// Arithmetic on int (checked, never wraps) and double (IEEE); decimals in EvaluateDecimal.swift.

extension ExpressionEvaluator {
    func arithmetic(_ op: ArithmeticOp, _ a: Column, _ b: Column, type: DataType) throws -> Column {
        if a.type == .null || b.type == .null { return Column.constant(.null, type: type, count: a.count) }
        let validity = Bitmap.intersect(a.validity, b.validity)
        switch type {
        case .int:
            let values = try intArithmetic(op, a.values.ints, b.values.ints, validity)
            return Column(type: type, values: .int(values), validity: validity)
        case .double:
            let x = try cast(a, to: .double).values.doubles, y = try cast(b, to: .double).values.doubles
            return Column(type: type, values: .double(doubleArithmetic(op, x, y)), validity: validity)
        case .decimal:
            return try decimalArithmetic(op, a, b, type: type, validity: validity)
        case .null:
            return Column.constant(.null, type: type, count: a.count)
        default:
            throw EngineError(.unsupported, "arithmetic `\(op.rawValue)` is not defined on \(type)")
        }
    }

    /// Checked 64-bit integer arithmetic; `/` and `%` truncate toward zero.
    func intArithmetic(_ op: ArithmeticOp, _ a: [Int64], _ b: [Int64], _ validity: Bitmap?) throws -> [Int64] {
        let symbol = op.rawValue
        switch op {
        case .add:
            return try mapValid(a, b, validity, zero: 0) { x, y in
                let (r, overflow) = x.addingReportingOverflow(y)
                if overflow { throw EngineError.integerOverflow(symbol, x, y) }
                return r
            }
        case .subtract:
            return try mapValid(a, b, validity, zero: 0) { x, y in
                let (r, overflow) = x.subtractingReportingOverflow(y)
                if overflow { throw EngineError.integerOverflow(symbol, x, y) }
                return r
            }
        case .multiply:
            return try mapValid(a, b, validity, zero: 0) { x, y in
                let (r, overflow) = x.multipliedReportingOverflow(by: y)
                if overflow { throw EngineError.integerOverflow(symbol, x, y) }
                return r
            }
        case .divide:
            return try mapValid(a, b, validity, zero: 0) { x, y in
                if y == 0 { throw EngineError.divisionByZero(symbol, String(x)) }
                let (r, overflow) = x.dividedReportingOverflow(by: y)
                if overflow { throw EngineError.integerOverflow(symbol, x, y) }
                return r
            }
        case .modulo:
            return try mapValid(a, b, validity, zero: 0) { x, y in
                if y == 0 { throw EngineError.divisionByZero(symbol, String(x)) }
                // Int64.min % -1 reports overflow; its true remainder, 0, is the partial value.
                return x.remainderReportingOverflow(dividingBy: y).partialValue
            }
        }
    }

    /// IEEE 754 arithmetic: division by zero gives an infinity or NaN; `%` truncates.
    func doubleArithmetic(_ op: ArithmeticOp, _ a: [Double], _ b: [Double]) -> [Double] {
        let n = a.count
        switch op {
        case .add: return (0..<n).map { a[$0] + b[$0] }
        case .subtract: return (0..<n).map { a[$0] - b[$0] }
        case .multiply: return (0..<n).map { a[$0] * b[$0] }
        case .divide: return (0..<n).map { a[$0] / b[$0] }
        case .modulo: return (0..<n).map { a[$0].truncatingRemainder(dividingBy: b[$0]) }
        }
    }
}
