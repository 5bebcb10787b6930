import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

/// Expression errors are reported at exact positions of the YAML file, whatever the scalar style.
@Suite struct ExprPositionInYAMLTests {
    /// Parses `yaml`, takes the scalar under key `expr` and parses it as an expression.
    func errorOfExpr(in yaml: String) throws -> Diagnostic {
        let root = try parseYAML(yaml, file: "spec.yaml")
        let node = try walk(root, "expr")
        let scalar = try #require(node.scalar)
        let d = try exprError(ExprSource(scalar, span: node.span))
        #expect(d.span.file == "spec.yaml")
        return d
    }

    @Test(arguments: [
        // Plain scalars: the value starts where the scalar starts.
        ("x: 1\nexpr: a +\n", "2:10", "expected an expression, found the end of the expression"),
        ("x: 1\nexpr: b = 'unterminated\n", "2:11", "unterminated string"),
        ("x: 1\nexpr: sum(\n", "2:11", "expected an expression, found the end of the expression"),
        ("x: 1\nexpr: nom = 'caf\u{E9}' and\n", "2:23", "expected an expression, found the end of the expression"),
        ("\u{E9}t\u{E9}: 1\nexpr: \u{65E5} = 1 1\n", "2:13", "expected an operator or the end of the expression, found `1`"),
        ("  # indented comment\nexpr:   a + * b   \n", "2:13", "expected a value, column or `(`, found `*`"),
        // Quoted scalars: the value starts one column after the quote.
        ("x: 1\nexpr: \"a +\"\n", "2:11", "expected an expression, found the end of the expression"),
        ("x: 1\nexpr: 'sum(x'\n", "2:13", "expected `)`, found the end of the expression"),
        ("x: 1\nexpr: \"s = 'abc\"\n", "2:12", "unterminated string"),
        // Literal block scalars over two lines.
        ("expr: |\n  a > 1 and\n  b + * c\n", "3:7", "expected a value, column or `(`, found `*`"),
        ("expr: |\n  a = 1 or\n  b = 'x\n", "3:7", "unterminated string"),
        ("expr: |-\n  total >\n    sum(\n", "3:9", "expected an expression, found the end of the expression"),
        ("expr: |\n  a in (1,\n    2 3)\n", "3:7", "expected `)`, found `3`"),
    ])
    func errorPosition(yaml: String, at position: String, message: String) throws {
        let d = try errorOfExpr(in: yaml)
        #expect(d.code == .expressionSyntax)
        #expect(pos(d.span.start) == position)
        #expect(d.message == message)
    }

    @Test func quotedExpressionInsideAFlowMapping() throws {
        let root = try parseYAML("m: {expr: \"a +\"}\n")
        let node = try walk(root, "m", "expr")
        let scalar = try #require(node.scalar)
        let d = try exprError(ExprSource(scalar, span: node.span))
        #expect(pos(d.span.start) == "1:15")
    }

    @Test func validBlockExpressionSpansPointIntoTheFile() throws {
        let root = try parseYAML("expr: |\n  qty > 1 and\n    price < 2\n")
        let node = try walk(root, "expr")
        let scalar = try #require(node.scalar)
        let e = try #require(try? ExprParser.parse(ExprSource(scalar, span: node.span)).get())
        guard case .binary(.and, let l, let r) = e.kind else {
            Issue.record("unexpected tree \(sx(e))")
            return
        }
        #expect(range(l.span) == "2:3-2:10")
        #expect(pos(r.span.start) == "3:5")
        #expect(pos(e.span.start) == "2:3")
    }

    /// Positions survive escapes, doubled quotes, folding, indentation indicators and the end of a block.
    @Test(arguments: [
        // `''` in a single-quoted scalar is one character of the value but two in the file:
        // the end of `sku = ''a'' and` is column 23 (the closing quote).
        ("expr: 'sku = ''a'' and'\n", "1:23"),
        // `\"` in a double-quoted scalar: `"my col" +` ends at column 20.
        ("expr: \"\\\"my col\\\" +\"\n", "1:20"),
        // A folded block joins lines with spaces: the `)` is on line 3.
        ("expr: >\n  a > 1 and\n  b ) c\n", "3:5"),
        // An explicit indentation indicator keeps extra spaces in the value: the `)` is at 3:8.
        ("expr: |2\n   x = 1 and\n   y + )\n", "3:8"),
        // The end of a literal block is just past `+`, not after the block's final newline.
        ("expr: |\n  a > 1 and\n  b +\n", "3:6"),
    ])
    func positionsThroughEscapesFoldingAndIndentation(yaml: String, expected: String) throws {
        let d = try errorOfExpr(in: yaml)
        #expect(pos(d.span.start) == expected)
    }
}
