import Foundation
import TallyCompiler
import TallyConnectors

/// `tally explain` and `tally run --dry-run`: what a run would read, compute and write. Lists files
/// and their sizes but reads no data rows and writes nothing.
public struct Explainer {
    public let pipeline: CompiledPipeline
    public let root: String
    let planner: PhysicalPlanner
    /// The files each source's path matches under the root, looked up once.
    let files: [String: [SourceFile]]

    public init(pipeline: CompiledPipeline, root: String) {
        self.pipeline = pipeline
        self.root = root
        planner = PhysicalPlanner(pipeline)
        files = Dictionary(uniqueKeysWithValues: pipeline.sources.map { ($0.name, FileMatcher.match($0.path, root: root)) })
    }

    /// The output formats of `tally explain`.
    public enum Format: String, CaseIterable, Sendable {
        case text, json, dot, mermaid
    }

    /// The explanation in `format`.
    public func render(_ format: Format) -> String {
        switch format {
        case .text: render()
        case .json: renderJSON()
        case .dot: renderDot()
        case .mermaid: renderMermaid()
        }
    }

    /// Sources whose path matches no file for this date: a run would fail on them.
    public var missingInputs: [CompiledSource] {
        let used = pipeline.sinks.reduce(into: Set<String>()) { $0.formUnion(planner.sourcesRead(by: planner.planSink($1))) }
        return pipeline.sources.filter { used.contains($0.name) && files[$0.name, default: []].isEmpty }
    }

    public func render() -> String {
        var out: [String] = []
        out.append("pipeline \(pipeline.name) (\(pipeline.file)) for \(CivilDate.format(days: pipeline.runDate)), root \(root)")
        out.append("")
        out.append("params:")
        for (name, p) in pipeline.params { out.append("  \(name): \(p.type) = \(p.value)") }
        out.append("")
        out.append("sources:")
        let missing = Set(missingInputs.map(\.name))
        for s in pipeline.sources {
            let files = files[s.name, default: []]
            out.append("  \(s.name): csv \(s.path)  \(PlanPrinter.schemaText(s.schema))")
            if files.isEmpty {
                out.append(missing.contains(s.name) ? "    error: no files match for this date" : "    (no files match; not read by any sink)")
            }
            for f in files { out.append("    \(f.name)  \(Self.size(f.size))") }
        }
        out.append("")
        out.append("logical plan:")
        for node in pipeline.nodes {
            out.append("  node \(node.name)  @\(node.span.start)")
            out += PlanPrinter.logical(node.plan, indent: 2)
        }
        out.append("")
        out.append("physical plan:")
        for name in planner.shared.sorted() {
            out.append("  shared \(name)")
            out += PlanPrinter.physical(planner.planShared(name), indent: 2)
        }
        for sink in pipeline.sinks {
            out.append("  sink \(sink.name)")
            out += PlanPrinter.physical(planner.planSink(sink), indent: 2)
        }
        out.append("")
        out.append("writes:")
        for sink in pipeline.sinks { out.append("  " + describe(sink)) }
        out.append("  rejected rows (if any): \(pipeline.rejectsPath)/date=\(CivilDate.format(days: pipeline.runDate))/<source>.csv")
        return out.joined(separator: "\n")
    }

    func describe(_ sink: CompiledSink) -> String {
        switch sink.kind {
        case .csv(let path, let partitioned, _):
            return partitioned
                ? "\(sink.name): replace partition \(path)/date=\(CivilDate.format(days: pipeline.runDate))/ with the rows of \(sink.input)"
                : "\(sink.name): replace file \(path) with the rows of \(sink.input)"
        case .warehouse(let table, let mode):
            return "\(sink.name): \(Self.redacted(pipeline.warehouse ?? "")) table \(table): \(mode), rows of \(sink.input) "
                + PlanPrinter.schemaText(sink.schema)
        case .alert(let when, let severity, _, let output):
            return "\(sink.name): \(severity.rawValue) alert for each row of \(sink.input)"
                + (when.map { " where \($0)" } ?? "") + " -> \(output ?? "stdout")"
        }
    }

    /// A warehouse URL with any password removed.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
