import TallyDiagnostics

/// Parses expression text (see `grammar/expression.ebnf`) into an `Expr` whose spans point into the spec.
public struct ExprParser {
    static let reserved: Set<String> = ["and", "or", "not", "is", "null", "in", "between", "case", "when", "then",
                                        "else", "end", "true", "false", "as"]

    let source: ExprSource
    let tokens: [Token]
    var position = 0
    /// How deep the parser has recursed into parentheses, calls and unary operators.
    var nesting = 0

    /// The deepest an expression may nest; checking and evaluating recurse over the tree.
    public static let maxDepth = 100

    /// Parses `source`; a syntax error comes back as one diagnostic at the offending token.
    public static func parse(_ source: ExprSource) -> Result<Expr, Diagnostic> {
        let tokens: [Token]
        do {
            tokens = try ExprLexer(source.text).tokenize()
        } catch {
            return .failure(Diagnostic(.expressionSyntax, error.message,
                                       at: source.span(offset: error.offset, length: error.length), hint: error.hint))
        }
        var parser = ExprParser(source: source, tokens: tokens)
        do throws(Diagnostic) {
            let expr = try parser.expression()
            guard parser.current.kind == .end else {
                throw parser.failure("expected an operator or the end of the expression", hint: parser.trailingHint())
            }
            return .success(expr)
        } catch {
            return .failure(error)
        }
    }

    var current: Token { tokens[position] }

    func span(_ token: Token) -> Span { source.span(offset: token.offset, length: token.length) }

    func span(from start: Token, to end: Token) -> Span {
        source.span(offset: start.offset, length: end.offset + end.length - start.offset)
    }

    var previous: Token { tokens[max(position - 1, 0)] }

    func failure(_ message: String, hint: String? = nil) -> Diagnostic {
        let found: String = switch current.kind {
        case .end: "the end of the expression"
        case .identifier(let s), .quotedIdentifier(let s), .integer(let s), .decimal(let s), .double(let s), .symbol(let s): "`\(s)`"
        case .string(let s): "'\(s)'"
        case .param(let s): "`$\(s)`"
        }
        return Diagnostic(.expressionSyntax, "\(message), found \(found)", at: span(current), hint: hint)
    }

    func trailingHint() -> String? {
        if case .symbol(let s) = current.kind, Self.comparisonOperator(s) != nil {
            return "comparisons do not chain: write `a < b and b < c`"
        }
        if case .identifier = current.kind { return "combine conditions with `and`/`or`; quote names with spaces as \"name\"" }
        if case .symbol(")") = current.kind { return "this `)` has no matching `(`" }
        return nil
    }

    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func accept(keyword: String) -> Bool {
        guard current.keyword == keyword else { return false }
        position += 1
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard current.kind == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    mutating func expect(symbol: String, hint: String? = nil) throws(Diagnostic) {
        guard accept(symbol: symbol) else { throw failure("expected `\(symbol)`", hint: hint) }
    }

    mutating func expect(keyword: String, hint: String? = nil) throws(Diagnostic) {
        guard accept(keyword: keyword) else { throw failure("expected `\(keyword)`", hint: hint) }
    }

    func node(_ kind: ExprKind, from start: Token) -> Expr {
        Expr(kind, span: span(from: start, to: previous))
    }

    func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr) throws(Diagnostic) -> Expr {
        let e = Expr(.binary(op, l, r), span: Span(file: l.span.file, start: l.span.start, end: r.span.end))
        guard e.depth <= Self.maxDepth else { throw tooDeep() }
        return e
    }

    mutating func expression() throws(Diagnostic) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxDepth else { throw tooDeep() }
        return try or()
    }

    func tooDeep() -> Diagnostic {
        Diagnostic(.expressionSyntax, "expression nests deeper than \(Self.maxDepth) levels", at: span(current),
                   hint: "split it into several `derive` entries")
    }

    mutating func or() throws(Diagnostic) -> Expr {
        var left = try and()
        while accept(keyword: "or") { left = try binary(.or, left, try and()) }
        return left
    }

    mutating func and() throws(Diagnostic) -> Expr {
        var left = try not()
        while accept(keyword: "and") { left = try binary(.and, left, try not()) }
        return left
    }

    mutating func not() throws(Diagnostic) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxDepth else { throw tooDeep() }
        let start = current
        if accept(keyword: "not") {
            let operand = try not()
            return node(.unary(.not, operand), from: start)
        }
        return try comparison()
    }

    mutating func comparison() throws(Diagnostic) -> Expr {
        let start = current
        let left = try additive()
        if case .symbol(let s) = current.kind, let op = Self.comparisonOperator(s) {
            _ = advance()
            let right = try additive()
            return try binary(op, left, right)
        }
        if accept(keyword: "is") {
            let negated = accept(keyword: "not")
            try expect(keyword: "null", hint: "write `is null` or `is not null`")
            return node(.isNull(left, negated: negated), from: start)
        }
        let negated = current.keyword == "not" && (tokens[position + 1].keyword == "in" || tokens[position + 1].keyword == "between")
        if negated { position += 1 }
        if accept(keyword: "in") {
            try expect(symbol: "(", hint: "write `x in (1, 2, 3)`")
            var items = [try expression()]
            while accept(symbol: ",") { items.append(try expression()) }
            try expect(symbol: ")", hint: "close the list with `)`")
            return node(.inList(left, items, negated: negated), from: start)
        }
        if accept(keyword: "between") {
            let low = try additive()
            try expect(keyword: "and", hint: "write `x between low and high`")
            let high = try additive()
            return node(.between(left, low: low, high: high, negated: negated), from: start)
        }
        return left
    }

    static func comparisonOperator(_ s: String) -> BinaryOperator? {
        switch s {
        case "=", "==": .equal
        case "<>", "!=": .notEqual
        case "<": .less
        case "<=": .lessOrEqual
        case ">": .greater
        case ">=": .greaterOrEqual
        default: nil
        }
    }

    mutating func additive() throws(Diagnostic) -> Expr {
        var left = try multiplicative()
        while true {
            let opToken = current
            if accept(symbol: "+") { left = try binary(.add, left, try multiplicative()) } else if accept(symbol: "-") {
                left = try binary(.subtract, left, try multiplicative())
            } else if accept(symbol: "||") {
                let right = try multiplicative()
                let name = Located("concat", at: span(opToken))
                left = Expr(.call(name, [left, right], star: false), span: Span(file: left.span.file, start: left.span.start, end: right.span.end))
                guard left.depth <= Self.maxDepth else { throw tooDeep() }
            } else { return left }
        }
    }

    mutating func multiplicative() throws(Diagnostic) -> Expr {
        var left = try unary()
        while true {
            if accept(symbol: "*") { left = try binary(.multiply, left, try unary()) } else if accept(symbol: "/") {
                left = try binary(.divide, left, try unary())
            } else if accept(symbol: "%") { left = try binary(.modulo, left, try unary()) } else { return left }
        }
    }

    mutating func unary() throws(Diagnostic) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxDepth else { throw tooDeep() }
        let start = current
        if accept(symbol: "-") {
            let operand = try unary()
            // A minus folds into a number literal, so `-9223372036854775808` is in range.
            func negated(_ digits: String) -> String { digits.hasPrefix("-") ? String(digits.dropFirst()) : "-" + digits }
            if case .literal(.integer(let digits)) = operand.kind { return node(.literal(.integer(negated(digits))), from: start) }
            if case .literal(.decimal(let digits)) = operand.kind { return node(.literal(.decimal(negated(digits))), from: start) }
            return node(.unary(.minus, operand), from: start)
        }
        if accept(symbol: "+") { return try unary() }
        return try primary()
    }

    mutating func primary() throws(Diagnostic) -> Expr {
        let start = current
        switch current.kind {
        case .integer(let s): _ = advance(); return node(.literal(.integer(s)), from: start)
        case .decimal(let s): _ = advance(); return node(.literal(.decimal(s)), from: start)
        case .double(let s): _ = advance(); return node(.literal(.double(s)), from: start)
        case .string(let s): _ = advance(); return node(.literal(.string(s)), from: start)
        case .param(let s): _ = advance(); return node(.param(s), from: start)
        case .quotedIdentifier(let s): _ = advance(); return node(.column(s), from: start)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            try expect(symbol: ")", hint: "close the parenthesis")
            return Expr(inner.kind, span: span(from: start, to: previous))
        case .identifier(let name):
            return try identifier(name, start: start)
        case .end:
            throw failure("expected an expression")
        case .symbol:
            throw failure("expected a value, column or `(`")
        }
    }

    mutating func identifier(_ name: String, start: Token) throws(Diagnostic) -> Expr {
        let lower = name.lowercased()
        let next = tokens[position + 1]
        switch lower {
        case "true", "false":
            _ = advance()
            return node(.literal(.bool(lower == "true")), from: start)
        case "null":
            _ = advance()
            return node(.literal(.null), from: start)
        case "case":
            _ = advance()
            return try caseWhen(start: start)
        case "date", "timestamp":
            if case .string(let text) = next.kind {
                position += 2
                return node(.literal(lower == "date" ? .date(text) : .timestamp(text)), from: start)
            }
        case "cast" where next.kind == .symbol("("):
            position += 2
            let value = try expression()
            try expect(keyword: "as", hint: "write `cast(x as decimal(10,2))`")
            let type = try typeName()
            try expect(symbol: ")", hint: "close `cast(` with `)`")
            return node(.cast(value, type), from: start)
        default:
            break
        }
        if Self.reserved.contains(lower) {
            throw failure("expected a value, column or `(`", hint: "`\(lower)` is a keyword; quote a column with that name as \"\(name)\"")
        }
        _ = advance()
        guard accept(symbol: "(") else { return node(.column(name), from: start) }
        let fname = Located(name, at: span(start))
        if accept(symbol: "*") {
            try expect(symbol: ")", hint: "write `count(*)`")
            return node(.call(fname, [], star: true), from: start)
        }
        var args: [Expr] = []
        if !accept(symbol: ")") {
            args.append(try expression())
            while accept(symbol: ",") { args.append(try expression()) }
            try expect(symbol: ")", hint: "separate arguments with `,` and close the call with `)`")
        }
        if lower == "if" {
            guard args.count == 3 else {
                throw Diagnostic(.wrongArgumentCount, "`if` takes 3 arguments (condition, then, else), found \(args.count)",
                                 at: span(from: start, to: previous), hint: "write `if(qty > 0, 'sale', 'return')`")
            }
            return node(.caseWhen([WhenClause(condition: args[0], result: args[1])], otherwise: args[2]), from: start)
        }
        return node(.call(fname, args, star: false), from: start)
    }

    mutating func caseWhen(start: Token) throws(Diagnostic) -> Expr {
        var clauses: [WhenClause] = []
        while accept(keyword: "when") {
            let condition = try expression()
            try expect(keyword: "then", hint: "each `when` needs a `then`")
            clauses.append(WhenClause(condition: condition, result: try expression()))
        }
        guard !clauses.isEmpty else { throw failure("expected `when`", hint: "write `case when cond then value else other end`") }
        let otherwise = accept(keyword: "else") ? try expression() : nil
        try expect(keyword: "end", hint: "close `case` with `end`")
        return node(.caseWhen(clauses, otherwise: otherwise), from: start)
    }

    /// A type name inside `cast`: `int`, `decimal(10, 2)`, `string`...
    mutating func typeName() throws(Diagnostic) -> Located<String> {
        let start = current
        guard case .identifier(var text) = current.kind else { throw failure("expected a type name", hint: "types: int, decimal(p,s), double, string, bool, date, timestamp") }
        _ = advance()
        if accept(symbol: "(") {
            text += "("
            while true {
                guard case .integer(let digits) = current.kind else { throw failure("expected a number in the type") }
                _ = advance()
                text += digits
                if accept(symbol: ",") { text += ","; continue }
                try expect(symbol: ")")
                text += ")"
                break
            }
        }
        return Located(text, at: span(from: start, to: previous))
    }
}
