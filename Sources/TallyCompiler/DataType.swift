/// A column type of the tally language.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// 64-bit signed integer; overflow is an error.
    case int
    /// Exact decimal with `precision` digits, `scale` of them after the point (precision at most 38).
    case decimal(precision: Int, scale: Int)
    /// IEEE 754 binary64; never used for money.
    case double
    /// UTF-8 text.
    case string
    /// Boolean.
    case bool
    /// Calendar date (days since 1970-01-01).
    case date
    /// Instant with microsecond precision, no time zone (microseconds since 1970-01-01T00:00:00).
    case timestamp
    /// The type of the `null` literal before it meets another type.
    case null

    /// The largest decimal precision.
    public static let maxPrecision = 38

    public var description: String {
        switch self {
        case .int: "int"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .double: "double"
        case .string: "string"
        case .bool: "bool"
        case .date: "date"
        case .timestamp: "timestamp"
        case .null: "null"
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .int, .decimal, .double: true
        default: false
        }
    }

    /// Decimal scale, 0 for int.
    public var scale: Int {
        if case .decimal(_, let s) = self { return s }
        return 0
    }

    /// Parses a type name such as `int`, `bigint`, `decimal(10,2)`, `varchar`, `timestamp`.
    public static func parse(_ text: String) -> DataType? {
        let t = text.lowercased().filter { !$0.isWhitespace }
        switch t {
        case "int", "integer", "bigint", "int64", "long": return .int
        case "double", "float", "float64", "real": return .double
        case "string", "text", "varchar", "str": return .string
        case "bool", "boolean": return .bool
        case "date": return .date
        case "timestamp", "datetime": return .timestamp
        case "decimal", "numeric": return .decimal(precision: 18, scale: 0)
        default: break
        }
        for prefix in ["decimal(", "numeric("] where t.hasPrefix(prefix) && t.hasSuffix(")") {
            let inner = t.dropFirst(prefix.count).dropLast()
            let parts = inner.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let p = Int(parts[0]),
                  let s = parts.count == 2 ? Int(parts[1]) : 0,
                  p >= 1, p <= maxPrecision, s >= 0, s <= p else { return nil }
            return .decimal(precision: p, scale: s)
        }
        if t.hasPrefix("varchar(") && t.hasSuffix(")") { return .string }
        return nil
    }

    /// The canonical type names, for messages.
    public static let names = ["int", "decimal(p,s)", "double", "string", "bool", "date", "timestamp"]

    /// Every spelling `parse` accepts, for "did you mean" suggestions.
    public static let spellings = ["int", "integer", "bigint", "int64", "long", "decimal", "numeric", "double", "float",
                                   "float64", "real", "string", "text", "varchar", "str", "bool", "boolean", "date",
                                   "timestamp", "datetime"]
}

/// A named, typed column of a schema.
public struct Field: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name): \(type)\(nullable ? "" : " not null")" }
}

/// An ordered list of fields; names are unique.
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// Index of the column named `name` (exact match first, then case-insensitive).
    public func index(of name: String) -> Int? {
        if let i = fields.firstIndex(where: { $0.name == name }) { return i }
        let lower = name.lowercased()
        let matches = fields.indices.filter { fields[$0].name.lowercased() == lower }
        return matches.count == 1 ? matches[0] : nil
    }

    public subscript(i: Int) -> Field { fields[i] }

    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }
}
