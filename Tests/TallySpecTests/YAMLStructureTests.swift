import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

@Suite struct DuplicateKeyTests {
    @Test func duplicateKeyIsReportedAtTheSecondWithANoteAtTheFirst() throws {
        let errors = yamlErrors("""
        sources:
          a: 1
          b: 2
          a: 3

        """)
        try #require(errors.count == 1)
        let d = errors[0]
        #expect(d.code == .duplicateKey)
        #expect(d.severity == .error)
        #expect(d.message == "duplicate key `a`")
        #expect(range(d.span) == "4:3-4:4")
        #expect(d.notes.count == 1)
        #expect(d.notes.first?.message == "`a` first defined here")
        #expect(d.notes.first?.span.map(range) == "2:3-2:4")
    }

    @Test func everyDuplicateIsReportedAtItsOwnLevel() {
        let errors = yamlErrors("""
        x: 1
        m:
          k: 1
          k: 2
        x: 2

        """)
        #expect(errors.map(\.code) == [.duplicateKey, .duplicateKey])
        #expect(Set(errors.map { pos($0.span.start) }) == ["4:3", "5:1"])
    }

    @Test func duplicateInFlowMapping() {
        let errors = yamlErrors("m: {a: 1, b: 2, a: 3}\n")
        #expect(errors.map(\.code) == [.duplicateKey])
        #expect(errors.map { pos($0.span.start) } == ["1:17"])
    }

    @Test func repeatedMergeKeysAreNotDuplicates() throws {
        let node = try parseYAML("""
        a: &a {x: 1}
        b: &b {y: 2}
        c:
          <<: *a
          <<: *b

        """)
        let c = try walk(node, "c")
        #expect(c.mapping?.compactMap { $0.key.scalar?.value }.sorted() == ["x", "y"])
    }
}

@Suite struct AliasAndMergeTests {
    @Test func aliasRepeatsTheAnchoredNode() throws {
        let node = try parseYAML("x: &v hello\ny: *v\nlist: &l [1, 2]\ncopy: *l\n")
        #expect(try walk(node, "y").scalar?.value == "hello")
        #expect(try walk(node, "copy").sequence?.compactMap { $0.scalar?.value } == ["1", "2"])
        // The alias points at the anchored node, so its span is the anchor's.
        #expect(range(try walk(node, "y").span) == "1:4-1:12")
    }

    @Test func mergeKeyAddsBasePairsThatAreNotSetExplicitly() throws {
        let node = try parseYAML("""
        base: &b {x: 1, y: 2}
        d:
          <<: *b
          y: 3

        """)
        let d = try walk(node, "d")
        #expect(d.mapping?.compactMap { $0.key.scalar?.value } == ["y", "x"])
        #expect(try walk(d, "y").scalar?.value == "3")
        #expect(try walk(d, "x").scalar?.value == "1")
        #expect(range(try walk(d, "y").span) == "4:6-4:7")
        #expect(range(try walk(d, "x").span) == "1:14-1:15")
    }

    @Test func mergeListGivesPrecedenceToTheFirstBase() throws {
        let node = try parseYAML("""
        a: &a {k: from_a, p: 1}
        b: &b {k: from_b, q: 2}
        c:
          <<: [*a, *b]

        """)
        let c = try walk(node, "c")
        #expect(try walk(c, "k").scalar?.value == "from_a")
        #expect(try walk(c, "p").scalar?.value == "1")
        #expect(try walk(c, "q").scalar?.value == "2")
        #expect(c.mapping?.count == 3)
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let node = try parseYAML("a: &a {x: 1}\nc:\n  \"<<\": *a\n")
        let c = try walk(node, "c")
        #expect(c.mapping?.compactMap { $0.key.scalar?.value } == ["<<"])
    }

    @Test func unknownAliasIsASyntaxError() {
        let errors = yamlErrors("a: &one 1\nb: *onr\n")
        #expect(errors.map(\.code) == [.yamlSyntax])
        #expect(errors.first?.message == "unknown alias `*onr`")
        #expect(errors.first.map { pos($0.span.start) } == "2:4")
        #expect(errors.first?.hint == "did you mean `one`?")
    }
}

@Suite struct AliasExpansionTests {
    @Test func billionLaughsIsRefusedQuicklyWithE107() throws {
        let text = try fixtureText("billion_laughs.yaml")
        let clock = ContinuousClock()
        var errors: [Diagnostic] = []
        let elapsed = clock.measure { errors = yamlErrors(text, file: "bomb.yaml") }
        #expect(elapsed < .seconds(10), "a bomb must be refused, not expanded")
        try #require(errors.count == 1)
        #expect(errors[0].code == .aliasExpansion)
        #expect(errors[0].message == "aliases expand this document past 100000 nodes")
        // `e` is the first level past 100 000 nodes: its tenth `*d` (11 111 nodes each) crosses the bound,
        // and the error points at that alias.
        #expect(range(errors[0].span) == "5:44-5:46")
    }

    /// `a: &x [1, 2, 3]` and `b: [*x, *x]` expand to exactly 16 nodes:
    /// root, 2 keys, the anchored list and its 3 items, list b and 2 copies of 4 nodes.
    static let sixteenNodes = "a: &x [1, 2, 3]\nb: [*x, *x]\n"

    @Test func expansionExactlyAtTheLimitIsAccepted() throws {
        let node = try YAMLParser(expansionLimit: 16).parse(Self.sixteenNodes, file: "t.yaml")
        #expect(node?["b"]?.sequence?.count == 2)
    }

    @Test func expansionOneNodePastTheLimitIsRefused() {
        let errors = yamlErrors(Self.sixteenNodes, parser: YAMLParser(expansionLimit: 15))
        #expect(errors.map(\.code) == [.aliasExpansion])
        #expect(errors.first?.message == "aliases expand this document past 15 nodes")
    }

    @Test func defaultLimit() {
        #expect(YAMLParser.defaultExpansionLimit == 100_000)
        #expect(YAMLParser().expansionLimit == 100_000)
    }
}

@Suite struct YAMLSyntaxErrorTests {
    @Test(arguments: [
        ("a: b: c\n", "1:5", "YAML syntax error: mapping values are not allowed in this context"),
        ("a:\n\t- b\n", "2:1", "YAML syntax error: found character that cannot start any token (while scanning for the next token)"),
        ("a: [1, 2\n", "2:1", "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"),
        ("x: 1\ny: \"open\nz: 2\n", "4:1", "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)"),
        ("a:\n  b: 1\n c: 2\n", "3:2", "YAML syntax error: did not find expected key (while parsing a block mapping)"),
    ])
    func syntaxErrorPositionAndMessage(text: String, at position: String, message: String) throws {
        let errors = yamlErrors(text)
        try #require(errors.count == 1)
        #expect(errors[0].code == .yamlSyntax)
        #expect(pos(errors[0].span.start) == position)
        #expect(errors[0].message == message)
    }

    @Test func unclosedFlowSequenceNotesWhereItStarted() throws {
        let errors = yamlErrors("a: [1, 2\n")
        let note = try #require(errors.first?.notes.first)
        #expect(note.message == "the construct started here")
        #expect(note.span.map(range) == "1:4-1:5")
    }

    @Test func mappingValueErrorGetsTheQuotingHint() {
        let errors = yamlErrors("a: b: c\n")
        #expect(errors.first?.hint == "quote a value that contains `: ` or fix the indentation of this key")
    }

    @Test func tabInsideABlockScalarGetsTheTabHint() {
        let errors = yamlErrors("a: |\n\tb\n")
        #expect(errors.map(\.code) == [.yamlSyntax])
        #expect(errors.first?.hint == "indent with spaces; YAML does not allow tabs for indentation")
    }

    /// libyaml reports a tab-indented line as "found character that cannot start any token"; the hint
    /// still names the tab.
    @Test func tabIndentedLineGetsTheTabHint() {
        let errors = yamlErrors("a:\n\t- b\n")
        #expect(errors.first?.hint == "indent with spaces; YAML does not allow tabs for indentation")
    }

    @Test func secondDocumentIsRefused() throws {
        let errors = yamlErrors("a: 1\n---\nb: 2\n")
        try #require(errors.count == 1)
        #expect(errors[0].code == .yamlSyntax)
        #expect(errors[0].message == "a spec file holds one YAML document; found a second one")
        #expect(pos(errors[0].span.start) == "2:1")
    }

    @Test func secondExplicitDocumentIsRefusedAtItsMarker() {
        let errors = yamlErrors("---\na: 1\n...\n---\nb: 2\n")
        #expect(errors.map(\.code) == [.yamlSyntax])
        #expect(errors.map { pos($0.span.start) } == ["4:1"])
    }

    @Test func singleExplicitDocumentIsFine() throws {
        let node = try parseYAML("---\na: 1\n...\n")
        #expect(node["a"]?.scalar?.value == "1")
    }

    @Test func emptyDocumentParsesToNil() throws {
        #expect(try YAMLParser().parse("", file: "e.yaml") == nil)
        #expect(try YAMLParser().parse("# only a comment\n", file: "e.yaml") == nil)
    }
}
