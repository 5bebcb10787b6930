import Foundation
import Testing
import TallyDiagnostics

/// The JSON, SARIF and GitHub renderers on hand-made diagnostics: escaping, notes, paths and codes.
@Suite struct MachineRendererTests {
    static func span(_ file: String, _ line: Int, _ column: Int, _ endColumn: Int) -> Span {
        Span(file: file, start: SourceLocation(line: line, column: column), end: SourceLocation(line: line, column: endColumn))
    }

    static func parse(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test(arguments: ["plain", "quote \" and backslash \\", "new\nline\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}\u{8}\u{C}",
                      "ünïcödé ✓ 🚀", "line\u{2028}separator", "</script>"])
    func jsonStringsRoundTrip(text: String) throws {
        let encoded = JSONValue.quoted(text)
        #expect(try Self.parse(encoded) as? String == text)
        #expect(!encoded.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func jsonEscapesOnlyWhatItMust() {
        #expect(JSONValue.quoted("plain é 🚀") == "\"plain é 🚀\"")
        #expect(JSONValue.quoted("a\u{2028}b\u{2029}€") == #""a\u2028b\u2029€""#)
        #expect(JSONValue.quoted("q\"\\\u{7F}") == #""q\"\\\u007f""#)
    }

    @Test func jsonKeepsKeyOrderAndNesting() throws {
        let v: JSONValue = .object([("b", .int(1)), ("a", .array([.null, .bool(true), .string("x")])), ("c", .object([]))])
        #expect(v.serialized(pretty: false) == #"{"b":1,"a":[null,true,"x"],"c":{}}"#)
        #expect(v.serialized() == """
            {
              "b": 1,
              "a": [
                null,
                true,
                "x"
              ],
              "c": {}
            }
            """)
    }

    @Test func jsonRendererWritesNullsForMissingHintAndNoteSpans() throws {
        let d = Diagnostic(.invalidParamValue, "bad \"value\"", at: Self.span("/work/p/spec.yaml", 2, 3, 5),
                           notes: [DiagnosticNote("given on the command line")])
        let text = JSONRenderer(baseDirectory: "/work/p").render(DiagnosticReport(fileCount: 1, diagnostics: [d]))
        let doc = try #require(try Self.parse(text) as? [String: Any])
        let item = try #require((doc["diagnostics"] as? [[String: Any]])?.first)
        #expect(item["file"] as? String == "spec.yaml")
        #expect(item["message"] as? String == "bad \"value\"")
        #expect(item["hint"] is NSNull)
        let note = try #require((item["notes"] as? [[String: Any]])?.first)
        #expect(note["message"] as? String == "given on the command line")
        #expect(note["file"] is NSNull && note["start"] is NSNull && note["end"] is NSNull)
        #expect(text.hasSuffix("}\n"))
    }

    @Test func githubEscapesDataAndProperties() {
        #expect(GitHubRenderer.escapeData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b")
        #expect(GitHubRenderer.escapeProperty("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A")
        let d = Diagnostic(.unknownColumn, "50% of `x`\nsecond line", at: Self.span("dir,1/a:b.yaml", 4, 15, 18),
                           hint: "did you mean `y`?", notes: [DiagnosticNote("declared here", span: Self.span("dir,1/a:b.yaml", 2, 3, 4))])
        #expect(GitHubRenderer().render(d)
                == "::error file=dir%2C1/a%3Ab.yaml,line=4,col=15,endLine=4,endColumn=17,title=E202::50%25 of `x`%0Asecond line (hint: did you mean `y`?)%0Anote: declared here (dir,1/a:b.yaml:2:3)")
    }

    @Test func githubLevelsAndEmptySpans() {
        let w = Diagnostic(.unusedParam, "param `p` is never used", at: Self.span("s.yaml", 3, 3, 4))
        #expect(GitHubRenderer().render(w) == "::warning file=s.yaml,line=3,col=3,endLine=3,endColumn=3,title=W102::param `p` is never used")
        let n = Diagnostic(.lossyCast, "fyi", at: .synthetic("s.yaml"), severity: .note)
        #expect(GitHubRenderer().render(n) == "::notice file=s.yaml,line=1,col=1,endLine=1,endColumn=1,title=W301::fyi")
    }

    @Test func sarifMapsSeverityNotesAndPaths() throws {
        let diags = [
            Diagnostic(.duplicateKey, "duplicate key `from`", at: Self.span("/repo/pipes/my spec.yaml", 9, 5, 9), hint: "remove one",
                       notes: [DiagnosticNote("first defined here", span: Self.span("/repo/pipes/my spec.yaml", 8, 5, 9)),
                               DiagnosticNote("no position")]),
            Diagnostic(.lossyCast, "lossy", at: Self.span("/elsewhere/x.yaml", 1, 1, 2), severity: .note),
        ]
        let text = SARIFRenderer(documentationURL: "https://d.test/diagnostics.md", baseDirectory: "/repo")
            .render(DiagnosticReport(fileCount: 2, diagnostics: diags))
        let log = try #require(try Self.parse(text) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["level"] as? String } == ["error", "note"])
        #expect((results[0]["message"] as? [String: String])?["text"] == "duplicate key `from` (hint: remove one)\nnote: no position")
        func uri(_ location: Any?) -> String? {
            (((location as? [String: Any])?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String])?["uri"]
        }
        #expect(uri((results[0]["locations"] as? [Any])?.first) == "pipes/my%20spec.yaml")
        #expect(uri((results[1]["locations"] as? [Any])?.first) == "file:///elsewhere/x.yaml")
        let related = try #require(results[0]["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect(related[0]["id"] as? Int == 0)
        #expect(uri(related[0]) == "pipes/my%20spec.yaml")
    }

    @Test func everyCodeHasATitleAndAnAnchor() {
        let codes = DiagnosticCode.allCases
        #expect(Set(codes.map(\.rawValue)).count == codes.count)
        for code in codes {
            #expect(!code.title.isEmpty && !code.title.hasSuffix("."), "\(code.rawValue)")
            #expect(code.documentationAnchor == code.rawValue.lowercased())
        }
    }

    /// docs/diagnostics.md has a `### E202` heading (anchor `#e202`, what `helpUri` links to) for every code,
    /// followed by the code's title.
    @Test func everyCodeIsDocumented() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: repo.appendingPathComponent(DiagnosticCode.documentationPath), encoding: .utf8)
        let lines = docs.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for code in DiagnosticCode.allCases {
            let heading = lines.firstIndex(of: "### \(code.rawValue)")
            #expect(heading != nil, "no `### \(code.rawValue)` section")
            if let heading {
                #expect(lines[heading + 1 ..< min(heading + 4, lines.count)].contains { $0.hasPrefix("**\(code.title)**") }, "\(code.rawValue) title")
            }
        }
    }

    @Test(arguments: [("./a/b.yaml", nil, "a/b.yaml"), ("/w/p/a.yaml", "/w/p", "a.yaml"), ("/w/p/a.yaml", "/w/p/", "a.yaml"),
                      ("/w/pa.yaml", "/w/p", "/w/pa.yaml"), ("rel.yaml", "/w", "rel.yaml")] as [(String, String?, String)])
    func relativePaths(path: String, base: String?, expected: String) {
        #expect(DiagnosticPath.relative(path, to: base) == expected)
    }

    @Test func uris() {
        #expect(DiagnosticPath.uri("a b/c#d?.yaml") == "a%20b/c%23d%3F.yaml")
        #expect(DiagnosticPath.uri("x:y.yaml") == "x%3Ay.yaml")
        #expect(DiagnosticPath.uri("/abs/é.yaml") == "file:///abs/%C3%A9.yaml")
    }
}
