extension BoundExpr: CustomStringConvertible {
    /// The expression in the language's own syntax, for explain output and error messages.
    public var description: String {
        switch self {
        case .column(_, let name, _): return name
        case .literal(let v, let t):
            switch v {
            case .string(let s): return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
            case .date: return "date '\(v)'"
            case .timestamp: return "timestamp '\(v)'"
            case .null: return t.type == .null ? "null" : "cast(null as \(t.type))"
            default: return v.description
            }
        case .negate(let e, _): return "-\(e.parenthesized)"
        case .not(let e): return "not \(e.parenthesized)"
        case .logical(let and, let a, let b, _): return "\(a.parenthesized) \(and ? "and" : "or") \(b.parenthesized)"
        case .arithmetic(let op, let a, let b, _): return "\(a.parenthesized) \(op.rawValue) \(b.parenthesized)"
        case .comparison(let op, let a, let b, _): return "\(a.parenthesized) \(op.rawValue) \(b.parenthesized)"
        case .isNull(let e, let negated): return "\(e.parenthesized) is \(negated ? "not " : "")null"
        case .inList(let e, let items, let negated, _):
            return "\(e.parenthesized) \(negated ? "not " : "")in (\(items.map(\.description).joined(separator: ", ")))"
        case .caseWhen(let branches, let otherwise, _):
            let arms = branches.map { "when \($0.condition) then \($0.result)" }.joined(separator: " ")
            return "case \(arms)\(otherwise.map { " else \($0)" } ?? "") end"
        case .function(let f, let args, _): return "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        case .cast(let e, let t): return "cast(\(e) as \(t.type))"
        }
    }

    var parenthesized: String {
        switch self {
        case .column, .literal, .function, .cast, .caseWhen: description
        default: "(\(description))"
        }
    }
}
