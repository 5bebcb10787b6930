import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

@Suite struct ExprParserTests {
    @Test(arguments: [
        // Precedence: `or` < `and` < `not` < comparison < `+ -` < `* / %` < unary minus.
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b % c", "(% (/ a b) c)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("not a and b", "(and (not a) b)"),
        ("not a = b", "(not (= a b))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c and d", "(or (and a b) (and c d))"),
        ("a + 1 > b * 2 and c", "(and (> (+ a 1) (* b 2)) c)"),
        ("a <> b", "(<> a b)"),
        ("a != b", "(<> a b)"),
        ("a == b", "(= a b)"),
        ("a <= b", "(<= a b)"),
        ("a >= -b", "(>= a (- b))"),
        ("a || b || 'x'", "(concat (concat a b) 'x')"),
    ])
    func precedence(text: String, tree: String) throws {
        #expect(sx(try parseExpr(text)) == tree)
    }

    @Test(arguments: [
        ("x is null", "(is-null x)"),
        ("x is not null", "(is-not-null x)"),
        ("x IS NOT NULL and y is null", "(and (is-not-null x) (is-null y))"),
        ("x in (1, 2, 3)", "(in x 1 2 3)"),
        ("x not in ('a', 'b')", "(not-in x 'a' 'b')"),
        ("x between 1 and 10", "(between x 1 10)"),
        ("x not between 1 and 10 and y", "(and (not-between x 1 10) y)"),
        ("x between a + 1 and b * 2", "(between x (+ a 1) (* b 2))"),
        ("case when a > 0 then 'pos' when a < 0 then 'neg' else 'zero' end",
         "(case (when (> a 0) 'pos') (when (< a 0) 'neg') (else 'zero'))"),
        ("case when a then 1 end", "(case (when a 1))"),
        ("if(qty > 0, 'sale', 'return')", "(case (when (> qty 0) 'sale') (else 'return'))"),
        ("cast(x as decimal(10,2))", "(cast x decimal(10,2))"),
        ("cast(x + 1 as int)", "(cast (+ x 1) int)"),
        ("CAST(x AS string)", "(cast x string)"),
        ("$p + ${q}", "(+ $p $q)"),
        ("$run_date", "$run_date"),
        ("count(*)", "(count *)"),
        ("coalesce(a, b, 0)", "(coalesce a b 0)"),
        ("now()", "(now)"),
        ("abs(-5)", "(abs -5)"),
        ("-5", "-5"),
        ("-2.50", "-2.50"),
        ("- 7 * 3", "(* -7 3)"),
        ("-x", "(- x)"),
        ("a - -1", "(- a -1)"),
        ("+5", "5"),
        ("1e6", "1e6"),
        (".25", ".25"),
        ("true or FALSE", "(or true false)"),
        ("null", "null"),
        ("date '2024-03-01'", "date'2024-03-01'"),
        ("timestamp '2024-03-01 12:00:00'", "timestamp'2024-03-01 12:00:00'"),
        ("date(sold_at)", "(date sold_at)"),
        ("'it''s'", "'it's'"),
        ("''", "''"),
        ("\"weird name\" + `other col`", "(+ [weird name] [other col])"),
        ("\"and\"", "and"),
        ("prénom = 'café'", "(= prénom 'café')"),
    ])
    func forms(text: String, tree: String) throws {
        #expect(sx(try parseExpr(text)) == tree)
    }

    @Test func literalKinds() throws {
        #expect(try parseExpr("42").kind == .literal(.integer("42")))
        #expect(try parseExpr("-42").kind == .literal(.integer("-42")))
        #expect(try parseExpr("4.20").kind == .literal(.decimal("4.20")))
        #expect(try parseExpr("2.5e-3").kind == .literal(.double("2.5e-3")))
        #expect(try parseExpr("'a''b'").kind == .literal(.string("a'b")))
        #expect(try parseExpr("date '2024-01-31'").kind == .literal(.date("2024-01-31")))
        #expect(try parseExpr("\"my col\"").kind == .column("my col"))
        #expect(try parseExpr("`my col`").kind == .column("my col"))
        #expect(try parseExpr("${min_qty}").kind == .param("min_qty"))
    }

    @Test func countStarAndCallNames() throws {
        let e = try parseExpr("COUNT(*)")
        guard case .call(let name, let args, let star) = e.kind else {
            Issue.record("not a call: \(sx(e))")
            return
        }
        #expect(name.value == "COUNT")
        #expect(args.isEmpty)
        #expect(star)
        #expect(range(name.span) == "1:1-1:6")
    }

    /// `-(-5)` is 5: a minus folded into a literal that is already negative removes its sign.
    @Test func doubleNegationOfALiteral() throws {
        #expect(sx(try parseExpr("-(-5)")) == "5")
        #expect(sx(try parseExpr("- -1.5")) == "1.5")
        #expect(sx(try parseExpr("-(-x)")) == "(- (- x))")
    }

    @Test(arguments: [
        ("a + b", "1:1-1:6"),
        ("  a  ", "1:3-1:4"),
        ("-5", "1:1-1:3"),
        ("(a)", "1:1-1:4"),
        ("f(x, y)", "1:1-1:8"),
        ("x is not null", "1:1-1:14"),
        ("case when a then b end", "1:1-1:23"),
        ("'café' = nom", "1:1-1:13"),
    ])
    func nodeSpans(text: String, span: String) throws {
        #expect(range(try parseExpr(text).span) == span)
    }

    @Test func operandSpansInsideABinary() throws {
        let e = try parseExpr("qty * 2 > 'é' || x")
        guard case .binary(.greater, let l, let r) = e.kind else {
            Issue.record("unexpected tree \(sx(e))")
            return
        }
        #expect(range(l.span) == "1:1-1:8")
        #expect(range(r.span) == "1:11-1:19")
    }
}

@Suite struct ExprSyntaxErrorTests {
    @Test(arguments: [
        ("a +", "1:4", "expected an expression, found the end of the expression"),
        ("sum(", "1:5", "expected an expression, found the end of the expression"),
        ("'unterminated", "1:1", "unterminated string"),
        ("a = 'abc", "1:5", "unterminated string"),
        ("\"open name", "1:1", "unterminated quoted name"),
        ("a b", "1:3", "expected an operator or the end of the expression, found `b`"),
        ("a = = b", "1:5", "expected a value, column or `(`, found `=`"),
        ("(a + b", "1:7", "expected `)`, found the end of the expression"),
        ("a + b)", "1:6", "expected an operator or the end of the expression, found `)`"),
        ("f(a b)", "1:5", "expected `)`, found `b`"),
        ("x is 5", "1:6", "expected `null`, found `5`"),
        ("x in 1, 2", "1:6", "expected `(`, found `1`"),
        ("x between 1 or 2", "1:13", "expected `and`, found `or`"),
        ("case x end", "1:6", "expected `when`, found `x`"),
        ("case when a then 1", "1:19", "expected `end`, found the end of the expression"),
        ("cast(x int)", "1:8", "expected `as`, found `int`"),
        ("cast(x as 5)", "1:11", "expected a type name, found `5`"),
        ("count(*", "1:8", "expected `)`, found the end of the expression"),
        ("12abc", "1:1", "malformed number `12a`"),
        ("1e+", "1:1", "malformed number `1e+`"),
        ("a # b", "1:3", "unexpected character `#`"),
        ("$", "1:1", "`$` must be followed by a parameter name"),
        ("${p", "1:1", "unterminated `${`"),
        ("a and or b", "1:7", "expected a value, column or `(`, found `or`"),
        ("é +", "1:4", "expected an expression, found the end of the expression"),
    ])
    func errorMessageAndPosition(text: String, at position: String, message: String) throws {
        let d = try exprError(exprSource(text))
        #expect(d.code == .expressionSyntax)
        #expect(pos(d.span.start) == position)
        #expect(d.message == message)
    }

    @Test func ifNeedsThreeArguments() throws {
        let d = try exprError(exprSource("if(a, b)"))
        #expect(d.code == .wrongArgumentCount)
        #expect(d.message == "`if` takes 3 arguments (condition, then, else), found 2")
        #expect(range(d.span) == "1:1-1:9")
    }

    @Test func keywordAsColumnSuggestsQuoting() throws {
        let d = try exprError(exprSource("end + 1"))
        #expect(d.hint == "`end` is a keyword; quote a column with that name as \"end\"")
        #expect(pos(d.span.start) == "1:1")
    }

    @Test func curlyQuoteHint() throws {
        let d = try exprError(exprSource("a = \u{2018}x\u{2019}"))
        #expect(d.message == "unexpected character `\u{2018}`")
        #expect(d.hint == "use straight quotes: ' for strings")
        #expect(pos(d.span.start) == "1:5")
    }

    @Test func unterminatedStringSpanCoversTheRestOfTheText() throws {
        let d = try exprError(exprSource("a = 'abc"))
        #expect(range(d.span) == "1:5-1:9")
    }
}
