import TallyCompiler

// Fast paths for the most common shapes of expressions, which would otherwise materialize a
// constant column per batch: `column op literal` comparisons and int arithmetic, and
// `coalesce(x, literal)`. Each returns nil when its shape or types do not fit exactly, and the
// general path runs instead; results are identical to the general path.

extension ExpressionEvaluator {
    /// `x op literal` where the literal is a non-null value of `x`'s exact storage type.
    func compareWithLiteral(_ op: ComparisonOp, _ x: Column, _ literal: Value, _ literalType: DataType) -> Column? {
        guard x.type == literalType || (x.type.isDecimal && literalType.isDecimal && x.type.scale == literalType.scale) else {
            return nil
        }
        let bits: [Bool]
        switch (x.values, literal) {
        case (.int(let a), .int(let v)): bits = compareToScalar(a, v, op)
        case (.timestamp(let a), .timestamp(let v)): bits = compareToScalar(a, v, op)
        case (.date(let a), .date(let v)): bits = compareToScalar(a, v, op)
        case (.double(let a), .double(let v)): bits = compareToScalar(a, v, op)
        case (.decimal(let a), .decimal(let v, let s)) where s == x.type.scale: bits = compareToScalar(a, v, op)
        case (.string(let a), .string(let v)) where op == .equal || op == .notEqual:
            let target = Array(v.utf8)
            bits = target.withUnsafeBufferPointer { t in
                a.offsets.withUnsafeBufferPointer { off in
                    a.bytes.withUnsafeBufferPointer { bytes in
                        (0..<a.count).map { i in
                            let s = Int(off[i]), n = Int(off[i + 1]) - s
                            let eq = n == t.count && equalBytes(UnsafePointer(bytes.baseAddress.map { $0 + s }), t.baseAddress, n)
                            return eq == (op == .equal)
                        }
                    }
                }
            }
        default: return nil
        }
        return Column(type: .bool, values: .bool(bits), validity: x.validity)
    }

    /// `x op literal` for int `+`, `-`, `*` (checked) with a non-null int literal.
    func intArithmeticWithLiteral(_ op: ArithmeticOp, _ x: Column, _ v: Int64) throws -> Column? {
        guard case .int(let a) = x.values, op == .add || op == .subtract || op == .multiply else { return nil }
        let symbol = op.rawValue
        let values: [Int64] = try mapValid(a, x.validity, zero: 0) { e in
            let (r, overflow) = op == .add ? e.addingReportingOverflow(v)
                : op == .subtract ? e.subtractingReportingOverflow(v) : e.multipliedReportingOverflow(by: v)
            if overflow { throw EngineError.integerOverflow(symbol, e, v) }
            return r
        }
        return Column(type: .int, values: .int(values), validity: x.validity)
    }

    /// `coalesce(x, literal)` where `x` already has the result type and the literal is not null:
    /// null rows of `x` take the literal's value.
    func coalesceWithLiteral(_ x: Column, _ literal: Value, type: DataType) throws -> Column? {
        guard x.type == type else { return nil }
        guard let validity = x.validity else { return x }
        let fill = try self.literal(literal, type: type, count: 1)
        guard fill.validity == nil else { return nil }
        let values: ColumnValues
        switch (x.values, fill.values) {
        case (.int(var a), .int(let f)):
            for i in a.indices where !validity[i] { a[i] = f[0] }
            values = .int(a)
        case (.decimal(var a), .decimal(let f)):
            for i in a.indices where !validity[i] { a[i] = f[0] }
            values = .decimal(a)
        case (.double(var a), .double(let f)):
            for i in a.indices where !validity[i] { a[i] = f[0] }
            values = .double(a)
        case (.date(var a), .date(let f)):
            for i in a.indices where !validity[i] { a[i] = f[0] }
            values = .date(a)
        case (.timestamp(var a), .timestamp(let f)):
            for i in a.indices where !validity[i] { a[i] = f[0] }
            values = .timestamp(a)
        default:
            return nil
        }
        return Column(type: type, values: values)
    }
}

/// `a[i] op v` for every row.
func compareToScalar<T: Comparable>(_ a: [T], _ v: T, _ op: ComparisonOp) -> [Bool] {
    switch op {
    case .equal: return a.map { $0 == v }
    case .notEqual: return a.map { $0 != v }
    case .less: return a.map { $0 < v }
    case .lessOrEqual: return a.map { $0 <= v }
    case .greater: return a.map { $0 > v }
    case .greaterOrEqual: return a.map { $0 >= v }
    }
}

extension DataType {
    var isDecimal: Bool {
        if case .decimal = self { return true }
        return false
    }
}
