import TallyCompiler
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
        let date = JSONText.string(CivilDate.format(days: runDate))
        while let batch = try stream.next() {
            for r in 0..<batch.count {
                let values = batch.columns.map { $0.value(at: r) }
                var fields: [(String, String)] = [("alert", JSONText.string(sink.name)), ("severity", JSONText.string(severity.rawValue)),
                                                  ("run_date", date)]
                if !message.isEmpty { fields.append(("message", JSONText.string(render(values)))) }
                fields.append(("row", JSONText.object(zip(names, values.map(JSONText.value)).map { ($0, $1) })))
                lines.append(JSONText.object(fields))
            }
        }
        lines.append(JSONText.object([("alert", JSONText.string(sink.name)), ("summary", "true"), ("run_date", date),
                                      ("severity", JSONText.string(severity.rawValue)), ("matched", String(lines.count))]))
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
