import TallyCompiler

// Typed access to column buffers, single-value reads and constant columns.
//
// Storage per data type: int -> `.int`, decimal -> `.decimal` (unscaled, scale in the type),
// double -> `.double`, string -> `.string`, bool -> `.bool`, date -> `.date`,
// timestamp -> `.timestamp`. The `null` type (an untyped null literal) is stored as an
// all-null `.bool` column.

extension ColumnValues {
    /// An empty buffer of the storage kind used for `type`.
    public static func empty(for type: DataType) -> ColumnValues {
        zeros(for: type, count: 0)
    }

    /// `count` zero (or empty-string) values of the storage kind used for `type`.
    public static func zeros(for type: DataType, count: Int) -> ColumnValues {
        switch type {
        case .int: .int([Int64](repeating: 0, count: count))
        case .decimal: .decimal([Int128](repeating: 0, count: count))
        case .double: .double([Double](repeating: 0, count: count))
        case .string: .string(StringArray(offsets: [Int32](repeating: 0, count: count + 1), bytes: []))
        case .bool, .null: .bool([Bool](repeating: false, count: count))
        case .date: .date([Int32](repeating: 0, count: count))
        case .timestamp: .timestamp([Int64](repeating: 0, count: count))
        }
    }

    // Typed payloads. Reading the wrong kind is a programming error (the plan was type-checked).

    var ints: [Int64] {
        if case .int(let v) = self { return v }
        preconditionFailure("expected int values, found \(kindName)")
    }

    var decimals: [Int128] {
        if case .decimal(let v) = self { return v }
        preconditionFailure("expected decimal values, found \(kindName)")
    }

    var doubles: [Double] {
        if case .double(let v) = self { return v }
        preconditionFailure("expected double values, found \(kindName)")
    }

    var bools: [Bool] {
        if case .bool(let v) = self { return v }
        preconditionFailure("expected bool values, found \(kindName)")
    }

    var strings: StringArray {
        if case .string(let v) = self { return v }
        preconditionFailure("expected string values, found \(kindName)")
    }

    var dates: [Int32] {
        if case .date(let v) = self { return v }
        preconditionFailure("expected date values, found \(kindName)")
    }

    var timestamps: [Int64] {
        if case .timestamp(let v) = self { return v }
        preconditionFailure("expected timestamp values, found \(kindName)")
    }

    var kindName: String {
        switch self {
        case .int: "int"
        case .decimal: "decimal"
        case .double: "double"
        case .bool: "bool"
        case .string: "string"
        case .date: "date"
        case .timestamp: "timestamp"
        }
    }
}

extension Column {
    /// A column of `count` copies of `value`, which must suit `type` (`.null` suits every type).
    public static func constant(_ value: Value, type: DataType, count: Int) -> Column {
        let values: ColumnValues
        switch value {
        case .null:
            return Column(type: type, values: .zeros(for: type, count: count),
                          validity: Bitmap(count: count, value: false))
        case .int(let v): values = .int([Int64](repeating: v, count: count))
        case .decimal(let v, let s):
            let unscaled = s == type.scale ? v : DecimalMath.rescaleExactly(v, from: s, to: type.scale)
            values = .decimal([Int128](repeating: unscaled, count: count))
        case .double(let v): values = .double([Double](repeating: v, count: count))
        case .bool(let v): values = .bool([Bool](repeating: v, count: count))
        case .date(let v): values = .date([Int32](repeating: v, count: count))
        case .timestamp(let v): values = .timestamp([Int64](repeating: v, count: count))
        case .string(let s):
            var bytes: [UInt8] = []
            let utf8 = Array(s.utf8)
            bytes.reserveCapacity(utf8.count * count)
            var offsets: [Int32] = [0]
            offsets.reserveCapacity(count + 1)
            for _ in 0..<count {
                bytes.append(contentsOf: utf8)
                offsets.append(Int32(bytes.count))
            }
            values = .string(StringArray(offsets: offsets, bytes: bytes))
        }
        return Column(type: type, values: values)
    }

    /// An empty column of `type`.
    public static func empty(_ type: DataType) -> Column {
        Column(type: type, values: .empty(for: type))
    }

    /// Whether row `i` is valid (not null).
    @inline(__always)
    public func isValid(_ i: Int) -> Bool { !isNull(i) }

    /// The value at row `i` (for tests, error messages and reports; not for hot loops).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch values {
        case .int(let v): return .int(v[i])
        case .decimal(let v): return .decimal(v[i], scale: type.scale)
        case .double(let v): return .double(v[i])
        case .bool(let v): return type == .null ? .null : .bool(v[i])
        case .string(let v): return .string(v.string(at: i))
        case .date(let v): return .date(v[i])
        case .timestamp(let v): return .timestamp(v[i])
        }
    }

    /// All values, in order.
    public var allValues: [Value] { (0..<count).map(value(at:)) }
}

extension Batch {
    /// A batch with no rows and one empty column per field of `schema`.
    public static func empty(schema: Schema) -> Batch {
        Batch(columns: schema.fields.map { Column.empty($0.type) }, count: 0)
    }

    /// Row `i` as values (for tests and reports).
    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }

    /// All rows as values (for tests and reports).
    public var rows: [[Value]] { (0..<count).map(row) }
}
