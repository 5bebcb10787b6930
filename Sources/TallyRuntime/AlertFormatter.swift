import TallyCompiler
import TallyDiagnostics
import TallyEngine

/// Turns the rows of an alert sink into JSON lines: one per row, then a summary line.
struct AlertFormatter {
    let sink: CompiledSink
    let severity: AlertSeverity
    let message: [MessagePart]
    let runDate: Int32

    func lines(_ stream: BatchStream) throws -> [String] {
        var lines: [String] = []
        let names = sink.schema.names
        let head: [(String, JSONValue)] = [("alert", .string(sink.name)), ("severity", .string(severity.rawValue)),
                                           ("run_date", .string(CivilDate.format(days: runDate)))]
        while let batch = try stream.next() {
            for r in 0..<batch.count {
                let values = batch.columns.map { $0.value(at: r) }
                var fields = head
                if !message.isEmpty { fields.append(("message", .string(render(values)))) }
                fields.append(("row", .object(zip(names, values.map(JSONValue.init)).map { ($0, $1) })))
                lines.append(JSONValue.object(fields).serialized(pretty: false))
            }
        }
        let summary: [(String, JSONValue)] = [("alert", .string(sink.name)), ("summary", .bool(true)), head[2], head[1],
                                              ("matched", .int(lines.count))]
        lines.append(JSONValue.object(summary).serialized(pretty: false))
        return lines
    }

    func render(_ values: [Value]) -> String {
        message.map { part in
            switch part {
            case .text(let t): t
            case .column(let i): values[i].isNull ? "null" : values[i].description
            }
        }.joined()
    }
}
