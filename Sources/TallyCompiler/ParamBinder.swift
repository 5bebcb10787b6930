import TallyDiagnostics
import TallySpec

/// Binds declared parameters to values (command line, then default) and substitutes `${name}` in paths.
/// A parameter that cannot be bound is reported once and kept as a typed null, so its uses are still
/// checked without repeating the error.
struct ParamBinder {
    var values: [String: BoundParam] = [:]
    var order: [String] = []
    var used: Set<String> = []

    /// Binds `run_date` and every declared parameter; reports bad types, bad values and unknown overrides.
    init(spec: PipelineSpec, runDate: Int32, overrides: [String: String], into diags: inout Diagnostics) {
        values["run_date"] = BoundParam(value: .date(runDate), type: .date)
        order.append("run_date")
        for decl in spec.params {
            let name = decl.name.value
            if name == "run_date" {
                diags.error(.duplicateName, "`run_date` is built in and cannot be declared", at: decl.name.span,
                            hint: "remove this entry; set the date with `--date`")
                continue
            }
            guard let type = DataType.parse(decl.type.value) else {
                diags.error(.invalidType, "unknown type `\(decl.type.value)` for param `\(name)`", at: decl.type.span,
                            hint: Suggestion.hint(for: decl.type.value, in: DataType.spellings, kind: "type"))
                continue
            }
            order.append(name)
            if let text = overrides[name] {
                guard let v = Self.parse(text, as: type) else {
                    diags.error(.invalidParamValue, "`--param \(name)=\(text)` is not a valid \(type)", at: decl.name.span,
                                hint: "pass a value of type \(type)")
                    values[name] = BoundParam(value: .null, type: type)
                    continue
                }
                values[name] = BoundParam(value: v, type: type)
            } else if let def = decl.defaultValue {
                guard let v = Self.parse(def.value, as: type) else {
                    diags.error(.invalidParamValue, "default `\(def.value)` of param `\(name)` is not a valid \(type)", at: def.span)
                    values[name] = BoundParam(value: .null, type: type)
                    continue
                }
                values[name] = BoundParam(value: v, type: type)
            } else {
                diags.error(.missingKey, "param `\(name)` has no default and was not given", at: decl.name.span,
                            hint: "pass `--param \(name)=...` or add a `default`")
                values[name] = BoundParam(value: .null, type: type)
            }
        }
        let declared = Set(order)
        for name in overrides.keys.sorted() where !declared.contains(name) || name == "run_date" {
            diags.error(.unknownParam, "`--param \(name)` is not declared by the spec", at: spec.span.sub(offset: 0, length: 1),
                        hint: name == "run_date" ? "set the run date with `--date`"
                            : Suggestion.hint(for: name, in: order.filter { $0 != "run_date" }, kind: "parameter"))
        }
    }

    /// Parses command-line or default text as a value of `type`.
    static func parse(_ text: String, as type: DataType) -> Value? {
        let bytes = Array(text.utf8)
        switch type {
        case .int: return Int64(text).map(Value.int)
        case .decimal(let p, let s): return DecimalFormat.parse(bytes, precision: p, scale: s).map { .decimal($0, scale: s) }
        case .double: return Double(text).map(Value.double)
        case .string: return .string(text)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: return nil
            }
        case .date: return CivilDate.parseDate(bytes).map(Value.date)
        case .timestamp: return CivilDate.parseTimestamp(bytes).map(Value.timestamp)
        case .null: return nil
        }
    }

    /// Replaces each `${name}` in `path`; unresolved names are errors at their position.
    mutating func substitute(_ path: Located<String>, into diags: inout Diagnostics) -> String? {
        var out = ""
        var rest = Substring(path.value)
        var offset = 0
        var ok = true
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            let before = rest.distance(from: rest.startIndex, to: open.lowerBound)
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                diags.error(.unresolvedSubstitution, "unterminated `${` in path", at: path.span, hint: "write `${name}`")
                return nil
            }
            let name = String(rest[open.upperBound..<close])
            let length = name.count + 3
            if let p = values[name] {
                used.insert(name)
                out += p.value.description
            } else {
                ok = false
                diags.error(.unresolvedSubstitution, "`${\(name)}` in path does not name a parameter",
                            at: path.span.sub(offset: offset + before + (path.span.start.line == path.span.end.line ? 0 : 0), length: length),
                            hint: Suggestion.hint(for: name, in: order, kind: "parameter"))
            }
            offset += before + length
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return ok ? out : nil
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
