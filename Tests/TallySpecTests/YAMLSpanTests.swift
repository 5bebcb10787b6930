import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

/// Spans of the positioned YAML tree: 1-based lines, columns counted in Unicode scalars, end exclusive.
@Suite struct YAMLSpanTests {
    let root: YAMLNode

    init() throws {
        root = try parseYAML(try fixtureText("spans.yaml"), file: "spans.yaml")
    }

    @Test func rootMappingCoversTheDocumentAndCarriesTheFileName() {
        #expect(range(root.span) == "1:1-10:1")
        #expect(root.span.file == "spans.yaml")
        #expect(root.mapping?.map { $0.key.scalar?.value ?? "?" } == ["name", "tags", "meta", "list", "ünï", "last"])
    }

    @Test(arguments: [
        // (path, expected value, expected span)
        (["name"], "retail", "1:7-1:13"),
        (["tags", "0"], "a", "2:8-2:9"),
        (["tags", "1"], "bb", "2:11-2:13"),
        (["tags", "2"], "c d", "2:15-2:20"),
        (["meta", "owner"], "é-team", "3:15-3:21"),
        (["meta", "n"], "3", "3:26-3:27"),
        (["list", "0"], "one", "5:5-5:8"),
        (["list", "1", "key"], "v", "6:10-6:11"),
        (["list", "1", "other"], "w", "7:12-7:13"),
        (["ünï"], "日本 x", "8:6-8:10"),
        (["last", "0", "k"], "🙂", "9:12-9:13"),
        (["last", "1"], "🙂🙂", "9:16-9:18"),
    ])
    func scalarValueSpans(path: [String], value: String, span: String) throws {
        var node = root
        for step in path { node = try walk(node, step) }
        #expect(node.scalar?.value == value)
        #expect(range(node.span) == span)
    }

    @Test(arguments: [
        ([String](), "name", "1:1-1:5"),
        (["meta"], "owner", "3:8-3:13"),
        (["meta"], "n", "3:23-3:24"),
        (["list", "1"], "key", "6:5-6:8"),
        (["list", "1"], "other", "7:5-7:10"),
        ([String](), "ünï", "8:1-8:4"),
        ([String](), "last", "9:1-9:5"),
    ])
    func keySpans(path: [String], key: String, span: String) throws {
        var node = root
        for step in path { node = try walk(node, step) }
        #expect(range(try keyNode(node, key).span) == span)
    }

    @Test func flowCollectionSpansRunFromOpeningToPastClosingBracket() throws {
        #expect(range(try walk(root, "tags").span) == "2:7-2:21")
        #expect(range(try walk(root, "meta").span) == "3:7-3:28")
        #expect(range(try walk(root, "last").span) == "9:7-9:19")
        #expect(range(try walk(root, "last", "0").span) == "9:8-9:14")
    }

    @Test func blockCollectionsStartAtTheirFirstIndicatorOrKey() throws {
        let list = try walk(root, "list")
        #expect(list.sequence?.count == 2)
        #expect(pos(list.span.start) == "5:3")
        #expect(pos(try walk(root, "list", "1").span.start) == "6:5")
    }

    @Test func scalarStylesAndPositionsOfFlowScalars() throws {
        let plain = try #require(try walk(root, "name").scalar)
        #expect(plain.style == .plain)
        #expect(lineStarts(plain).map(pos) == ["1:7"])
        let quoted = try #require(try walk(root, "tags", "2").scalar)
        #expect(quoted.style == .doubleQuoted)
        // Content starts after the opening quote.
        #expect(lineStarts(quoted).map(pos) == ["2:16"])
    }

    @Test func quotedScalarsAreUnescaped() throws {
        let node = try parseYAML("x: 'it''s'\ny: \"a\\tb\"\n")
        let x = try #require(try walk(node, "x").scalar)
        let y = try #require(try walk(node, "y").scalar)
        #expect(x.value == "it's")
        #expect(x.style == .singleQuoted)
        #expect(range(try walk(node, "x").span) == "1:4-1:11")
        #expect(y.value == "a\tb")
        #expect(range(try walk(node, "y").span) == "2:4-2:10")
    }

    @Test func columnsCountScalarsNotBytesOrGraphemes() throws {
        // "e" + combining acute accent is two scalars (one grapheme, three bytes).
        let node = try parseYAML("a: [e\u{301}x, y]\n")
        #expect(range(try walk(node, "a", "0").span) == "1:5-1:8")
        #expect(range(try walk(node, "a", "1").span) == "1:10-1:11")
    }
}

/// Positions of block scalars' characters: where each line of the value starts in the file.
@Suite struct BlockScalarTests {
    @Test func literalBlockLineStartsUseTheBlockIndentation() throws {
        let node = try parseYAML("""
        a: |
          line one
            indented more
          line three
        z: 1

        """)
        let a = try #require(try walk(node, "a").scalar)
        #expect(a.style == .literal)
        #expect(a.value == "line one\n  indented more\nline three\n")
        #expect(lineStarts(a).map(pos) == ["2:3", "3:3", "4:3"])
        #expect(pos(try walk(node, "a").span.start) == "1:4")
    }

    @Test func foldedBlockKeepsOneStartPerSourceLine() throws {
        let node = try parseYAML("""
        top:
          b: >-
            folded one
            folded two

        """)
        let b = try #require(try walk(node, "top", "b").scalar)
        #expect(b.style == .folded)
        #expect(b.value == "folded one folded two")
        // Folding joins the lines: the second source line's text starts at offset 11 of the value.
        #expect(pos(b.positions[0]) == "3:5")
        #expect(pos(b.positions[11]) == "4:5")
    }

    @Test func blankLinesInsideABlockGetAStartToo() throws {
        let node = try parseYAML("d: |\n  x\n\n  y\n")
        let d = try #require(try walk(node, "d").scalar)
        #expect(d.value == "x\n\ny\n")
        // The blank line has no content: its line break is at its first column.
        #expect(lineStarts(d).map(pos) == ["2:3", "3:1", "4:3"])
    }

    @Test func blockAtEndOfFileWithoutNewline() throws {
        let node = try parseYAML("f: |-\n  a > 1 and\n  b")
        let f = try #require(try walk(node, "f").scalar)
        #expect(f.value == "a > 1 and\nb")
        #expect(lineStarts(f).map(pos) == ["2:3", "3:3"])
    }
}
