import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// The rendered diagnostics of some invalid fixtures, compared with `Fixtures/golden/NAME.txt`.
/// Run with `TALLY_UPDATE_GOLDEN=1` to rewrite the golden files in the source tree (then review the diff).
@Suite struct GoldenRenderingTests {
    static let updating = ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1"

    func render(_ name: String) throws -> String {
        let text = try invalidFixtureText(name)
        let file = "invalid/\(name).yaml"
        let (_, diags) = compileText(text, file: file)
        return TextRenderer(sources: [file: text], color: false).render(diags) + "\n"
    }

    @Test(arguments: ["unknown_column", "duplicate_key", "join_name_clash", "yaml_tab_indentation", "yaml_unclosed_flow_sequence",
                      "alias_bomb", "seed_typo_keys", "seed_cycle", "seed_enum_values", "seed_paths_outside_root",
                      "seed_undeclared_param", "seed_bad_delimiters", "seed_merge_key", "type_mismatches", "ambiguous_column"])
    func matchesGolden(name: String) throws {
        let rendered = try render(name)
        if Self.updating {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/golden/\(name).txt")
            try rendered.write(to: source, atomically: true, encoding: .utf8)
            return
        }
        let url = try fixturesURL().appendingPathComponent("golden/\(name).txt")
        guard let golden = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file Fixtures/golden/\(name).txt; run with TALLY_UPDATE_GOLDEN=1 and review it")
            return
        }
        #expect(rendered == golden, "rendering differs from Fixtures/golden/\(name).txt; if intended, run with TALLY_UPDATE_GOLDEN=1")
    }

    @Test func colorWrapsLabelsInANSICodes() throws {
        let text = try invalidFixtureText("unknown_column")
        let (_, diags) = compileText(text, file: "f.yaml")
        let error = try #require(diags.errors.first)
        let colored = TextRenderer(sources: ["f.yaml": text], color: true).render(error)
        #expect(colored.hasPrefix("\u{1B}[1;31merror[E202]\u{1B}[0m"))
        let plain = TextRenderer(sources: ["f.yaml": text], color: false).render(error)
        #expect(!plain.contains("\u{1B}"))
    }

    @Test func caretUnderlinesTheSpanAfterMultiByteCharacters() {
        let d = Diagnostic(.unknownColumn, "unknown column `quantté`", at: Span(file: "u.yaml", start: Loc(line: 2, column: 17),
                                                                                  end: Loc(line: 2, column: 24)))
        let text = "x: 1\n      - filter: quantté > 0\n"
        let out = TextRenderer(sources: ["u.yaml": text]).render(d)
        #expect(out == """
        error[E202]: unknown column `quantté`
          --> u.yaml:2:17
           |
         2 |       - filter: quantté > 0
           |                 ^^^^^^^

        """)
    }
}
