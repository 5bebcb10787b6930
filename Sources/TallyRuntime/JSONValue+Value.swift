import TallyCompiler
import TallyDiagnostics

extension JSONValue {
    /// A typed value as JSON: numbers exactly (decimals as their canonical text), dates and timestamps as
    /// strings, non-finite doubles as null.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .int(let i): self = .int(Int(i))
        case .decimal: self = .number(value.description)
        case .double(let d): self = d.isFinite ? .number(String(d)) : .null
        case .bool(let b): self = .bool(b)
        case .string, .date, .timestamp: self = .string(value.description)
        }
    }

    /// A schema as a list of `{name, type, nullable}`.
    init(_ schema: Schema) {
        self = .array(schema.fields.map {
            .object([("name", .string($0.name)), ("type", .string($0.type.description)), ("nullable", .bool($0.nullable))])
        })
    }
}
