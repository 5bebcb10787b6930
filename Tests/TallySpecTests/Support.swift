import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

/// `line:column` of a location, the form every position assertion compares.
func pos(_ l: Loc) -> String { "\(l.line):\(l.column)" }

/// `start-end` of a span as `line:col-line:col`.
func range(_ s: Span) -> String { "\(pos(s.start))-\(pos(s.end))" }

/// Parses YAML text, failing the test if it does not parse.
func parseYAML(_ text: String, file: String = "t.yaml", sourceLocation: TestLoc = #_sourceLocation) throws -> YAMLNode {
    do {
        let node = try YAMLParser().parse(text, file: file)
        return try #require(node, "empty document", sourceLocation: sourceLocation)
    } catch let d as Diagnostics {
        Issue.record("unexpected YAML diagnostics:\n\(d)", sourceLocation: sourceLocation)
        throw d
    }
}

typealias TestLoc = Testing.SourceLocation
typealias Loc = TallyDiagnostics.SourceLocation

/// The diagnostics a YAML text is refused with (records an issue when it parses).
func yamlErrors(_ text: String, parser: YAMLParser = YAMLParser(), file: String = "t.yaml",
                sourceLocation: TestLoc = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try parser.parse(text, file: file)
        Issue.record("expected the YAML to be refused", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.all
    }
}

/// Follows a path of mapping keys and sequence indices (as strings) from `node`.
func walk(_ node: YAMLNode, _ path: String...) throws -> YAMLNode {
    var n = node
    for step in path {
        if let i = Int(step), let items = n.sequence {
            n = try #require(items.indices.contains(i) ? items[i] : nil, "no item \(i)")
        } else {
            n = try #require(n[step], "no key `\(step)`")
        }
    }
    return n
}

/// The key node of `key` in a mapping node.
func keyNode(_ node: YAMLNode, _ key: String) throws -> YAMLNode {
    try #require(node.mapping?.first { $0.key.scalar?.value == key }?.key, "no key `\(key)`")
}

/// An expression source for `text` as if written at 1:1 of a one-line file.
func exprSource(_ text: String) -> ExprSource {
    let start = Loc(line: 1, column: 1)
    return ExprSource(text: text, span: Span(file: "e", start: start, end: Loc(line: 1, column: 1 + text.unicodeScalars.count)))
}

/// Parses an expression that must be valid.
func parseExpr(_ text: String, sourceLocation: TestLoc = #_sourceLocation) throws -> Expr {
    switch ExprParser.parse(exprSource(text)) {
    case .success(let e): return e
    case .failure(let d):
        Issue.record("`\(text)` failed to parse: \(d)", sourceLocation: sourceLocation)
        throw d
    }
}

/// The diagnostic an invalid expression is refused with.
func exprError(_ source: ExprSource, sourceLocation: TestLoc = #_sourceLocation) throws -> Diagnostic {
    switch ExprParser.parse(source) {
    case .success(let e):
        Issue.record("`\(source.text)` parsed as \(sx(e))", sourceLocation: sourceLocation)
        throw Diagnostics()
    case .failure(let d): return d
    }
}

/// An S-expression rendering of an expression tree, so precedence can be compared as text.
func sx(_ e: Expr) -> String {
    switch e.kind {
    case .literal(let l):
        switch l {
        case .integer(let s), .decimal(let s), .double(let s): return s
        case .string(let s): return "'\(s)'"
        case .bool(let b): return "\(b)"
        case .null: return "null"
        case .date(let s): return "date'\(s)'"
        case .timestamp(let s): return "timestamp'\(s)'"
        }
    case .column(let n): return n.contains(" ") ? "[\(n)]" : n
    case .param(let n): return "$" + n
    case .unary(let op, let x): return "(\(op.rawValue) \(sx(x)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(sx(a)) \(sx(b)))"
    case .isNull(let x, let negated): return "(\(negated ? "is-not-null" : "is-null") \(sx(x)))"
    case .inList(let x, let items, let negated):
        return "(\(negated ? "not-in" : "in") \(sx(x)) \(items.map(sx).joined(separator: " ")))"
    case .between(let x, let low, let high, let negated):
        return "(\(negated ? "not-between" : "between") \(sx(x)) \(sx(low)) \(sx(high)))"
    case .caseWhen(let clauses, let otherwise):
        let whens = clauses.map { "(when \(sx($0.condition)) \(sx($0.result)))" }.joined(separator: " ")
        return "(case \(whens)\(otherwise.map { " (else \(sx($0)))" } ?? ""))"
    case .call(let name, let args, let star):
        return "(\(name.value)\(star ? " *" : "")\(args.map { " " + sx($0) }.joined()))"
    case .cast(let x, let type): return "(cast \(sx(x)) \(type.value))"
    }
}

/// The folder of this target's fixtures in the test bundle.
func fixtureURL(_ name: String) throws -> URL {
    let base = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures not in the bundle")
    return base.appendingPathComponent(name)
}

func fixtureText(_ name: String) throws -> String {
    try String(contentsOf: fixtureURL(name), encoding: .utf8)
}

/// The seed pipeline spec of the repository.
func seedPipelineText() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("pipelines/retail_inventory_reconciliation.yaml"), encoding: .utf8)
}

/// Where each line of a scalar's value starts in the file (a trailing newline starts no line).
func lineStarts(_ scalar: YAMLScalar) -> [Loc] {
    let chars = Array(scalar.value.unicodeScalars)
    var starts = [scalar.positions[0]]
    for (i, c) in chars.enumerated() where c == "\n" && i + 1 < chars.count { starts.append(scalar.positions[i + 1]) }
    return starts
}
