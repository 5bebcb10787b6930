import Testing
@testable import TallyDiagnostics

/// The text rendering of diagnostics: header, source line, caret underline of the whole span, notes, hint.
@Suite struct TextRendererTests {
    static let source = "sources:\n  pos:\n    path: a.csv\n    columns: {qty: int}\n"

    @Test func underlinesTheWholeSpanUnderTheSourceLine() {
        let span = Span(file: "spec.yaml", start: SourceLocation(line: 4, column: 15), end: SourceLocation(line: 4, column: 18))
        let d = Diagnostic(.unknownColumn, "unknown column `qty`", at: span, hint: "did you mean `qty_sold`?",
                           notes: [DiagnosticNote("declared here", span: span)])
        let text = TextRenderer(sources: ["spec.yaml": Self.source], color: false).render(d)
        #expect(text == """
            error[E202]: unknown column `qty`
              --> spec.yaml:4:15
               |
             4 |     columns: {qty: int}
               |               ^^^
              = note: declared here
              --> spec.yaml:4:15
               |
             4 |     columns: {qty: int}
               |               ^^^
              = hint: did you mean `qty_sold`?

            """)
    }

    @Test func colourOnlyWhenAsked() {
        let d = Diagnostic(.unusedSource, "source `x` is never read", at: .synthetic("s.yaml"))
        #expect(!TextRenderer(color: false).render(d).contains("\u{1B}["))
        #expect(TextRenderer(color: true).render(d).contains("\u{1B}[1;33mwarning[W101]"))
    }

    @Test(arguments: [("qty", ["quantity", "qty_sold", "price"], "qty_sold"), ("skuu", ["sku", "store"], "sku"),
                      ("zzz", ["sku", "store"], nil)])
    func suggestsTheClosestName(name: String, candidates: [String], expected: String?) {
        #expect(Suggestion.closest(to: name, in: candidates) == expected)
    }
}

extension TextRendererTests {
    @Test(arguments: [("a\nb\nc", ["a", "b", "c"]), ("a\r\nb\r\nc", ["a", "b", "c"]), ("a\rb\rc", ["a", "b", "c"]),
                      ("a\r\n\r\nb", ["a", "", "b"]), ("a\n", ["a", ""])])
    func linesBreakAsYAMLDoes(text: String, expected: [String]) {
        #expect(TextRenderer.lines(of: text) == expected)
    }
}
