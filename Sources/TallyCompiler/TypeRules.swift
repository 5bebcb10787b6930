/// The typing rules shared by operators, functions and aggregates: promotion between numeric types
/// and the result types of arithmetic.
enum TypeRules {
    /// The decimal type an integer widens to without loss.
    static let intAsDecimal = DataType.decimal(precision: 19, scale: 0)

    /// `t` as a decimal: ints widen to decimal(19,0).
    static func asDecimal(_ t: DataType) -> (p: Int, s: Int)? {
        switch t {
        case .int: (19, 0)
        case .decimal(let p, let s): (p, s)
        default: nil
        }
    }

    /// The type both operands of a comparison, `in`, `case` or `coalesce` are converted to; nil when none fits.
    static func common(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case (.double, _) where b.isNumeric, (_, .double) where a.isNumeric: return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: break
        }
        guard let (p1, s1) = asDecimal(a), let (p2, s2) = asDecimal(b) else { return nil }
        let s = max(s1, s2)
        return .decimal(precision: min(DataType.maxPrecision, max(p1 - s1, p2 - s2) + s), scale: s)
    }

    /// The result type of `a op b` for numeric operands; nil when the operands are not numeric.
    static func arithmetic(_ op: ArithmeticOp, _ a: DataType, _ b: DataType) -> DataType? {
        guard a.isNumeric || a == .null, b.isNumeric || b == .null else { return nil }
        let (a, b) = (a == .null ? b : a, b == .null ? a : b)
        if a == .null { return .int }
        if a == .double || b == .double { return .double }
        if a == .int, b == .int { return .int }
        guard let (p1, s1) = asDecimal(a), let (p2, s2) = asDecimal(b) else { return nil }
        let maxP = DataType.maxPrecision
        switch op {
        case .add, .subtract:
            let s = max(s1, s2)
            return .decimal(precision: min(maxP, max(p1 - s1, p2 - s2) + s + 1), scale: s)
        case .modulo:
            let s = max(s1, s2)
            return .decimal(precision: min(maxP, max(p1 - s1, p2 - s2) + s), scale: s)
        case .multiply:
            let s = min(s1 + s2, maxP)
            return .decimal(precision: min(maxP, p1 + p2), scale: s)
        case .divide:
            let s = min(maxP - 1, max(6, s1, s2))
            return .decimal(precision: maxP, scale: s)
        }
    }

    /// Result of `sum` over `t`.
    static func sum(_ t: DataType) -> DataType? {
        switch t {
        case .int: .int
        case .decimal(_, let s): .decimal(precision: DataType.maxPrecision, scale: s)
        case .double: .double
        default: nil
        }
    }

    /// Result of `avg` over `t`.
    static func avg(_ t: DataType) -> DataType? {
        switch t {
        case .int: .decimal(precision: DataType.maxPrecision, scale: 6)
        case .decimal(_, let s): .decimal(precision: DataType.maxPrecision, scale: max(s, 6))
        case .double: .double
        default: nil
        }
    }

    /// Whether values of `from` can be converted to `to` with `cast`.
    static func canCast(_ from: DataType, to: DataType) -> Bool {
        if from == to || from == .null || from == .string || to == .string { return true }
        switch (from, to) {
        case (.int, .decimal), (.int, .double), (.decimal, .decimal), (.decimal, .int), (.decimal, .double),
             (.double, .int), (.double, .decimal), (.date, .timestamp), (.timestamp, .date):
            return true
        default:
            return false
        }
    }

    /// Whether a cast can lose information (fraction digits, range or precision).
    static func isLossy(_ from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)): s2 < s1 || p2 - s2 < p1 - s1
        case (.decimal(_, let s), .int): s > 0
        case (.double, .int), (.double, .decimal), (.decimal, .double), (.timestamp, .date): true
        case (.int, .decimal(let p, let s)): p - s < 19
        default: false
        }
    }

    /// Whether a value of type `from` may be stored in a column of type `to` without an explicit cast.
    static func assignable(_ from: DataType, to: DataType) -> Bool {
        if from == to || from == .null { return true }
        switch (from, to) {
        case (.int, .decimal(let p, let s)): return p - s >= 19
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)): return s1 <= s2 && p1 - s1 <= p2 - s2
        case (.int, .double), (.date, .timestamp): return true
        default: return false
        }
    }
}
