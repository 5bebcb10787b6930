import TallyCompiler
import TallyConnectors
import TallyDiagnostics

/// Machine-readable forms of `tally explain`: JSON (versioned) and the node graph as Graphviz or Mermaid.
extension Explainer {
    /// The version of the JSON shape; bumped on incompatible changes.
    public static let jsonVersion = 1

    func renderJSON() -> String {
        let missing = Set(missingInputs.map(\.name))
        let params: [JSONValue] = pipeline.params.map { name, p in
            .object([("name", .string(name)), ("type", .string(p.type.description)), ("value", JSONValue(p.value))])
        }
        let sources: [JSONValue] = pipeline.sources.map { s in
            let files: [JSONValue] = files[s.name, default: []].map {
                .object([("path", .string($0.name)), ("bytes", .int(Int($0.size)))])
            }
            return .object([("name", .string(s.name)), ("path", .string(s.path)), ("schema", JSONValue(s.schema)),
                             ("files", .array(files)), ("missing", .bool(missing.contains(s.name)))])
        }
        let nodes: [JSONValue] = pipeline.nodes.map { n in
            .object([("name", .string(n.name)), ("line", .int(n.span.start.line)), ("reads", .array(n.reads.map(JSONValue.string))),
                     ("schema", JSONValue(n.plan.schema)), ("logical_plan", .array(PlanPrinter.logical(n.plan).map(JSONValue.string)))])
        }
        let sinks: [JSONValue] = pipeline.sinks.map { s in
            .object([("name", .string(s.name)), ("from", .string(s.input)), ("line", .int(s.span.start.line)),
                     ("writes", .string(describe(s))), ("schema", JSONValue(s.schema)),
                     ("physical_plan", .array(PlanPrinter.physical(planner.planSink(s)).map(JSONValue.string)))])
        }
        return JSONValue.object([
            ("version", .int(Self.jsonVersion)), ("pipeline", .string(pipeline.name)), ("file", .string(pipeline.file)),
            ("run_date", .string(CivilDate.format(days: pipeline.runDate))), ("root", .string(root)),
            ("params", .array(params)), ("sources", .array(sources)), ("nodes", .array(nodes)),
            ("shared", .array(planner.shared.sorted().map(JSONValue.string))), ("sinks", .array(sinks)),
        ]).serialized()
    }

    /// Edges of the node graph: (from, to) names, sources and transforms to their readers and sinks.
    var edges: [(String, String)] {
        var result: [(String, String)] = []
        for node in pipeline.nodes {
            for read in node.reads where !result.contains(where: { $0 == (read, node.name) }) { result.append((read, node.name)) }
        }
        for sink in pipeline.sinks { result.append((sink.input, "sink:" + sink.name)) }
        return result
    }

    func sinkLabel(_ sink: CompiledSink) -> String {
        switch sink.kind {
        case .csv(let path, _, _): "\(sink.name)\\ncsv \(path)"
        case .warehouse(let table, let mode): "\(sink.name)\\n\(table): \(mode)"
        case .alert(_, let severity, _, _): "\(sink.name)\\n\(severity.rawValue) alert"
        }
    }

    func renderDot() -> String {
        var lines = ["digraph \"\(pipeline.name)\" {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
        for s in pipeline.sources { lines.append("  \"\(s.name)\" [shape=cylinder, label=\"\(s.name)\\n\(s.path)\"];") }
        for n in pipeline.nodes { lines.append("  \"\(n.name)\" [shape=box];") }
        for s in pipeline.sinks { lines.append("  \"sink:\(s.name)\" [shape=note, label=\"\(sinkLabel(s))\"];") }
        for (from, to) in edges { lines.append("  \"\(from)\" -> \"\(to)\";") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    func renderMermaid() -> String {
        func id(_ name: String) -> String { name.replacingOccurrences(of: ":", with: "__") }
        var lines = ["flowchart LR"]
        for s in pipeline.sources { lines.append("  \(id(s.name))[(\"\(s.name)\")]") }
        for n in pipeline.nodes { lines.append("  \(id(n.name))[\"\(n.name)\"]") }
        for s in pipeline.sinks {
            lines.append("  \(id("sink:" + s.name))[/\"\(sinkLabel(s).replacingOccurrences(of: "\\n", with: "<br/>"))\"/]")
        }
        for (from, to) in edges { lines.append("  \(id(from)) --> \(id(to))") }
        return lines.joined(separator: "\n")
    }
}
