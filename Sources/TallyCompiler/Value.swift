/// A single typed value: literals, parameters and results of constant folding.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    /// Unscaled value and scale: `decimal(1234, 2)` is 12.34.
    case decimal(Int128, scale: Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01T00:00:00.
    case timestamp(Int64)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .null: "null"
        case .int(let v): String(v)
        case .decimal(let v, let s): DecimalFormat.format(v, scale: s)
        case .double(let v): String(v)
        case .string(let v): v
        case .bool(let v): v ? "true" : "false"
        case .date(let d): CivilDate.format(days: d)
        case .timestamp(let t): CivilDate.format(micros: t)
        }
    }
}
