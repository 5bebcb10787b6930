import TallyDiagnostics

extension SpecDecoder {
    static let sinkCommonKeys = ["type", "from", "description"]
    static let sinkKeys: [String: [String]] = [
        "csv": ["path", "partitioned", "delimiter"],
        "warehouse": ["table", "mode", "key", "partition_by"],
        "alert": ["when", "severity", "message", "output"],
    ]

    func decodeSink(_ name: Located<String>, _ node: YAMLNode, into diags: inout Diagnostics) -> SinkDecl? {
        guard let r = MappingReader(node, context: "sink `\(name.value)`", into: &diags) else { return nil }
        let input = r.string("from", required: true, example: "<transform>", into: &diags)
        guard let type = r.string("type", required: true, example: "warehouse", into: &diags) else { return nil }
        guard let specific = Self.sinkKeys[type.value] else {
            diags.error(.invalidValue, "unknown sink type `\(type.value)`", at: type.span,
                        hint: Suggestion.hint(for: type.value, in: SinkKind.names, kind: "sink type"))
            return nil
        }
        r.checkKeys(Self.sinkCommonKeys + specific, into: &diags)
        let kind: SinkKind
        switch type.value {
        case "csv":
            guard let path = r.string("path", required: true, example: "out/report.csv", into: &diags) else { return nil }
            kind = .csv(CSVSinkDecl(path: path, partitioned: r.bool("partitioned", default: false, into: &diags),
                                    delimiter: r.string("delimiter", into: &diags)))
        case "warehouse":
            guard let table = r.string("table", required: true, example: name.value, into: &diags) else { return nil }
            let mode = r.string("mode", into: &diags) ?? Located("replace", at: table.span)
            kind = .warehouse(WarehouseSinkDecl(table: table, mode: mode, key: r.stringList("key", into: &diags) ?? [],
                                                partitionBy: r.string("partition_by", into: &diags)))
        default:
            kind = .alert(AlertSinkDecl(when: r.expr("when", into: &diags), severity: r.string("severity", into: &diags),
                                        message: r.string("message", into: &diags), output: r.string("output", into: &diags)))
        }
        guard let input else { return nil }
        return SinkDecl(name: name, input: input, kind: kind, span: node.span)
    }
}
