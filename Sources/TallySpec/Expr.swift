import TallyDiagnostics

/// An expression as written: the syntax tree produced by `ExprParser`, each node with its span.
public struct Expr: Sendable, Hashable {
    public var kind: ExprKind
    public var span: Span
    /// Levels of nesting below and including this node (a literal or column is 1).
    public let depth: Int

    public init(_ kind: ExprKind, span: Span) {
        self.kind = kind
        self.span = span
        depth = 1 + (kind.children.map(\.depth).max() ?? 0)
    }
}

/// Literal values as written; numbers keep their text so the type checker can range-check them.
public enum Literal: Sendable, Hashable {
    case integer(String)
    case decimal(String)
    /// A number with an exponent, such as `1e6`.
    case double(String)
    case string(String)
    case bool(Bool)
    case null
    /// `date '2024-01-31'`.
    case date(String)
    /// `timestamp '2024-01-31 12:00:00'`.
    case timestamp(String)
}

/// Unary operators.
public enum UnaryOperator: String, Sendable, Hashable {
    case minus = "-", not
}

/// Binary operators, loosest binding first: `or`, `and`, comparisons, `+ -`, `* / %`.
public enum BinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"

    public var isComparison: Bool {
        [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(self)
    }
}

/// The kinds of expression node.
public indirect enum ExprKind: Sendable, Hashable {
    case literal(Literal)
    /// A column of the input.
    case column(String)
    /// `$name` or `${name}`: a parameter.
    case param(String)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `x is [not] null`.
    case isNull(Expr, negated: Bool)
    /// `x [not] in (a, b, ...)`.
    case inList(Expr, [Expr], negated: Bool)
    /// `x [not] between low and high`.
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    /// `case when c then v ... [else e] end`; `if(c, a, b)` is sugar for it.
    case caseWhen([WhenClause], otherwise: Expr?)
    /// A function call; `star` marks `count(*)`.
    case call(Located<String>, [Expr], star: Bool)
    /// `cast(x as type)`.
    case cast(Expr, Located<String>)
}

extension ExprKind {
    /// The direct subexpressions.
    public var children: [Expr] {
        switch self {
        case .literal, .column, .param: []
        case .unary(_, let e), .isNull(let e, _), .cast(let e, _): [e]
        case .binary(_, let a, let b): [a, b]
        case .inList(let e, let items, _): [e] + items
        case .between(let e, let low, let high, _): [e, low, high]
        case .caseWhen(let clauses, let otherwise): clauses.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        case .call(_, let args, _): args
        }
    }
}

/// `when condition then result`.
public struct WhenClause: Sendable, Hashable {
    public var condition: Expr
    public var result: Expr

    public init(condition: Expr, result: Expr) {
        self.condition = condition
        self.result = result
    }
}
