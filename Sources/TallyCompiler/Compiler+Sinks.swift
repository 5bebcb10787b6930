import TallyDiagnostics
import TallySpec

extension Compiler {
    static let loadModes = ["replace_partition", "merge", "replace"]

    mutating func compileSink(_ sink: SinkDecl) -> CompiledSink? {
        let known = spec.sources.map(\.name.value) + spec.transforms.map(\.name.value)
        guard known.contains(sink.input.value) else {
            if spec.undecodable.contains(sink.input.value) { return nil }
            diags.error(.unknownSource, "sink `\(sink.name.value)` reads unknown transform `\(sink.input.value)`", at: sink.input.span,
                        hint: Suggestion.hint(for: sink.input.value, in: known, kind: "source or transform", plural: "sources and transforms"))
            return nil
        }
        // When the input failed to compile its schema is unknown; the sink's own settings are still checked.
        let schema = schemas[sink.input.value]
        let kind: CompiledSink.Kind
        switch sink.kind {
        case .csv(let csv):
            guard let path = resolvePath(csv.path) else { return nil }
            var delimiter: UInt8 = 44
            if let d = csv.delimiter {
                guard d.value.utf8.count == 1 || d.value == "\\t" else {
                    diags.error(.invalidValue, "a delimiter is one ASCII character, found `\(d.value)`", at: d.span)
                    return nil
                }
                delimiter = d.value == "\\t" ? 9 : d.value.utf8.first!
            }
            kind = .csv(path: path, partitioned: csv.partitioned, delimiter: delimiter)
        case .warehouse(let w):
            let mode = loadMode(w, schema: schema, sink: sink.name.value)
            guard Self.isSQLIdentifier(w.table.value) else {
                diags.error(.invalidValue, "`\(w.table.value)` is not a valid table name", at: w.table.span,
                            hint: "table names start with a letter or `_` and contain only letters, digits and `_`")
                return nil
            }
            guard let mode, let schema else { return nil }
            for f in schema.fields where !Self.isSQLIdentifier(f.name) {
                diags.error(.sinkSchema, "column `\(f.name)` cannot be a warehouse column name", at: sink.input.span,
                            hint: "rename it to letters, digits and `_`")
                return nil
            }
            kind = .warehouse(table: w.table.value, mode: mode)
        case .alert(let a):
            guard let alert = compileAlert(a, schema: schema, sink: sink) else { return nil }
            kind = alert
        }
        guard let schema else { return nil }
        warnOuterJoinNulls(sink, schema: schema)
        return CompiledSink(name: sink.name.value, input: sink.input.value, schema: schema, kind: kind, span: sink.span)
    }

    /// Two sinks loading one table must agree on its columns and on how it is loaded.
    mutating func checkSharedTables(_ sinks: [CompiledSink]) {
        var first: [String: CompiledSink] = [:]
        for sink in sinks {
            guard case .warehouse(let table, let mode) = sink.kind else { continue }
            let key = table.lowercased()
            guard let other = first[key], case .warehouse(_, let otherMode) = other.kind else {
                first[key] = sink
                continue
            }
            let note = [DiagnosticNote("sink `\(other.name)` loads `\(table)` here", span: other.span)]
            if other.schema != sink.schema {
                diags.error(.sinkSchema, "sinks `\(other.name)` and `\(sink.name)` load table `\(table)` with different columns: "
                                + "\(PlanPrinter.schemaText(other.schema)) and \(PlanPrinter.schemaText(sink.schema))",
                            at: sink.span, hint: "select the same columns, with the same types, in both inputs", notes: note)
            } else if otherMode != mode {
                diags.error(.sinkSchema, "sinks `\(other.name)` and `\(sink.name)` load table `\(table)` in different modes (\(otherMode); \(mode))",
                            at: sink.span, hint: "load a table in one mode", notes: note)
            }
        }
    }

    static func isSQLIdentifier(_ s: String) -> Bool {
        SpecDecoder.isIdentifier(s) && s.utf8.count <= 63
    }

    /// The load mode; nil (after reporting) when it is invalid or when its columns cannot be checked.
    mutating func loadMode(_ w: WarehouseSinkDecl, schema: Schema?, sink: String) -> LoadMode? {
        switch w.mode.value {
        case "replace":
            return .replace
        case "merge":
            guard !w.key.isEmpty else {
                diags.error(.missingKey, "merge sink `\(sink)` needs a `key`", at: w.mode.span,
                            hint: "add `key: [id]`: the columns that identify a row")
                return nil
            }
            guard let schema, let idx = columns(w.key, in: schema, of: "the rows of sink `\(sink)`") else { return nil }
            return .merge(keys: idx.map { schema[$0].name })
        case "replace_partition":
            guard let column = w.partitionBy else {
                diags.error(.missingKey, "sink `\(sink)` replaces a partition but has no `partition_by`", at: w.mode.span,
                            hint: "add `partition_by: date_key`: the date column holding the run date")
                return nil
            }
            guard let schema, let idx = columns([column], in: schema, of: "the rows of sink `\(sink)`") else { return nil }
            guard schema[idx[0]].type == .date else {
                diags.error(.sinkSchema, "partition column `\(column.value)` is \(schema[idx[0]].type), not date", at: column.span,
                            hint: "partition by a date column holding the run date, e.g. derive `date_key: $run_date` and use `partition_by: date_key`")
                return nil
            }
            return .replacePartition(column: schema[idx[0]].name, value: .date(options.runDate))
        default:
            diags.error(.invalidValue, "unknown load mode `\(w.mode.value)`", at: w.mode.span,
                        hint: Suggestion.hint(for: w.mode.value, in: Self.loadModes, kind: "mode"))
            return nil
        }
    }

    mutating func compileAlert(_ a: AlertSinkDecl, schema: Schema?, sink: SinkDecl) -> CompiledSink.Kind? {
        var when: BoundExpr?
        var ok = schema != nil
        if let w = a.when, let schema {
            var c = checker(schema, "the `when` of alert `\(sink.name.value)`")
            when = c.checkPredicate(w)
            absorb(c)
            ok = when != nil
        }
        var severity = AlertSeverity.warning
        if let s = a.severity {
            if let v = AlertSeverity(rawValue: s.value) { severity = v } else {
                diags.error(.invalidValue, "unknown severity `\(s.value)`", at: s.span,
                            hint: Suggestion.hint(for: s.value, in: AlertSeverity.allCases.map(\.rawValue), kind: "severity"))
                ok = false
            }
        }
        var parts: [MessagePart] = []
        if let m = a.message, let schema {
            if let p = messageParts(m, schema: schema) { parts = p } else { ok = false }
        }
        var output: String?
        if let o = a.output, o.value != "stdout" {
            output = resolvePath(o)
            ok = ok && output != nil
        }
        guard ok else { return nil }
        return .alert(when: when, severity: severity, message: parts, output: output)
    }

    /// Splits `"SKU {sku} is off"` into text and column parts.
    mutating func messageParts(_ m: Located<String>, schema: Schema) -> [MessagePart]? {
        var parts: [MessagePart] = []
        var text = ""
        var rest = Substring(m.value)
        var ok = true
        /// The span of `range` of the message, when the message is on one line.
        func span(_ range: Range<Substring.Index>) -> Span {
            guard m.span.start.line == m.span.end.line else { return m.span }
            let offset = m.value.unicodeScalars.distance(from: m.value.startIndex, to: range.lowerBound)
            return m.span.sub(offset: offset, length: m.value.unicodeScalars.distance(from: range.lowerBound, to: range.upperBound))
        }
        while let open = rest.firstIndex(of: "{") {
            text += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                diags.error(.invalidValue, "unterminated `{` in the alert message", at: span(open..<rest.endIndex),
                            hint: "write `{column}`")
                return nil
            }
            let name = String(rest[rest.index(after: open)..<close])
            if let i = schema.index(of: name) {
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                parts.append(.column(i))
            } else {
                diags.error(.unknownColumn, "unknown column `\(name)` in the alert message", at: span(open..<rest.index(after: close)),
                            hint: Suggestion.hint(for: name, in: schema.names, kind: "column"))
                ok = false
            }
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        if !text.isEmpty { parts.append(.text(text)) }
        return ok ? parts : nil
    }
}
