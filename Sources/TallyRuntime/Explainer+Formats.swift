import TallyCompiler
import TallyConnectors

/// Machine-readable forms of `tally explain`: JSON (versioned) and the node graph as Graphviz or Mermaid.
extension Explainer {
    /// The version of the JSON shape; bumped on incompatible changes.
    public static let jsonVersion = 1

    func schemaJSON(_ schema: Schema) -> String {
        JSONText.array(schema.fields.map {
            JSONText.object([("name", JSONText.string($0.name)), ("type", JSONText.string($0.type.description)),
                             ("nullable", $0.nullable ? "true" : "false")])
        })
    }

    func renderJSON() -> String {
        let missing = Set(missingInputs.map(\.name))
        let params = pipeline.params.map { name, p in
            JSONText.object([("name", JSONText.string(name)), ("type", JSONText.string(p.type.description)),
                             ("value", JSONText.value(p.value))])
        }
        let sources = pipeline.sources.map { s in
            let files = FileMatcher.match(s.path, root: root).map {
                JSONText.object([("path", JSONText.string($0.name)), ("bytes", String($0.size))])
            }
            return JSONText.object([("name", JSONText.string(s.name)), ("path", JSONText.string(s.path)),
                                    ("schema", schemaJSON(s.schema)), ("files", JSONText.array(files)),
                                    ("missing", missing.contains(s.name) ? "true" : "false")])
        }
        let nodes = pipeline.nodes.map { n in
            JSONText.object([("name", JSONText.string(n.name)), ("line", String(n.span.start.line)),
                             ("reads", JSONText.array(n.reads.map(JSONText.string))), ("schema", schemaJSON(n.plan.schema)),
                             ("logical_plan", JSONText.array(PlanPrinter.logical(n.plan).map(JSONText.string)))])
        }
        let sinks = pipeline.sinks.map { s in
            JSONText.object([("name", JSONText.string(s.name)), ("from", JSONText.string(s.input)),
                             ("line", String(s.span.start.line)), ("writes", JSONText.string(describe(s))),
                             ("schema", schemaJSON(s.schema)),
                             ("physical_plan", JSONText.array(PlanPrinter.physical(planner.planSink(s)).map(JSONText.string)))])
        }
        return JSONText.object([
            ("version", String(Self.jsonVersion)), ("pipeline", JSONText.string(pipeline.name)),
            ("file", JSONText.string(pipeline.file)), ("run_date", JSONText.string(CivilDate.format(days: pipeline.runDate))),
            ("root", JSONText.string(root)), ("params", JSONText.array(params)), ("sources", JSONText.array(sources)),
            ("nodes", JSONText.array(nodes)), ("shared", JSONText.array(planner.shared.sorted().map(JSONText.string))),
            ("sinks", JSONText.array(sinks)),
        ])
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
