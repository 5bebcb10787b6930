import TallyDiagnostics
import TallySpec

extension TypeChecker {
    mutating func checkBinary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, at span: Span) -> BoundExpr? {
        let left = check(l)
        let right = check(r)
        guard var a = left, var b = right else { return nil }
        switch op {
        case .and, .or:
            guard requireBool(a, l, "`\(op.rawValue)`"), requireBool(b, r, "`\(op.rawValue)`") else { return nil }
            a = coerce(a, to: .bool)
            b = coerce(b, to: .bool)
            return .logical(isAnd: op == .and, a, b, type: ExprType(.bool, nullable: a.type.nullable || b.type.nullable))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            (a, b) = literalStringsAsTemporal(a, b)
            guard let common = TypeRules.common(a.type.type, b.type.type) else {
                error(.typeMismatch, "cannot compare \(a.type.type) with \(b.type.type)", at: span,
                      hint: "convert one side with `cast(... as \(a.type.type))`")
                return nil
            }
            let cmp = ComparisonOp(rawValue: op == .equal ? "=" : op.rawValue)!
            return .comparison(cmp, coerce(a, to: common), coerce(b, to: common),
                               type: ExprType(.bool, nullable: a.type.nullable || b.type.nullable))
        case .add, .subtract, .multiply, .divide, .modulo:
            let arith = ArithmeticOp(rawValue: op.rawValue)!
            guard let result = TypeRules.arithmetic(arith, a.type.type, b.type.type) else {
                error(.typeMismatch, "cannot apply `\(op.rawValue)` to \(a.type.type) and \(b.type.type)", at: span,
                      hint: hint(for: arith, a.type.type, b.type.type))
                return nil
            }
            if arith == .divide || arith == .modulo, case .literal(let v, _) = b, isZero(v) {
                error(.divisionByZero, "division by zero", at: r.span,
                      hint: result == .double ? "dividing a double by the literal 0 always gives infinity or NaN"
                                              : "dividing by the literal 0 always fails")
                return nil
            }
            let nullable = a.type.nullable || b.type.nullable
            if case .decimal = result, arith == .multiply || arith == .divide {
                // Decimal `*` and `/` keep each operand's own scale; ints widen to decimal(19,0).
                return .arithmetic(arith, widenToDecimal(a), widenToDecimal(b), type: ExprType(result, nullable: nullable))
            }
            return .arithmetic(arith, coerce(a, to: result), coerce(b, to: result), type: ExprType(result, nullable: nullable))
        }
    }

    func widenToDecimal(_ e: BoundExpr) -> BoundExpr {
        e.type.type == .int || e.type.type == .null ? coerce(e, to: TypeRules.intAsDecimal) : e
    }

    func isZero(_ v: Value) -> Bool {
        switch v {
        case .int(0): true
        case .decimal(let x, _): x == 0
        case .double(let d): d == 0
        default: false
        }
    }

    func hint(for op: ArithmeticOp, _ a: DataType, _ b: DataType) -> String {
        if a == .date || b == .date { return "use `date_add(d, n)` to shift a date and `date_diff(a, b)` for days between dates" }
        if a == .string || b == .string {
            return op == .add ? "use `concat(a, b)` or `a || b` to join strings" : "convert text with `cast(x as int)` first"
        }
        return "arithmetic works on int, decimal and double"
    }

    /// A string literal compared with a date or timestamp is read as one: `d >= '2024-01-01'`.
    func literalStringsAsTemporal(_ a: BoundExpr, _ b: BoundExpr) -> (BoundExpr, BoundExpr) {
        func convert(_ e: BoundExpr, to t: DataType) -> BoundExpr {
            guard case .literal(.string(let s), _) = e else { return e }
            if t == .date, let d = CivilDate.parseDate(s) { return .literal(.date(d), type: ExprType(.date, nullable: false)) }
            if t == .timestamp, let ts = CivilDate.parseTimestamp(Array(s.utf8)) {
                return .literal(.timestamp(ts), type: ExprType(.timestamp, nullable: false))
            }
            return e
        }
        return (convert(a, to: b.type.type), convert(b, to: a.type.type))
    }

    mutating func checkIn(_ probe: Expr, _ items: [Expr], negated: Bool, at span: Span) -> BoundExpr? {
        guard let p = check(probe) else { return nil }
        var bound: [BoundExpr] = []
        var common = p.type.type
        for item in items {
            guard var e = check(item) else { return nil }
            (_, e) = literalStringsAsTemporal(p, e)
            guard let c = TypeRules.common(common, e.type.type) else {
                error(.typeMismatch, "`in` list item is \(e.type.type) but the value tested is \(p.type.type)", at: item.span,
                      hint: "every item of an `in` list must have the type of the tested value")
                return nil
            }
            common = c
            bound.append(e)
        }
        let nullable = p.type.nullable || bound.contains { $0.type.nullable }
        return .inList(coerce(p, to: common), bound.map { coerce($0, to: common) }, negated: negated,
                       type: ExprType(.bool, nullable: nullable))
    }

    mutating func checkCase(_ clauses: [WhenClause], _ otherwise: Expr?, at span: Span) -> BoundExpr? {
        var branches: [(BoundExpr, BoundExpr)] = []
        var failed = false
        var common = DataType.null
        var nullable = otherwise == nil
        for clause in clauses {
            let c = check(clause.condition)
            let r = check(clause.result)
            guard let c, let r, requireBool(c, clause.condition, "`when`") else { failed = true; continue }
            guard let t = TypeRules.common(common, r.type.type) else {
                error(.typeMismatch, "this `then` is \(r.type.type) but an earlier branch is \(common)", at: clause.result.span,
                      hint: "all branches of a `case` must have compatible types")
                failed = true
                continue
            }
            common = t
            nullable = nullable || r.type.nullable
            branches.append((coerce(c, to: .bool), r))
        }
        var other: BoundExpr?
        if let otherwise {
            if let e = check(otherwise) {
                if let t = TypeRules.common(common, e.type.type) {
                    common = t
                    nullable = nullable || e.type.nullable
                    other = e
                } else {
                    error(.typeMismatch, "the `else` is \(e.type.type) but the branches are \(common)", at: otherwise.span,
                          hint: "all branches of a `case` must have compatible types")
                    failed = true
                }
            } else { failed = true }
        }
        guard !failed else { return nil }
        return .caseWhen(branches.map { CaseBranch(condition: $0.0, result: coerce($0.1, to: common)) },
                         otherwise: other.map { coerce($0, to: common) }, type: ExprType(common, nullable: nullable))
    }
}
