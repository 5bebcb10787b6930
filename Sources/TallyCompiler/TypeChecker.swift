import TallyDiagnostics
import TallySpec

/// Resolves names and checks types of expressions against one input schema, producing `BoundExpr`s.
///
/// Every error is appended to `diagnostics`; a failed subexpression yields nil so one mistake is
/// reported once, not again by every enclosing node.
struct TypeChecker {
    /// The schema of the rows the expression reads.
    let schema: Schema
    /// Bound parameter values.
    let params: [String: BoundParam]
    /// What the expression is, for messages ("the filter of `orders`").
    let context: String
    /// Set while checking aggregate measures: collects aggregate calls and restricts bare columns to group keys.
    var aggregation: AggregationScope?
    /// Columns whose definition failed (already reported): references to them fail silently.
    var unresolved: Set<String> = []
    /// True while checking an aggregate's argument (aggregates may not nest).
    var inAggregateArgument = false
    var diagnostics = Diagnostics()
    /// Parameters referenced, for unused-parameter warnings.
    var paramsUsed: Set<String> = []
    /// Casts that can lose information, reported as warnings.
    var lossyCasts: [Span] = []

    init(schema: Schema, params: [String: BoundParam], context: String) {
        self.schema = schema
        self.params = params
        self.context = context
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at span: Span, hint: String? = nil) {
        diagnostics.error(code, message, at: span, hint: hint)
    }

    /// Parses and checks an expression source.
    mutating func check(_ source: ExprSource) -> (Expr, BoundExpr)? {
        switch ExprParser.parse(source) {
        case .failure(let d):
            diagnostics.append(d)
            return nil
        case .success(let expr):
            return check(expr).map { (expr, $0) }
        }
    }

    /// Checks an expression that must be boolean (filters, alert conditions).
    mutating func checkPredicate(_ source: ExprSource) -> BoundExpr? {
        guard let (expr, bound) = check(source) else { return nil }
        guard bound.type.type == .bool || bound.type.type == .null else {
            error(.typeMismatch, "\(context) must be a condition (bool), but this expression is \(bound.type.type)",
                  at: expr.span, hint: "compare it with something, e.g. `\(source.text) > 0`")
            return nil
        }
        return bound
    }

    mutating func check(_ expr: Expr) -> BoundExpr? {
        switch expr.kind {
        case .literal(let literal):
            return checkLiteral(literal, at: expr.span)
        case .column(let name):
            return resolveColumn(name, at: expr.span)
        case .param(let name):
            guard let p = params[name] else {
                error(.unknownParam, "unknown parameter `$\(name)`", at: expr.span,
                      hint: Suggestion.hint(for: name, in: params.keys.sorted(), kind: "parameter") + " (declare parameters under `params:`)")
                return nil
            }
            paramsUsed.insert(name)
            return .literal(p.value, type: ExprType(p.type, nullable: p.value.isNull))
        case .unary(.minus, let operand):
            guard let e = check(operand) else { return nil }
            guard e.type.type.isNumeric else {
                error(.typeMismatch, "cannot negate a \(e.type.type)", at: expr.span, hint: "`-` applies to int, decimal and double")
                return nil
            }
            return .negate(e, type: e.type)
        case .unary(.not, let operand):
            guard let e = check(operand), requireBool(e, operand, "`not`") else { return nil }
            return .not(e)
        case .binary(let op, let l, let r):
            return checkBinary(op, l, r, at: expr.span)
        case .isNull(let operand, let negated):
            return check(operand).map { .isNull($0, negated: negated) }
        case .inList(let probe, let items, let negated):
            return checkIn(probe, items, negated: negated, at: expr.span)
        case .between(let value, let low, let high, let negated):
            let ge = Expr(.binary(.greaterOrEqual, value, low), span: expr.span)
            let le = Expr(.binary(.lessOrEqual, value, high), span: expr.span)
            guard let both = checkBinary(.and, ge, le, at: expr.span) else { return nil }
            return negated ? .not(both) : both
        case .caseWhen(let clauses, let otherwise):
            return checkCase(clauses, otherwise, at: expr.span)
        case .call(let name, let args, let star):
            return checkCall(name, args, star: star, at: expr.span)
        case .cast(let value, let typeName):
            guard let e = check(value) else { return nil }
            guard let target = DataType.parse(typeName.value) else {
                error(.invalidType, "unknown type `\(typeName.value)`", at: typeName.span,
                      hint: "types: " + DataType.names.joined(separator: ", "))
                return nil
            }
            guard TypeRules.canCast(e.type.type, to: target) else {
                error(.typeMismatch, "cannot cast \(e.type.type) to \(target)", at: expr.span,
                      hint: "cast through `string` if you mean the text form")
                return nil
            }
            if TypeRules.isLossy(e.type.type, to: target) { lossyCasts.append(expr.span) }
            return e.type.type == target ? e : .cast(e, type: ExprType(target, nullable: e.type.nullable))
        }
    }

    mutating func resolveColumn(_ name: String, at span: Span) -> BoundExpr? {
        if let scope = aggregation {
            if let k = scope.keyIndex(of: name) {
                let field = scope.output[k]
                return .column(index: k, name: field.name, type: ExprType(field.type, nullable: field.nullable))
            }
            if schema.index(of: name) != nil {
                error(.aggregateMisuse, "column `\(name)` is neither grouped nor inside an aggregate", at: span,
                      hint: "add `\(name)` to `group_by`, or wrap it in an aggregate such as `max(\(name))`")
                return nil
            }
        }
        guard let i = schema.index(of: name) else {
            if unresolved.contains(name) { return nil }
            error(.unknownColumn, "unknown column `\(name)` in \(context)", at: span,
                  hint: Suggestion.hint(for: name, in: schema.names, kind: "column"))
            return nil
        }
        let f = schema[i]
        return .column(index: i, name: f.name, type: ExprType(f.type, nullable: f.nullable))
    }

    mutating func requireBool(_ e: BoundExpr, _ source: Expr, _ what: String) -> Bool {
        if e.type.type == .bool || e.type.type == .null { return true }
        error(.typeMismatch, "\(what) needs a bool operand, found \(e.type.type)", at: source.span,
              hint: "write a comparison such as `x > 0`")
        return false
    }

    /// Converts `e` to `type` if needed.
    func coerce(_ e: BoundExpr, to type: DataType) -> BoundExpr {
        if e.type.type == type { return e }
        if case .literal(.null, _) = e { return .literal(.null, type: ExprType(type, nullable: true)) }
        return .cast(e, type: ExprType(type, nullable: e.type.nullable))
    }

    mutating func checkLiteral(_ literal: Literal, at span: Span) -> BoundExpr? {
        switch literal {
        case .integer(let text):
            if let v = Int64(text) { return .literal(.int(v), type: ExprType(.int, nullable: false)) }
            error(.integerOutOfRange, "integer literal \(text) is outside the 64-bit range", at: span,
                  hint: "write it as a decimal (`\(text).0`) if you need a larger number")
            return nil
        case .decimal(let text):
            let digits = text.filter(\.isNumber)
            let scale = text.split(separator: ".", omittingEmptySubsequences: false).last.map(\.count) ?? 0
            let precision = max(digits.count, scale + 1)
            guard precision <= DataType.maxPrecision, let v = DecimalFormat.parse(text, precision: precision, scale: scale) else {
                error(.integerOutOfRange, "decimal literal \(text) has more than \(DataType.maxPrecision) digits", at: span)
                return nil
            }
            return .literal(.decimal(v, scale: scale), type: ExprType(.decimal(precision: precision, scale: scale), nullable: false))
        case .double(let text):
            guard let v = Double(text), v.isFinite else {
                error(.integerOutOfRange, "number \(text) is out of range", at: span)
                return nil
            }
            return .literal(.double(v), type: ExprType(.double, nullable: false))
        case .string(let s):
            return .literal(.string(s), type: ExprType(.string, nullable: false))
        case .bool(let b):
            return .literal(.bool(b), type: ExprType(.bool, nullable: false))
        case .null:
            return .literal(.null, type: ExprType(.null, nullable: true))
        case .date(let text):
            guard let d = CivilDate.parseDate(text) else {
                error(.invalidValue, "`\(text)` is not a valid date", at: span, hint: "write dates as date 'YYYY-MM-DD'")
                return nil
            }
            return .literal(.date(d), type: ExprType(.date, nullable: false))
        case .timestamp(let text):
            guard let t = CivilDate.parseTimestamp(Array(text.utf8)) else {
                error(.invalidValue, "`\(text)` is not a valid timestamp", at: span,
                      hint: "write timestamps as timestamp 'YYYY-MM-DD HH:MM:SS'")
                return nil
            }
            return .literal(.timestamp(t), type: ExprType(.timestamp, nullable: false))
        }
    }
}

/// A parameter's bound value and declared type.
public struct BoundParam: Sendable, Hashable {
    public var value: Value
    public var type: DataType

    public init(value: Value, type: DataType) {
        self.value = value
        self.type = type
    }
}
