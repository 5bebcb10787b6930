import TallyCompiler

/// Builds a `Column` of one type value by value: typed appends, nulls, or copies of rows of
/// other columns. Used where output is produced row by row (aggregates, parsers, tests).
public struct ColumnBuilder: Sendable {
    public let type: DataType
    public private(set) var count = 0

    // Only the buffer matching `type`'s storage kind is used.
    private var int64s: [Int64] = []  // int, timestamp
    private var int32s: [Int32] = []  // date
    private var decimals: [Int128] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []  // bool, null
    private var strings = StringArray()
    private var validity = Bitmap(count: 0, value: true)
    private var nullCount = 0

    public init(_ type: DataType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .int, .timestamp: int64s.reserveCapacity(capacity)
        case .date: int32s.reserveCapacity(capacity)
        case .decimal: decimals.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .bool, .null: bools.reserveCapacity(capacity)
        case .string: strings.offsets.reserveCapacity(capacity + 1)
        }
    }

    private mutating func markValid() {
        validity.append(true)
        count += 1
    }

    public mutating func appendInt(_ v: Int64) {
        precondition(type == .int, "appendInt on a \(type) column")
        int64s.append(v)
        markValid()
    }

    /// Appends an unscaled decimal at the column's scale.
    public mutating func appendDecimal(_ unscaled: Int128) {
        guard case .decimal = type else { preconditionFailure("appendDecimal on a \(type) column") }
        decimals.append(unscaled)
        markValid()
    }

    public mutating func appendDouble(_ v: Double) {
        precondition(type == .double, "appendDouble on a \(type) column")
        doubles.append(v)
        markValid()
    }

    public mutating func appendBool(_ v: Bool) {
        precondition(type == .bool, "appendBool on a \(type) column")
        bools.append(v)
        markValid()
    }

    public mutating func appendString<C: Collection<UInt8>>(_ utf8: C) {
        precondition(type == .string, "appendString on a \(type) column")
        strings.append(utf8)
        markValid()
    }

    public mutating func appendString(_ s: String) { appendString(s.utf8) }

    /// Appends days since 1970-01-01.
    public mutating func appendDate(_ days: Int32) {
        precondition(type == .date, "appendDate on a \(type) column")
        int32s.append(days)
        markValid()
    }

    /// Appends microseconds since 1970-01-01T00:00:00.
    public mutating func appendTimestamp(_ micros: Int64) {
        precondition(type == .timestamp, "appendTimestamp on a \(type) column")
        int64s.append(micros)
        markValid()
    }

    public mutating func appendNull() {
        switch type {
        case .int, .timestamp: int64s.append(0)
        case .date: int32s.append(0)
        case .decimal: decimals.append(0)
        case .double: doubles.append(0)
        case .bool, .null: bools.append(false)
        case .string: strings.append(EmptyCollection<UInt8>())
        }
        validity.append(false)
        nullCount += 1
        count += 1
    }

    /// Appends a value of the column's type (decimals are rescaled exactly to the column's scale).
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .int(let v): appendInt(v)
        case .decimal(let v, let s): appendDecimal(DecimalMath.rescaleExactly(v, from: s, to: type.scale))
        case .double(let v): appendDouble(v)
        case .bool(let v): appendBool(v)
        case .string(let s): appendString(s)
        case .date(let d): appendDate(d)
        case .timestamp(let t): appendTimestamp(t)
        }
    }

    /// Appends row `row` of `column`, which has this builder's storage kind.
    public mutating func append(from column: Column, at row: Int) {
        assert(column.values.kindName == ColumnValues.empty(for: type).kindName,
               "appending a \(column.type) value to a \(type) column")
        if column.isNull(row) { return appendNull() }
        switch column.values {
        case .int(let v): int64s.append(v[row])
        case .timestamp(let v): int64s.append(v[row])
        case .date(let v): int32s.append(v[row])
        case .decimal(let v): decimals.append(v[row])
        case .double(let v): doubles.append(v[row])
        case .bool(let v): bools.append(v[row])
        case .string(let v): strings.append(v[row])
        }
        markValid()
    }

    /// The finished column; the builder can keep being used.
    public func finish() -> Column {
        let values: ColumnValues
        switch type {
        case .int: values = .int(int64s)
        case .timestamp: values = .timestamp(int64s)
        case .date: values = .date(int32s)
        case .decimal: values = .decimal(decimals)
        case .double: values = .double(doubles)
        case .bool, .null: values = .bool(bools)
        case .string: values = .string(strings)
        }
        return Column(type: type, values: values, validity: nullCount > 0 ? validity : nil)
    }
}

extension ColumnBuilder {
    /// Whether appended row `index` equals row `row` of `column` (same storage kind), with null
    /// equal to null. Doubles compare by value with NaN equal to NaN, as grouping needs.
    func matches(_ index: Int, _ column: Column, _ row: Int) -> Bool {
        let storedNull = nullCount > 0 && !validity[index]
        if column.isNull(row) || storedNull { return column.isNull(row) && storedNull }
        switch column.values {
        case .int(let v): return int64s[index] == v[row]
        case .timestamp(let v): return int64s[index] == v[row]
        case .date(let v): return int32s[index] == v[row]
        case .decimal(let v): return decimals[index] == v[row]
        case .double(let v): return doubles[index] == v[row] || (doubles[index].isNaN && v[row].isNaN)
        case .bool(let v): return bools[index] == v[row]
        case .string(let v): return strings.equals(index, v, row)
        }
    }
}
