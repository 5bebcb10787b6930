import TallyDiagnostics

/// The type of an expression: its data type and whether it can be null.
public struct ExprType: Sendable, Hashable, CustomStringConvertible {
    public var type: DataType
    public var nullable: Bool

    public init(_ type: DataType, nullable: Bool) {
        self.type = type
        self.nullable = nullable
    }

    public var description: String { type.description + (nullable ? "" : " not null") }
}

/// Arithmetic operators. Operands of a bound arithmetic node always have the node's type
/// (the type checker inserts casts), except decimal `*` and `/` whose operands keep their own scales.
public enum ArithmeticOp: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}

/// Comparison operators; both operands have the same type after checking.
public enum ComparisonOp: String, Sendable, Hashable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// Scalar functions known to the engine, with operand types already checked.
public enum ScalarFunction: String, Sendable, Hashable, CaseIterable {
    case coalesce, abs, round, lower, upper, trim, length, concat
    /// `date(timestamp)` and `date(string)`.
    case toDate = "date"
    /// `date_add(date, int days)`.
    case dateAdd = "date_add"
    /// `date_diff(date end, date start)` in days.
    case dateDiff = "date_diff"
}

/// A name-resolved, type-checked expression over the columns of one input schema.
///
/// Produced by the compiler's type checker; evaluated column-at-a-time by the engine.
public indirect enum BoundExpr: Sendable, Hashable {
    /// The input column at `index`.
    case column(index: Int, name: String, type: ExprType)
    /// A constant (literals and parameters).
    case literal(Value, type: ExprType)
    /// `-x`.
    case negate(BoundExpr, type: ExprType)
    /// `not x` with three-valued logic.
    case not(BoundExpr)
    /// `a and b` / `a or b` with three-valued logic.
    case logical(isAnd: Bool, BoundExpr, BoundExpr, type: ExprType)
    case arithmetic(ArithmeticOp, BoundExpr, BoundExpr, type: ExprType)
    case comparison(ComparisonOp, BoundExpr, BoundExpr, type: ExprType)
    /// `x is null` / `x is not null`; never null itself.
    case isNull(BoundExpr, negated: Bool)
    /// `x in (a, b)`; SQL semantics: null when no match and a null is involved.
    case inList(BoundExpr, [BoundExpr], negated: Bool, type: ExprType)
    /// `case when c then v ... else e end`; `else` absent means null.
    case caseWhen([CaseBranch], otherwise: BoundExpr?, type: ExprType)
    case function(ScalarFunction, [BoundExpr], type: ExprType)
    /// Conversion to another type (the compiler warns about casts that can lose information).
    case cast(BoundExpr, type: ExprType)

    /// The type of the value this expression produces.
    public var type: ExprType {
        switch self {
        case .column(_, _, let t), .literal(_, let t), .negate(_, let t), .logical(_, _, _, let t),
             .arithmetic(_, _, _, let t), .comparison(_, _, _, let t), .inList(_, _, _, let t),
             .caseWhen(_, _, let t), .function(_, _, let t), .cast(_, let t):
            return t
        case .not(let e):
            return ExprType(.bool, nullable: e.type.nullable)
        case .isNull:
            return ExprType(.bool, nullable: false)
        }
    }

    /// Indices of the input columns the expression reads.
    public var columnsUsed: Set<Int> {
        switch self {
        case .column(let i, _, _): return [i]
        case .literal: return []
        case .negate(let e, _), .not(let e), .isNull(let e, _), .cast(let e, _): return e.columnsUsed
        case .logical(_, let a, let b, _), .arithmetic(_, let a, let b, _), .comparison(_, let a, let b, _):
            return a.columnsUsed.union(b.columnsUsed)
        case .inList(let e, let list, _, _):
            return list.reduce(e.columnsUsed) { $0.union($1.columnsUsed) }
        case .caseWhen(let branches, let otherwise, _):
            var s = otherwise?.columnsUsed ?? []
            for b in branches { s.formUnion(b.condition.columnsUsed); s.formUnion(b.result.columnsUsed) }
            return s
        case .function(_, let args, _):
            return args.reduce([]) { $0.union($1.columnsUsed) }
        }
    }

    /// The same expression with column indices renumbered through `map` (old index -> new index).
    public func remapColumns(_ map: [Int: Int]) -> BoundExpr {
        switch self {
        case .column(let i, let n, let t): return .column(index: map[i] ?? i, name: n, type: t)
        case .literal: return self
        case .negate(let e, let t): return .negate(e.remapColumns(map), type: t)
        case .not(let e): return .not(e.remapColumns(map))
        case .isNull(let e, let n): return .isNull(e.remapColumns(map), negated: n)
        case .cast(let e, let t): return .cast(e.remapColumns(map), type: t)
        case .logical(let and, let a, let b, let t): return .logical(isAnd: and, a.remapColumns(map), b.remapColumns(map), type: t)
        case .arithmetic(let op, let a, let b, let t): return .arithmetic(op, a.remapColumns(map), b.remapColumns(map), type: t)
        case .comparison(let op, let a, let b, let t): return .comparison(op, a.remapColumns(map), b.remapColumns(map), type: t)
        case .inList(let e, let l, let n, let t): return .inList(e.remapColumns(map), l.map { $0.remapColumns(map) }, negated: n, type: t)
        case .caseWhen(let bs, let o, let t):
            return .caseWhen(bs.map { CaseBranch(condition: $0.condition.remapColumns(map), result: $0.result.remapColumns(map)) },
                             otherwise: o?.remapColumns(map), type: t)
        case .function(let f, let args, let t): return .function(f, args.map { $0.remapColumns(map) }, type: t)
        }
    }
}

/// One `when condition then result` arm of a `case` expression.
public struct CaseBranch: Sendable, Hashable {
    public var condition: BoundExpr
    public var result: BoundExpr

    public init(condition: BoundExpr, result: BoundExpr) {
        self.condition = condition
        self.result = result
    }
}

extension BoundExpr {
    /// The expression with each column reference `i` replaced by `replacements[i]`
    /// (used to fold a projection into the expressions that read it).
    public func substitute(_ replacements: [BoundExpr]) -> BoundExpr {
        switch self {
        case .column(let i, _, _): return replacements[i]
        case .literal: return self
        case .negate(let e, let t): return .negate(e.substitute(replacements), type: t)
        case .not(let e): return .not(e.substitute(replacements))
        case .isNull(let e, let n): return .isNull(e.substitute(replacements), negated: n)
        case .cast(let e, let t): return .cast(e.substitute(replacements), type: t)
        case .logical(let and, let a, let b, let t):
            return .logical(isAnd: and, a.substitute(replacements), b.substitute(replacements), type: t)
        case .arithmetic(let op, let a, let b, let t):
            return .arithmetic(op, a.substitute(replacements), b.substitute(replacements), type: t)
        case .comparison(let op, let a, let b, let t):
            return .comparison(op, a.substitute(replacements), b.substitute(replacements), type: t)
        case .inList(let e, let l, let n, let t):
            return .inList(e.substitute(replacements), l.map { $0.substitute(replacements) }, negated: n, type: t)
        case .caseWhen(let bs, let o, let t):
            return .caseWhen(bs.map { CaseBranch(condition: $0.condition.substitute(replacements), result: $0.result.substitute(replacements)) },
                             otherwise: o?.substitute(replacements), type: t)
        case .function(let f, let args, let t): return .function(f, args.map { $0.substitute(replacements) }, type: t)
        }
    }
}
