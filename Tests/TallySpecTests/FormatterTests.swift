import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

/// `tally fmt`: golden pairs, idempotency, meaning preserved, refusals and `--check`.
@Suite struct FormatterTests {
    /// Each names a folder under `Fixtures/fmt` holding `input.yaml` and `expected.yaml`.
    static let fixtures = [
        "blank_lines", "block_scalars", "canonical", "comments_end_of_file", "comments_leading", "comments_trailing",
        "flow_lists", "hash_in_scalars", "key_order_entries", "key_order_top_level", "multiline_scalars",
        "nested_steps", "quotes", "sinks",
    ]

    static func input(_ name: String) throws -> String { try fixtureText("fmt/\(name)/input.yaml") }
    static func expected(_ name: String) throws -> String { try fixtureText("fmt/\(name)/expected.yaml") }

    /// The canonical text, failing the test when the spec is refused.
    static func formatted(_ text: String, sourceLocation: TestLoc = #_sourceLocation) throws -> String {
        let outcome = try SpecFormatter.format(text, file: "t.yaml")
        guard case .formatted(let out) = outcome else {
            Issue.record("expected formatted text, got \(outcome)", sourceLocation: sourceLocation)
            throw Diagnostics()
        }
        return out
    }

    @Test func everyFixtureFolderIsListed() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: fixtureURL("fmt").path).sorted()
        #expect(folders == Self.fixtures.sorted())
    }

    @Test(arguments: fixtures)
    func formatsToTheGoldenText(name: String) throws {
        #expect(try Self.formatted(Self.input(name)) == Self.expected(name))
    }

    @Test(arguments: fixtures)
    func formattingTwiceChangesNothing(name: String) throws {
        let once = try Self.formatted(Self.input(name))
        #expect(try Self.formatted(once) == once)
        #expect(try Self.formatted(Self.expected(name)) == Self.expected(name))
    }

    @Test(arguments: fixtures)
    func formattingKeepsTheSpecsMeaning(name: String) throws {
        let text = try Self.input(name)
        try expectSameMeaning(text, try Self.formatted(text))
    }

    @Test func seedPipelineIsIdempotentAndKeepsItsMeaning() throws {
        let seed = try seedPipelineText()
        let once = try Self.formatted(seed)
        #expect(try Self.formatted(once) == once)
        try expectSameMeaning(seed, once)
        // Every comment of the seed survives.
        for line in seed.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            #expect(once.contains(String(line)))
        }
    }

    @Test func anAlreadyCanonicalSpecIsLeftByteForByte() throws {
        let text = try Self.input("canonical")
        #expect(try Self.formatted(text) == text)
    }

    // MARK: - Refusals

    @Test(arguments: [
        "sources:\n  a:\n    columns: &cols\n      x: int\n  b:\n    columns: *cols\n",
        "sinks:\n  base: &b {type: csv}\n  copy:\n    <<: *b\n    path: x.csv\n",
        "name: !!str tagged\n",
    ])
    func specsWithAnchorsAliasesOrTagsAreNotRewritten(text: String) throws {
        let outcome = try SpecFormatter.format(text, file: "t.yaml")
        guard case .unsupported(let reason) = outcome else {
            Issue.record("expected the spec to be left alone, got \(outcome)")
            return
        }
        #expect(reason.contains("anchors"))
    }

    @Test func yamlErrorsAreReportedWithTheirPosition() throws {
        do {
            _ = try SpecFormatter.format("version: 1\nsources:\n  a: [x\nsinks: {}\n", file: "bad.yaml")
            Issue.record("expected a YAML error")
        } catch {
            let d = try #require(error.all.first)
            #expect(d.code == .yamlSyntax)
            #expect(d.span.file == "bad.yaml")
            #expect(d.span.start.line >= 3)
        }
        do {
            _ = try SpecFormatter.format("name: a\nname: b\n", file: "dup.yaml")
            Issue.record("expected a duplicate key error")
        } catch {
            #expect(error.all.map(\.code) == [.duplicateKey])
            #expect(pos(error.all[0].span.start) == "2:1")
        }
    }

    @Test func anEmptySpecIsLeftAlone() throws {
        #expect(try SpecFormatter.format("# only a comment\n", file: "t.yaml") == .unsupported("the spec holds no YAML document"))
    }

    // MARK: - Details

    @Test func crlfLineEndingsBecomeLF() throws {
        #expect(try Self.formatted("version: 1\r\nname: x\r\n") == "version: 1\nname: x\n")
    }

    @Test func explicitDocumentStartIsKeptAndDocumentEndDropped() throws {
        #expect(try Self.formatted("---\nversion: 1\n...\n") == "---\nversion: 1\n")
    }

    @Test func commentsInsideAFlowListTurnItIntoABlockList() throws {
        let text = "steps:\n  - select: [\n      a,  # first\n      b\n    ]\n"
        #expect(try Self.formatted(text) == "steps:\n  - select:\n      - a # first\n      - b\n")
    }

    @Test func commentsIndentedAsAnEndedBlockStayAtTheEndOfThatBlock() throws {
        let text = "sources:\n  a:\n    path: a.csv\n    # header: false\nsinks: {}\n"
        #expect(try Self.formatted(text) == "sources:\n  a:\n    path: a.csv\n    # header: false\nsinks: {}\n")
    }

    @Test func flowListsAreUsedOnlyWhenTheLineFits() throws {
        let names = (1...12).map { "column_number_\($0)" }
        let text = "steps:\n  - select: [\(names.joined(separator: ", "))]\n"
        let out = try Self.formatted(text)
        #expect(out == "steps:\n  - select:\n" + names.map { "      - \($0)\n" }.joined())
        let short = "steps:\n  - select:\n      - a\n      - b\n"
        #expect(try Self.formatted(short) == "steps:\n  - select: [a, b]\n")
    }

    @Test(arguments: [
        ("\"plain text\"", "plain text"),
        ("'plain text'", "plain text"),
        ("\"1\"", "\"1\""),
        ("\"true\"", "\"true\""),
        ("\"null\"", "\"null\""),
        ("\"\"", "\"\""),
        ("\"a: b\"", "\"a: b\""),
        ("\"a #b\"", "\"a #b\""),
        ("\"*x\"", "\"*x\""),
        ("\";\"", "\";\""),
        ("'it''s: x'", "\"it's: x\""),
        ("'say \"x\": y'", "'say \"x\": y'"),
        ("\"tab\\there\"", "\"tab\\there\""),
        ("plain", "plain"),
        ("2024-03-01", "2024-03-01"),
    ])
    func scalarQuoting(input: String, output: String) throws {
        #expect(try Self.formatted("key: \(input)\n") == "key: \(output)\n")
    }

    // MARK: - --check and rewriting files

    @Test func checkListsWithoutWritingAndFormattingRewritesInPlace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let messy = dir.appendingPathComponent("messy.yaml").path
        let clean = dir.appendingPathComponent("clean.yaml").path
        let anchored = dir.appendingPathComponent("anchored.yaml").path
        let broken = dir.appendingPathComponent("broken.yaml").path
        let messyText = try Self.input("key_order_entries")
        try messyText.write(toFile: messy, atomically: false, encoding: .utf8)
        try Self.expected("key_order_entries").write(toFile: clean, atomically: false, encoding: .utf8)
        try "a: &x 1\nb: *x\n".write(toFile: anchored, atomically: false, encoding: .utf8)
        try "a: [1\n".write(toFile: broken, atomically: false, encoding: .utf8)
        chmod(messy, 0o640)

        // --check: reports, writes nothing.
        let checked = try [messy, clean, anchored, broken].map { try SpecFileFormatter.format(path: $0, check: true) }
        #expect(statuses(checked) == ["reformatted", "unchanged", "unsupported", "invalid"])
        #expect(try String(contentsOfFile: messy, encoding: .utf8) == messyText)
        #expect(try String(contentsOfFile: anchored, encoding: .utf8) == "a: &x 1\nb: *x\n")

        // Formatting rewrites only the file that was not canonical, keeping its permissions.
        let written = try [messy, clean, anchored, broken].map { try SpecFileFormatter.format(path: $0, check: false) }
        #expect(statuses(written) == ["reformatted", "unchanged", "unsupported", "invalid"])
        #expect(try String(contentsOfFile: messy, encoding: .utf8) == Self.expected("key_order_entries"))
        #expect(try String(contentsOfFile: broken, encoding: .utf8) == "a: [1\n")
        let mode = try FileManager.default.attributesOfItem(atPath: messy)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            == ["anchored.yaml", "broken.yaml", "clean.yaml", "messy.yaml"])

        // A second pass finds everything canonical.
        #expect(statuses([try SpecFileFormatter.format(path: messy, check: true)]) == ["unchanged"])
    }

    @Test func anUnreadableFileIsAnIOError() {
        #expect(throws: SpecFileFormatter.IOError.self) {
            try SpecFileFormatter.format(path: "/nonexistent/spec.yaml", check: true)
        }
    }

    // MARK: - Helpers

    func statuses(_ results: [SpecFileFormatter.Result]) -> [String] {
        results.map {
            switch $0.status {
            case .unchanged: "unchanged"
            case .reformatted: "reformatted"
            case .unsupported: "unsupported"
            case .invalid: "invalid"
            case .internalError(let why): "internal error: \(why)"
            }
        }
    }

    /// The decoded spec and the YAML tree of both texts agree once spans are ignored (and, for the tree, key order).
    func expectSameMeaning(_ before: String, _ after: String, sourceLocation: TestLoc = #_sourceLocation) throws {
        let (a, da) = SpecDecoder.parse(before, file: "t.yaml")
        let (b, db) = SpecDecoder.parse(after, file: "t.yaml")
        #expect(spanFree(a as Any) == spanFree(b as Any), sourceLocation: sourceLocation)
        let messages = { (d: Diagnostics) in d.all.map { "\($0.code.rawValue) \($0.message)" }.sorted() }
        #expect(messages(da) == messages(db), sourceLocation: sourceLocation)
        let ta = try #require(try YAMLParser().parse(before, file: "t.yaml"))
        let tb = try #require(try YAMLParser().parse(after, file: "t.yaml"))
        #expect(treeText(ta) == treeText(tb), sourceLocation: sourceLocation)
    }

    /// A rendering of any value with every span, position list and file name left out.
    func spanFree(_ value: Any) -> String {
        if value is Span || value is Loc { return "_" }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { spanFree($0.value) } ?? "nil"
        case .collection, .set:
            return "[" + mirror.children.map { spanFree($0.value) }.joined(separator: ", ") + "]"
        case .struct, .class, .tuple, .enum where !mirror.children.isEmpty:
            let fields = mirror.children.filter { !["span", "positions", "file"].contains($0.label ?? "") }
                .map { "\($0.label ?? "_"): \(spanFree($0.value))" }
            return "\(mirror.subjectType)(\(fields.joined(separator: ", ")))"
        default:
            return String(reflecting: value)
        }
    }

    /// The YAML tree as text: values with whether they are plain, mappings sorted by key, no spans.
    func treeText(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let s):
            let tag = s.style == .plain && FormatScalarText.looksSpecial(s.value) ? "!" : ""
            return tag + String(reflecting: s.value)
        case .sequence(let items):
            return "[" + items.map(treeText).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { "\(treeText($0.key)): \(treeText($0.value))" }.sorted().joined(separator: ", ") + "}"
        }
    }
}
