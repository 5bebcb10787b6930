import TallyDiagnostics
import TallySpec

/// The state of checking aggregate measures: the group keys and the aggregate calls found so far.
struct AggregationScope {
    /// Input column index of each group key.
    var keys: [Int]
    /// Output fields so far: the keys, then one per aggregate call.
    var output: [Field]
    /// Aggregate calls with their (row-level) argument expressions.
    var calls: [(function: AggregateFunction, argument: BoundExpr?, type: ExprType)] = []

    func keyIndex(of name: String) -> Int? {
        let lower = name.lowercased()
        return keys.indices.first { output[$0].name == name } ?? keys.indices.first { output[$0].name.lowercased() == lower }
    }
}

extension TypeChecker {
    static let aggregateNames = ["sum", "count", "count_distinct", "min", "max", "avg", "any", "first"]
    static let functionNames = ScalarFunction.allCases.map(\.rawValue) + ["if", "cast"] + aggregateNames

    mutating func checkCall(_ name: Located<String>, _ args: [Expr], star: Bool, at span: Span) -> BoundExpr? {
        let lower = name.value.lowercased()
        if Self.aggregateNames.contains(lower) { return checkAggregate(lower, args, star: star, name: name, at: span) }
        guard let function = ScalarFunction(rawValue: lower) else {
            error(.unknownFunction, "unknown function `\(name.value)`", at: name.span,
                  hint: Suggestion.hint(for: name.value, in: Self.functionNames, kind: "function"))
            return nil
        }
        if star {
            error(.expressionSyntax, "`*` is only allowed in `count(*)`", at: span)
            return nil
        }
        let bound = args.map { check($0) }
        guard !bound.contains(where: { $0 == nil }) else { return nil }
        return checkFunction(function, bound.map { $0! }, args, at: span)
    }

    mutating func arity(_ f: ScalarFunction, _ args: [BoundExpr], _ range: ClosedRange<Int>, at span: Span) -> Bool {
        if range.contains(args.count) { return true }
        let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" :
            range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
        error(.wrongArgumentCount, "`\(f.rawValue)` takes \(expected) argument\(expected == "1" ? "" : "s"), found \(args.count)", at: span)
        return false
    }

    mutating func expect(_ arg: BoundExpr, _ source: Expr, in f: ScalarFunction, _ ok: (DataType) -> Bool, _ what: String) -> Bool {
        if ok(arg.type.type) || arg.type.type == .null { return true }
        error(.typeMismatch, "`\(f.rawValue)` expects \(what), found \(arg.type.type)", at: source.span)
        return false
    }

    mutating func checkFunction(_ f: ScalarFunction, _ a: [BoundExpr], _ src: [Expr], at span: Span) -> BoundExpr? {
        let anyNullable = a.contains { $0.type.nullable }
        switch f {
        case .coalesce:
            guard arity(f, a, 1...Int.max, at: span) else { return nil }
            var common = DataType.null
            for (arg, s) in zip(a, src) {
                guard let c = TypeRules.common(common, arg.type.type) else {
                    error(.typeMismatch, "`coalesce` arguments must share a type: \(arg.type.type) does not fit \(common)", at: s.span)
                    return nil
                }
                common = c
            }
            let nullable = a.allSatisfy { $0.type.nullable }
            return .function(.coalesce, a.map { coerce($0, to: common) }, type: ExprType(common, nullable: nullable))
        case .abs:
            guard arity(f, a, 1...1, at: span), expect(a[0], src[0], in: f, \.isNumeric, "a number") else { return nil }
            return .function(.abs, a, type: a[0].type)
        case .round:
            guard arity(f, a, 1...2, at: span), expect(a[0], src[0], in: f, \.isNumeric, "a number") else { return nil }
            var digits = 0
            if a.count == 2 {
                guard case .literal(.int(let d), _) = a[1], d >= 0, d <= 38 else {
                    error(.typeMismatch, "the digits of `round` must be an integer literal between 0 and 38", at: src[1].span)
                    return nil
                }
                digits = Int(d)
            }
            var type = a[0].type
            if case .decimal(let p, let s) = type.type { type.type = .decimal(precision: p, scale: min(s, digits)) }
            return .function(.round, a, type: type)
        case .lower, .upper, .trim, .length:
            guard arity(f, a, 1...1, at: span), expect(a[0], src[0], in: f, { $0 == .string }, "a string") else { return nil }
            return .function(f, a, type: ExprType(f == .length ? .int : .string, nullable: anyNullable))
        case .concat:
            guard arity(f, a, 1...Int.max, at: span) else { return nil }
            for (arg, s) in zip(a, src) where !expect(arg, s, in: f, { $0 == .string }, "strings (use cast(x as string))") { return nil }
            return .function(.concat, a, type: ExprType(.string, nullable: false))
        case .toDate:
            guard arity(f, a, 1...1, at: span),
                  expect(a[0], src[0], in: f, { [.timestamp, .string, .date].contains($0) }, "a timestamp, date or string") else { return nil }
            if a[0].type.type == .date { return a[0] }
            return .function(.toDate, a, type: ExprType(.date, nullable: anyNullable))
        case .dateAdd:
            guard arity(f, a, 2...2, at: span), expect(a[0], src[0], in: f, { $0 == .date }, "a date first"),
                  expect(a[1], src[1], in: f, { $0 == .int }, "a number of days (int) second") else { return nil }
            return .function(.dateAdd, a, type: ExprType(.date, nullable: anyNullable))
        case .dateDiff:
            guard arity(f, a, 2...2, at: span), expect(a[0], src[0], in: f, { $0 == .date }, "dates"),
                  expect(a[1], src[1], in: f, { $0 == .date }, "dates") else { return nil }
            return .function(.dateDiff, a, type: ExprType(.int, nullable: anyNullable))
        }
    }

    mutating func checkAggregate(_ name: String, _ args: [Expr], star: Bool, name located: Located<String>, at span: Span) -> BoundExpr? {
        guard !inAggregateArgument else {
            error(.aggregateMisuse, "aggregates cannot be nested", at: span, hint: "compute the inner value in a step of its own")
            return nil
        }
        guard let scope = aggregation else {
            error(.aggregateMisuse, "aggregate `\(name)` is only allowed in the measures of an `aggregate` step", at: span,
                  hint: "add an `aggregate` step with `group_by` and put `\(name)(...)` in its `measures`")
            return nil
        }
        if star {
            guard name == "count" else {
                error(.expressionSyntax, "`*` is only allowed in `count(*)`", at: span)
                return nil
            }
            return register(.countStar, nil, ExprType(.int, nullable: false))
        }
        guard args.count == 1 else {
            error(.wrongArgumentCount, "`\(name)` takes 1 argument, found \(args.count)", at: span,
                  hint: name == "count" ? "use `count(*)` to count rows" : nil)
            return nil
        }
        // The argument is a row-level expression over the aggregate's input.
        aggregation = nil
        inAggregateArgument = true
        let argument = check(args[0])
        inAggregateArgument = false
        aggregation = scope
        guard let arg = argument else { return nil }
        let t = arg.type.type
        let function: AggregateFunction
        let result: DataType?
        switch name {
        case "sum": (function, result) = (.sum, TypeRules.sum(t))
        case "avg": (function, result) = (.avg, TypeRules.avg(t))
        case "count": (function, result) = (.count, .int)
        case "count_distinct": (function, result) = (.countDistinct, .int)
        case "min", "max": (function, result) = (name == "min" ? .min : .max, t == .null ? nil : t)
        default: (function, result) = (name == "any" ? .any : .first, t)
        }
        guard let result else {
            error(.typeMismatch, "`\(name)` cannot aggregate \(t)", at: args[0].span,
                  hint: name == "sum" || name == "avg" ? "`\(name)` works on int, decimal and double" : nil)
            return nil
        }
        let counts = function == .count || function == .countDistinct
        return register(function, arg, ExprType(result, nullable: !counts))
    }

    /// Records an aggregate call and returns a reference to its output column.
    mutating func register(_ f: AggregateFunction, _ arg: BoundExpr?, _ type: ExprType) -> BoundExpr {
        var scope = aggregation!
        if let existing = scope.calls.firstIndex(where: { $0.function == f && $0.argument == arg }) {
            let index = scope.keys.count + existing
            return .column(index: index, name: scope.output[index].name, type: type)
        }
        let index = scope.output.count
        let name = "\(f.rawValue)_\(scope.calls.count)"
        scope.calls.append((f, arg, type))
        scope.output.append(Field(name, type.type, nullable: type.nullable))
        aggregation = scope
        return .column(index: index, name: name, type: type)
    }
}
