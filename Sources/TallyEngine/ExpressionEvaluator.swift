import TallyCompiler

/// Evaluates a type-checked `BoundExpr` over a `Batch`, a whole column at a time.
///
/// SQL semantics: nulls propagate through arithmetic, comparisons and most functions; `and`,
/// `or` and `not` use three-valued logic; integer and decimal arithmetic is checked and throws
/// `EngineError` instead of wrapping. Conditional forms (`case`, `coalesce`, the right side of
/// `and`/`or`) evaluate their operands only on the rows that need them, so a guard such as
/// `case when d <> 0 then n / d end` never divides by zero. Null rows are never computed on.
public struct ExpressionEvaluator: Sendable {
    public init() {}

    /// The column of values of `expr` for every row of `batch`.
    public func evaluate(_ expr: BoundExpr, on batch: Batch) throws -> Column {
        switch expr {
        case .column(let index, let name, _):
            guard index < batch.columns.count else {
                throw EngineError.planMismatch("column \(index) (`\(name)`) is not in the input batch")
            }
            return batch.columns[index]
        case .literal(let value, let type):
            return try literal(value, type: type.type, count: batch.count)
        case .negate(let e, let type):
            return try negate(evaluate(e, on: batch), type: type.type)
        case .not(let e):
            return not(try evaluate(e, on: batch))
        case .logical(let isAnd, let a, let b, _):
            return try logical(isAnd: isAnd, a, b, on: batch)
        case .arithmetic(let op, let a, let b, let type):
            if type.type == .int, case .literal(.int(let v), let lt) = b, lt.type == .int {
                let x = try evaluate(a, on: batch)
                if let r = try intArithmeticWithLiteral(op, x, v) { return r }
                return try arithmetic(op, x, evaluate(b, on: batch), type: type.type)
            }
            return try arithmetic(op, evaluate(a, on: batch), evaluate(b, on: batch), type: type.type)
        case .comparison(let op, let a, let b, _):
            if case .literal(let v, let lt) = b, !v.isNull {
                let x = try evaluate(a, on: batch)
                if let r = compareWithLiteral(op, x, v, lt.type) { return r }
                return try compare(op, x, evaluate(b, on: batch))
            }
            return try compare(op, evaluate(a, on: batch), evaluate(b, on: batch))
        case .isNull(let e, let negated):
            return isNull(try evaluate(e, on: batch), negated: negated)
        case .inList(let probe, let list, let negated, _):
            return try inList(evaluate(probe, on: batch), list.map { try evaluate($0, on: batch) }, negated: negated)
        case .caseWhen(let branches, let otherwise, let type):
            return try caseWhen(branches, otherwise: otherwise, type: type.type, on: batch)
        case .function(let f, let args, let type):
            return try callFunction(f, args, type: type.type, on: batch)
        case .cast(let e, let type):
            return try cast(evaluate(e, on: batch), to: type.type)
        }
    }

    /// `expr` evaluated only on `rows` of `batch` (nil means all rows): a column of `rows.count` values.
    func evaluate(_ expr: BoundExpr, on batch: Batch, rows: [Int]?) throws -> Column {
        guard let rows, rows.count != batch.count else { return try evaluate(expr, on: batch) }
        // Gather just the columns the expression reads; the others are never touched.
        let used = expr.columnsUsed
        var columns = batch.columns
        for c in columns.indices {
            columns[c] = used.contains(c) ? columns[c].take(rows) : Column.empty(columns[c].type)
        }
        return try evaluate(expr, on: Batch(columns: columns, count: rows.count))
    }

    // MARK: - Simple forms

    /// A constant column; a value of another kind than the type (e.g. an int literal typed
    /// decimal) is converted like a cast.
    func literal(_ value: Value, type: DataType, count: Int) throws -> Column {
        let natural: DataType
        switch value {
        case .null: return Column.constant(.null, type: type, count: count)
        case .int: natural = .int
        case .decimal(let v, let s): natural = .decimal(precision: max(1, String(v.magnitude).count, s), scale: s)
        case .double: natural = .double
        case .string: natural = .string
        case .bool: natural = .bool
        case .date: natural = .date
        case .timestamp: natural = .timestamp
        }
        if case .decimal = natural, case .decimal = type {
            return Column.constant(value, type: type, count: count)
        }
        if natural == type { return Column.constant(value, type: type, count: count) }
        return try cast(Column.constant(value, type: natural, count: count), to: type)
    }

    func negate(_ x: Column, type: DataType) throws -> Column {
        if x.type == .null { return Column.constant(.null, type: type, count: x.count) }
        let values: ColumnValues
        switch x.values {
        case .int(let a):
            values = .int(try mapValid(a, x.validity, zero: 0) { v in
                let (r, overflow) = Int64(0).subtractingReportingOverflow(v)
                if overflow { throw EngineError(.integerOverflow, "integer overflow in `-`: -(\(v))") }
                return r
            })
        case .decimal(let a): values = .decimal(a.map { -$0 })
        case .double(let a): values = .double(a.map { -$0 })
        default: throw EngineError(.unsupported, "cannot negate a \(x.type) value")
        }
        return Column(type: type, values: values, validity: x.validity)
    }

    func isNull(_ x: Column, negated: Bool) -> Column {
        let bits = (0..<x.count).map { x.isNull($0) != negated }
        return Column(type: .bool, values: .bool(bits))
    }
}

// MARK: - Kernel helpers

/// Applies `op` to each valid element; null rows get `zero` and `op` is never called on them.
@inline(__always)
func mapValid<A, R>(_ a: [A], _ validity: Bitmap?, zero: R, _ op: (A) throws -> R) rethrows -> [R] {
    guard let validity else { return try a.map(op) }
    var out = [R](repeating: zero, count: a.count)
    for i in a.indices where validity[i] { out[i] = try op(a[i]) }
    return out
}

/// Applies `op` to each valid pair of elements; null rows get `zero` and `op` is never called on them.
@inline(__always)
func mapValid<A, B, R>(_ a: [A], _ b: [B], _ validity: Bitmap?, zero: R,
                       _ op: (A, B) throws -> R) rethrows -> [R] {
    var out = [R](repeating: zero, count: a.count)
    if let validity {
        for i in a.indices where validity[i] { out[i] = try op(a[i], b[i]) }
    } else {
        for i in a.indices { out[i] = try op(a[i], b[i]) }
    }
    return out
}
