import TallyCompiler

/// Minimal JSON text building for alert lines and reports; decimals are written exactly as numbers.
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func String(format value: UInt32) -> Swift.String {
        let hex = Swift.String(value, radix: 16)
        return "\\u" + Swift.String(repeating: "0", count: 4 - hex.count) + hex
    }

    static func value(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .int(let i): Swift.String(i)
        case .decimal: v.description
        case .double(let d): d.isFinite ? Swift.String(d) : "null"
        case .bool(let b): b ? "true" : "false"
        case .string, .date, .timestamp: string(v.description)
        }
    }

    /// `{"k": v, ...}` from already-encoded values, in the given order.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}

extension JSONText {
    /// `[a, b]` from already-encoded values.
    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
