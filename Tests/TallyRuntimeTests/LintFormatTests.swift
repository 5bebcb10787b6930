import Foundation
import Testing
import TallyDiagnostics
import TallyRuntime

/// `tally lint --format json|sarif|github`, exit codes and colour: the output a CI job reads.
@Suite struct LintFormatTests {
    static let options = CompilerOptionsInput(date: "2024-03-01", params: [], warehouse: nil, allowOutsideRoot: false)
    static let docs = "https://example.test/tally/docs/diagnostics.md"

    /// W101 at 6:3-6:9 and E202 at 13:17-13:21.
    static let badSpec = """
        version: 1
        sources:
          sales:
            path: sales.csv
            columns: {sku: string, qty: int}
          unused:
            path: other.csv
            columns: {sku: string}
        transforms:
          big:
            from: sales
            steps:
              - filter: qtty > 0
        sinks:
          out: {type: csv, from: big, path: out/big.csv}

        """

    /// E102 at 9:5-9:9 with a note at 8:5-8:9.
    static let duplicateKeySpec = """
        version: 1
        sources:
          sales:
            path: sales.csv
            columns: {sku: string, qty: int}
        transforms:
          big:
            from: sales
            from: sales
        sinks:
          out: {type: csv, from: big, path: out/big.csv}

        """

    static let cleanSpec = """
        version: 1
        sources:
          sales:
            path: sales.csv
            columns: {sku: string, qty: int}
        sinks:
          out: {type: csv, from: sales, path: out/sales.csv}

        """

    /// A workspace holding `bad.yaml`, `dup.yaml` and `clean.yaml`.
    static func workspace() throws -> TestWorkspace {
        let ws = try TestWorkspace()
        try ws.write("bad.yaml", badSpec)
        try ws.write("dup.yaml", duplicateKeySpec)
        try ws.write("clean.yaml", cleanSpec)
        return ws
    }

    static func lint(_ ws: TestWorkspace, _ files: [String], format: LintFormat, strict: Bool = false) throws -> LintResult {
        try LintCommand.run(paths: files.map(ws.path), options: options, strict: strict, color: false, format: format,
                            documentationURL: docs, baseDirectory: ws.root)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: JSON

    @Test func jsonHasTheDocumentedShapeAndExactFields() throws {
        let ws = try Self.workspace()
        let result = try Self.lint(ws, ["bad.yaml", "dup.yaml", "clean.yaml"], format: .json)
        #expect(result.failed)
        let doc = try Self.object(result.text)
        #expect(doc["version"] as? Int == 1)
        #expect(doc["tool"] as? String == "tally")
        #expect(doc["files"] as? Int == 3)
        #expect(doc["summary"] as? [String: Int] == ["errors": 2, "warnings": 1])
        let diags = try #require(doc["diagnostics"] as? [[String: Any]])
        #expect(diags.count == 3)
        #expect(diags.map { $0["code"] as? String } == ["W101", "E202", "E102"])

        let w = diags[0]
        #expect(Set(w.keys) == ["file", "severity", "code", "title", "message", "start", "end", "hint", "notes"])
        #expect(w["file"] as? String == "bad.yaml")
        #expect(w["severity"] as? String == "warning")
        #expect(w["title"] as? String == "Unused source")
        #expect(w["message"] as? String == "source `unused` is never read")
        #expect(w["start"] as? [String: Int] == ["line": 6, "column": 3])
        #expect(w["end"] as? [String: Int] == ["line": 6, "column": 9])
        #expect(w["hint"] as? String == "remove it or read it from a transform or sink")
        #expect((w["notes"] as? [Any])?.isEmpty == true)

        let e = diags[1]
        #expect(e["severity"] as? String == "error")
        #expect(e["title"] as? String == "Unknown column")
        #expect(e["message"] as? String == "unknown column `qtty` in the filter of `big`")
        #expect(e["start"] as? [String: Int] == ["line": 13, "column": 17])
        #expect(e["end"] as? [String: Int] == ["line": 13, "column": 21])
        #expect(e["hint"] as? String == "did you mean `qty`?")

        let d = diags[2]
        #expect(d["file"] as? String == "dup.yaml")
        let notes = try #require(d["notes"] as? [[String: Any]])
        #expect(notes.count == 1)
        #expect(notes[0]["message"] as? String == "`from` first defined here")
        #expect(notes[0]["file"] as? String == "dup.yaml")
        #expect(notes[0]["start"] as? [String: Int] == ["line": 8, "column": 5])
        #expect(notes[0]["end"] as? [String: Int] == ["line": 8, "column": 9])
    }

    @Test func jsonOfACleanSpecHasNoDiagnosticsAndIsDeterministic() throws {
        let ws = try Self.workspace()
        let a = try Self.lint(ws, ["clean.yaml"], format: .json)
        #expect(!a.failed)
        let doc = try Self.object(a.text)
        #expect(doc["files"] as? Int == 1)
        #expect((doc["diagnostics"] as? [Any])?.isEmpty == true)
        #expect(doc["summary"] as? [String: Int] == ["errors": 0, "warnings": 0])
        let b = try Self.lint(ws, ["bad.yaml", "dup.yaml"], format: .json).text
        #expect(b == (try Self.lint(ws, ["bad.yaml", "dup.yaml"], format: .json).text))
    }

    @Test func strictRaisesWarningsToErrorsInEveryFormat() throws {
        let ws = try Self.workspace()
        let json = try Self.object(try Self.lint(ws, ["bad.yaml"], format: .json, strict: true).text)
        #expect(json["summary"] as? [String: Int] == ["errors": 2, "warnings": 0])
        let github = try Self.lint(ws, ["bad.yaml"], format: .github, strict: true).text
        #expect(github.hasPrefix("::error file=bad.yaml,line=6,"))
    }

    // MARK: GitHub

    @Test func githubAnnotationsAreExactWorkflowCommands() throws {
        let ws = try Self.workspace()
        let result = try Self.lint(ws, ["bad.yaml", "dup.yaml", "clean.yaml"], format: .github)
        #expect(result.text == """
            ::warning file=bad.yaml,line=6,col=3,endLine=6,endColumn=8,title=W101::source `unused` is never read (hint: remove it or read it from a transform or sink)
            ::error file=bad.yaml,line=13,col=17,endLine=13,endColumn=20,title=E202::unknown column `qtty` in the filter of `big` (hint: did you mean `qty`?)
            ::error file=dup.yaml,line=9,col=5,endLine=9,endColumn=8,title=E102::duplicate key `from` (hint: remove one of the two `from` entries or merge them)%0Anote: `from` first defined here (dup.yaml:8:5)

            """)
    }

    // MARK: SARIF

    @Test func sarifHasOneRunWithRulesResultsAndRelatedLocations() throws {
        let ws = try Self.workspace()
        let log = try Self.object(try Self.lint(ws, ["bad.yaml", "dup.yaml"], format: .sarif).text)
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs[0]["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "tally")
        #expect(driver["informationUri"] as? String == Self.docs)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == DiagnosticCode.allCases.map(\.rawValue))
        let e202 = try #require(rules.first { $0["id"] as? String == "E202" })
        #expect((e202["shortDescription"] as? [String: String])?["text"] == "Unknown column")
        #expect(e202["helpUri"] as? String == Self.docs + "#e202")

        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["W101", "E202", "E102"])
        #expect(results.map { $0["level"] as? String } == ["warning", "error", "error"])
        for r in results {
            let index = try #require(r["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == r["ruleId"] as? String)
        }
        let unknown = results[1]
        #expect((unknown["message"] as? [String: String])?["text"]
                == "unknown column `qtty` in the filter of `big` (hint: did you mean `qty`?)")
        let location = try #require((unknown["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: String])?["uri"] == "bad.yaml")
        #expect(location["region"] as? [String: Int] == ["startLine": 13, "startColumn": 17, "endLine": 13, "endColumn": 21])
        #expect(unknown["relatedLocations"] == nil)

        let related = try #require(results[2]["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect((related[0]["message"] as? [String: String])?["text"] == "`from` first defined here")
        let relatedPhysical = try #require(related[0]["physicalLocation"] as? [String: Any])
        #expect((relatedPhysical["artifactLocation"] as? [String: String])?["uri"] == "dup.yaml")
        #expect(relatedPhysical["region"] as? [String: Int] == ["startLine": 8, "startColumn": 5, "endLine": 8, "endColumn": 9])
    }

    /// Validates against the OASIS SARIF 2.1.0 schema (Fixtures/sarif-2.1.0.json) with Python's `jsonschema`.
    @Test(.enabled(if: LintFormatTests.pythonHasJSONSchema, "needs python3 with the jsonschema module"),
          arguments: [["bad.yaml", "dup.yaml"], ["clean.yaml"]])
    func sarifValidatesAgainstTheSchema(files: [String]) throws {
        let ws = try Self.workspace()
        try ws.write("out.sarif", try Self.lint(ws, files, format: .sarif).text)
        let schema = TestWorkspace.fixtures.appendingPathComponent("sarif-2.1.0.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            log = json.load(open(sys.argv[2], encoding="utf-8"))
            v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
            errors = sorted(v.iter_errors(log), key=lambda e: list(e.absolute_path))
            for e in errors:
                print("/".join(map(str, e.absolute_path)) or "<root>", e.message)
            sys.exit(1 if errors else 0)
            """
        let (status, output) = try Self.python(["-c", script, schema, ws.path("out.sarif")])
        #expect(status == 0, "SARIF output does not validate:\n\(output)")
    }

    @Test func aDocumentThatBreaksTheSchemaIsRejected() throws {
        // Guards the validation test itself: a result without `message` must fail.
        guard Self.pythonHasJSONSchema else { return }
        let schema = TestWorkspace.fixtures.appendingPathComponent("sarif-2.1.0.json").path
        let (status, _) = try Self.python(["-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "tally"}}, "results": [{"ruleId": "E1"}]}]}
            sys.exit(0 if list(jsonschema.Draft4Validator(schema).iter_errors(bad)) else 3)
            """, schema])
        #expect(status == 0)
    }

    static let pythonHasJSONSchema: Bool = (try? python(["-c", "import jsonschema"]).0) == 0

    static func python(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: Exit codes and colour

    @Test(arguments: [
        (["clean.yaml"], false, Int32(0)),
        (["clean.yaml"], true, Int32(0)),
        (["bad.yaml"], false, Int32(1)),
        (["dup.yaml"], false, Int32(1)),
        (["missing.yaml"], false, Int32(2)),
        (["clean.yaml", "missing.yaml"], false, Int32(2)),
    ])
    func exitCodes(files: [String], strict: Bool, expected: Int32) throws {
        let ws = try Self.workspace()
        for format in LintFormat.allCases {
            var out: [String] = []
            var err: [String] = []
            let code = LintCommand.execute(paths: files.map(ws.path), options: Self.options, strict: strict, color: false,
                                           format: format, documentationURL: Self.docs, baseDirectory: ws.root,
                                           out: { out.append($0) }, err: { err.append($0) })
            #expect(code == expected, "\(format)")
            if expected == 2 {
                #expect(out.isEmpty)
                #expect(err.first?.hasPrefix("error: no such file or folder") == true)
            } else {
                #expect(err.last?.hasPrefix("linted ") == true)
            }
        }
    }

    @Test func warningsPassUnlessStrict() throws {
        let ws = try TestWorkspace()
        try ws.write("warn.yaml", Self.cleanSpec.replacingOccurrences(of: "sinks:", with: """
              spare:
                path: spare.csv
                columns: {sku: string}
            sinks:
            """))
        let run = { (strict: Bool) in
            LintCommand.execute(paths: [ws.path("warn.yaml")], options: Self.options, strict: strict, color: false,
                                format: .text, out: { _ in }, err: { _ in })
        }
        #expect(run(false) == 0)
        #expect(run(true) == 1)
    }

    @Test(arguments: [
        ("always", false, [:], true), ("never", true, [:], false), ("auto", true, [:], true),
        ("auto", false, [:], false), ("auto", true, ["NO_COLOR": "1"], false), ("auto", true, ["NO_COLOR": ""], true),
        ("always", true, ["NO_COLOR": "1"], true),
    ] as [(String, Bool, [String: String], Bool)])
    func colourChoice(choice: String, terminal: Bool, env: [String: String], expected: Bool) {
        #expect(LintCommand.useColor(choice, isTerminal: terminal, environment: env) == expected)
    }
}
