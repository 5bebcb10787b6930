import Foundation
import TallyDiagnostics

/// Turns a YAML syntax tree into a `PipelineSpec`, reporting every structural problem at once.
public struct SpecDecoder {
    static let topLevelKeys = ["version", "name", "description", "params", "warehouse", "max_rejects", "rejects_path",
                               "sources", "transforms", "sinks"]
    static let paramKeys = ["type", "default", "description"]
    static let sourceKeys = ["format", "path", "header", "delimiter", "columns", "max_rejects", "description"]
    static let columnKeys = ["type", "nullable"]
    static let transformKeys = ["from", "steps", "description"]

    public init() {}

    /// Parses and decodes spec text. The spec is returned when it is structurally usable, with any diagnostics.
    public static func parse(_ text: String, file: String) -> (PipelineSpec?, Diagnostics) {
        var (root, diags) = YAMLParser().parseRecovering(text, file: file)
        guard root != nil || !diags.hasErrors else { return (nil, diags) }
        let spec = SpecDecoder().decode(root, file: file, into: &diags)
        return (spec, diags)
    }

    public func decode(_ root: YAMLNode?, file: String, into diags: inout Diagnostics) -> PipelineSpec? {
        let startSpan = Span(file: file, start: SourceLocation(line: 1, column: 1), end: SourceLocation(line: 1, column: 2))
        guard let root else {
            diags.error(.missingKey, "the spec is empty", at: startSpan,
                        hint: "a spec is a mapping with `sources`, `transforms` and `sinks`")
            return nil
        }
        guard let top = MappingReader(root, context: "the spec", into: &diags) else { return nil }
        top.checkKeys(Self.topLevelKeys, into: &diags)
        var spec = PipelineSpec(file: file, span: root.span)
        spec.version = top.int("version", into: &diags)
        if let v = spec.version, v.value != 1 {
            diags.error(.unsupportedVersion, "spec version \(v.value) is not supported", at: v.span,
                        hint: "this tally reads `version: 1`")
        }
        spec.name = top.string("name", into: &diags)
        spec.description = top.string("description", into: &diags)?.value
        spec.warehouse = top.string("warehouse", into: &diags)
        spec.maxRejects = top.int("max_rejects", into: &diags)
        spec.rejectsPath = top.string("rejects_path", into: &diags)
        if let node = top.value("params") { spec.params = decodeParams(node, into: &diags) }
        if let node = top.required("sources", into: &diags, example: "{name: {path: ..., columns: ...}}") {
            spec.sources = decodeNamed(node, what: "`sources`", into: &diags, decodeSource)
            spec.undecodable.formUnion(Self.names(in: node).subtracting(spec.sources.map(\.name.value)))
        }
        if let node = top.value("transforms") {
            spec.transforms = decodeNamed(node, what: "`transforms`", into: &diags, decodeTransform)
            spec.undecodable.formUnion(Self.names(in: node).subtracting(spec.transforms.map(\.name.value)))
        }
        if let node = top.required("sinks", into: &diags, example: "{name: {type: warehouse, from: ..., table: ...}}") {
            spec.sinks = decodeNamed(node, what: "`sinks`", into: &diags, decodeSink)
        }
        return spec
    }

    /// The entry names of a section mapping.
    static func names(in node: YAMLNode) -> Set<String> {
        Set(node.mapping?.compactMap { $0.key.scalar?.value } ?? [])
    }

    /// Decodes each `name: {...}` entry of a section with `decode`.
    func decodeNamed<T>(_ node: YAMLNode, what: String, into diags: inout Diagnostics,
                        _ decode: (Located<String>, YAMLNode, inout Diagnostics) -> T?) -> [T] {
        guard let entries = MappingReader.entries(node, what: what, into: &diags) else { return [] }
        var result: [T] = []
        for (name, value) in entries {
            if !Self.isIdentifier(name.value) {
                diags.error(.invalidValue, "`\(name.value)` is not a valid name", at: name.span,
                            hint: "names start with a letter or `_` and contain only letters, digits and `_`")
            }
            if let item = decode(name, value, &diags) { result.append(item) }
        }
        return result
    }

    /// Whether `s` is a valid name: a letter or `_`, then letters, digits and `_` (ASCII).
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    func decodeParams(_ node: YAMLNode, into diags: inout Diagnostics) -> [ParamDecl] {
        decodeNamed(node, what: "`params`", into: &diags) { name, value, diags in
            if let s = value.scalar, !s.isNull {
                return ParamDecl(name: name, type: Located(s.value, at: value.span), defaultValue: nil, description: nil, span: value.span)
            }
            guard let r = MappingReader(value, context: "param `\(name.value)`", into: &diags) else { return nil }
            r.checkKeys(Self.paramKeys, into: &diags)
            guard let type = r.string("type", required: true, example: "int", into: &diags) else { return nil }
            var def: Located<String>?
            if let d = r.value("default") {
                if let s = d.scalar, !s.isNull { def = Located(s.value, at: d.span) } else if d.scalar == nil {
                    diags.error(.wrongValueType, "the default of param `\(name.value)` must be a single value", at: d.span)
                }
            }
            return ParamDecl(name: name, type: type, defaultValue: def, description: r.string("description", into: &diags)?.value,
                             span: value.span)
        }
    }

    func decodeSource(_ name: Located<String>, _ node: YAMLNode, into diags: inout Diagnostics) -> SourceDecl? {
        guard let r = MappingReader(node, context: "source `\(name.value)`", into: &diags) else { return nil }
        r.checkKeys(Self.sourceKeys, into: &diags)
        let format = r.string("format", into: &diags) ?? Located("csv", at: node.span)
        if format.value != "csv" {
            diags.error(.invalidValue, "unknown source format `\(format.value)`", at: format.span,
                        hint: Suggestion.hint(for: format.value, in: ["csv"], kind: "format"))
        }
        let path = r.string("path", required: true, example: "raw/data/date=${run_date}/*.csv", into: &diags)
        let delimiter = r.string("delimiter", into: &diags)
        if let d = delimiter, d.value.utf8.count != 1, d.value != "\\t" {
            diags.error(.invalidValue, "a delimiter is one ASCII character, found `\(d.value)`", at: d.span, hint: "for tabs write `\"\\t\"`")
        }
        let columnsNode = r.required("columns", into: &diags, example: "{id: int, name: string}")
        let columns = columnsNode.map { decodeColumns($0, source: name.value, into: &diags) } ?? []
        guard let path, columnsNode != nil else { return nil }
        return SourceDecl(name: name, format: format, path: path, header: r.bool("header", default: true, into: &diags),
                          delimiter: delimiter, columns: columns, maxRejects: r.int("max_rejects", into: &diags),
                          description: r.string("description", into: &diags)?.value, span: node.span)
    }

    func decodeColumns(_ node: YAMLNode, source: String, into diags: inout Diagnostics) -> [ColumnDecl] {
        decodeNamed(node, what: "the columns of source `\(source)`", into: &diags) { name, value, diags in
            if let s = value.scalar, !s.isNull {
                let (type, nullable) = Self.splitNotNull(s.value)
                return ColumnDecl(name: name, type: Located(type, at: value.span), nullable: nullable, span: value.span)
            }
            guard let r = MappingReader(value, context: "column `\(name.value)`", into: &diags) else { return nil }
            r.checkKeys(Self.columnKeys, into: &diags)
            guard let type = r.string("type", required: true, example: "string", into: &diags) else { return nil }
            let (t, notNull) = Self.splitNotNull(type.value)
            return ColumnDecl(name: name, type: Located(t, at: type.span),
                              nullable: notNull && r.bool("nullable", default: true, into: &diags), span: value.span)
        }
    }

    /// Splits `"int not null"` into (`int`, nullable false).
    static func splitNotNull(_ text: String) -> (String, Bool) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        for suffix in [" not null", "!"] where lower.hasSuffix(suffix) {
            return (String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces), false)
        }
        return (trimmed, true)
    }

    func decodeTransform(_ name: Located<String>, _ node: YAMLNode, into diags: inout Diagnostics) -> TransformDecl? {
        guard let r = MappingReader(node, context: "transform `\(name.value)`", into: &diags) else { return nil }
        r.checkKeys(Self.transformKeys, into: &diags)
        let input = r.string("from", required: true, example: "<source or transform>", into: &diags)
        var steps: [StepDecl] = []
        var incomplete = false
        if let s = r.value("steps") {
            if let items = s.sequence {
                steps = items.compactMap { decodeStep($0, transform: name.value, into: &diags) }
                incomplete = steps.count < items.count
            } else {
                incomplete = true
                diags.error(.wrongValueType, "`steps` of transform `\(name.value)` must be a list, found \(MappingReader.describe(s))",
                            at: s.span, hint: "write each step as a list item: `- filter: quantity > 0`")
            }
        }
        guard let input else { return nil }
        return TransformDecl(name: name, input: input, steps: steps, incomplete: incomplete,
                             description: r.string("description", into: &diags)?.value, span: node.span)
    }
}
