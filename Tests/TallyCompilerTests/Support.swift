import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

typealias TestLoc = Testing.SourceLocation
typealias Loc = TallyDiagnostics.SourceLocation

/// The run date every test compiles for.
let runDate: Int32 = CivilDate.days(year: 2024, month: 3, day: 1)

func pos(_ l: Loc) -> String { "\(l.line):\(l.column)" }

/// Decodes and compiles spec text; diagnostics of both stages together.
func compileText(_ text: String, file: String = "t.yaml", params: [String: String] = [:]) -> (CompiledPipeline?, Diagnostics) {
    let (spec, decodeDiags) = SpecDecoder.parse(text, file: file)
    guard let spec else { return (nil, decodeDiags) }
    var all = decodeDiags
    let (pipeline, compileDiags) = Compiler.compile(spec, options: .init(runDate: runDate, params: params))
    all.append(contentsOf: compileDiags)
    return (decodeDiags.hasErrors ? nil : pipeline, all)
}

/// Compiles text that must compile; records the diagnostics otherwise.
func compileOK(_ text: String, sourceLocation: TestLoc = #_sourceLocation) throws -> (CompiledPipeline, Diagnostics) {
    let (pipeline, diags) = compileText(text)
    #expect(!diags.hasErrors, "\(diags)", sourceLocation: sourceLocation)
    return (try #require(pipeline, sourceLocation: sourceLocation), diags)
}

/// `code@line:col` of each error.
func errorKeys(_ diags: Diagnostics) -> Set<String> {
    Set(diags.errors.map { "\($0.code.rawValue)@\(pos($0.span.start))" })
}

/// A small spec over the two retail sources; `body` supplies `transforms:` and `sinks:`.
/// The header is 10 lines, so the body's first line is line 11.
func miniSpec(_ body: String) -> String {
    """
    # A small spec over the retail sources.
    version: 1
    warehouse: sqlite:warehouse/tally.db
    sources:
      pos_sales:
        path: pos/date=${run_date}/*.csv
        columns: {transaction_id: string not null, store_id: string not null, sku: string not null, product_name: string, quantity: int not null, unit_price: "decimal(10,2) not null", sold_at: timestamp not null}
      inventory:
        path: inventory/date=${run_date}/inventory.csv
        columns: {sku: string not null, opening_stock: int not null, actual_closing_stock: int not null}

    """ + body
}

/// A spec with one transform `t` over `pos_sales`: the `before` steps, then a `derive` of `entries`
/// (sorted by name, each written as `          name: "expr"`, the first on line 16 when `before` is empty),
/// read by one CSV sink.
func deriveSpec(_ entries: [String: String], steps before: String = "") -> String {
    let lines = entries.sorted { $0.key < $1.key }.map {
        "          \($0.key): \"\($0.value.replacingOccurrences(of: "\"", with: "\\\""))\"\n"
    }
    var body = "transforms:\n  t:\n    from: pos_sales\n    steps:\n" + before
    if !lines.isEmpty { body += "      - derive:\n" + lines.joined() }
    body += "sinks:\n  out: {type: csv, from: t, path: out/t.csv}\n  inv: {type: csv, from: inventory, path: out/inv.csv}\n"
    return miniSpec(body)
}

/// The seed pipeline spec of the repository.
func seedPipelineText() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("pipelines/retail_inventory_reconciliation.yaml"), encoding: .utf8)
}

/// This target's fixture folder in the test bundle.
func fixturesURL() throws -> URL {
    try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures are not in the bundle")
}

/// Names (without `.yaml`) of the fixtures in `Fixtures/invalid`, sorted.
func invalidFixtureNames() -> [String] {
    guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
          let files = try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("invalid").path)
    else { return [] }
    return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
}

func invalidFixtureText(_ name: String) throws -> String {
    try String(contentsOf: try fixturesURL().appendingPathComponent("invalid/\(name).yaml"), encoding: .utf8)
}

/// The `code@line:col` entries of a fixture's first-line `# expect:` comment.
func expectations(of text: String) throws -> Set<String> {
    let first = text.prefix { $0 != "\n" }
    let prefix = "# expect:"
    try #require(first.hasPrefix(prefix), "the first line must be `# expect: CODE@LINE:COL, ...`")
    let items = first.dropFirst(prefix.count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    for item in items {
        try #require(item.wholeMatch(of: /[EW]\d{3}@\d+:\d+/) != nil, "malformed expectation `\(item)`")
    }
    return Set(items)
}

/// The text of a fixture's optional second-line `# known-issue:` comment: the fixture documents a bug.
func knownIssue(of text: String) -> String? {
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    guard lines.count > 1, lines[1].hasPrefix("# known-issue:") else { return nil }
    return lines[1].dropFirst("# known-issue:".count).trimmingCharacters(in: .whitespaces)
}

/// Finds the physical plan nodes of a kind, depth first.
func collect<T>(_ plan: PhysicalPlan, _ pick: (PhysicalPlan) -> T?) -> [T] {
    var out: [T] = []
    if let t = pick(plan) { out.append(t) }
    for input in plan.inputs { out += collect(input, pick) }
    return out
}

func scans(_ plan: PhysicalPlan) -> [ScanExec] {
    collect(plan) { if case .scan(let s) = $0 { s } else { nil } }
}

func nodeRefs(_ plan: PhysicalPlan) -> [String] {
    collect(plan) { if case .node(let n) = $0 { n.name } else { nil } }
}
