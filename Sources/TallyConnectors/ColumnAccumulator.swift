import TallyCompiler
import TallyEngine

/// Builds one output column of a CSV scan, row by row, from field bytes.
///
/// Null rules: an empty unquoted field is null; a quoted empty field (`""`) is the empty string in
/// a string column and null elsewhere. Non-string fields are trimmed of spaces and tabs first,
/// so a blank field is null too.
struct ColumnAccumulator {
    let field: Field
    private(set) var count = 0
    private var valid: [Bool] = []
    private var nullCount = 0

    // Only the array matching `field.type` is used.
    private var ints: [Int64] = []
    private var decimals: [Int128] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var dates: [Int32] = []
    private var strings = StringArray()

    init(_ field: Field) {
        self.field = field
    }

    /// Appends the value in `bytes`; returns why it was refused instead (nothing is appended then).
    mutating func append(_ bytes: FieldBytes, quoted: Bool) -> String? {
        if case .string = field.type {
            if bytes.isEmpty && !quoted { return appendNull() }
            guard FieldParsers.isValidUTF8(bytes) else { return "the text is not valid UTF-8" }
            // Appended through the public buffers: a direct, specialized copy of the bytes.
            strings.bytes.append(contentsOf: bytes)
            strings.offsets.append(Int32(strings.bytes.count))
            return appended()
        }
        let b = FieldParsers.trimmed(bytes)
        if b.isEmpty { return appendNull() }
        switch field.type {
        case .int, .null:
            switch FieldParsers.int(b) {
            case .value(let v): ints.append(v)
            case .invalid(let reason): return reason
            }
        case .decimal(let p, let s):
            switch FieldParsers.decimal(b, precision: p, scale: s) {
            case .value(let v): decimals.append(v)
            case .invalid(let reason): return reason
            }
        case .double:
            switch FieldParsers.double(b) {
            case .value(let v): doubles.append(v)
            case .invalid(let reason): return reason
            }
        case .bool:
            switch FieldParsers.bool(b) {
            case .value(let v): bools.append(v)
            case .invalid(let reason): return reason
            }
        case .date:
            switch FieldParsers.date(b) {
            case .value(let v): dates.append(v)
            case .invalid(let reason): return reason
            }
        case .timestamp:
            switch FieldParsers.timestamp(b) {
            case .value(let v): ints.append(v)
            case .invalid(let reason): return reason
            }
        case .string:
            preconditionFailure("handled above")
        }
        return appended()
    }

    private mutating func appended() -> String? {
        valid.append(true)
        count += 1
        return nil
    }

    private mutating func appendNull() -> String? {
        guard field.nullable else { return "missing value in non-nullable column `\(field.name)`" }
        switch field.type {
        case .int, .timestamp, .null: ints.append(0)
        case .decimal: decimals.append(0)
        case .double: doubles.append(0)
        case .bool: bools.append(false)
        case .date: dates.append(0)
        case .string: strings.append(EmptyCollection<UInt8>())
        }
        valid.append(false)
        nullCount += 1
        count += 1
        return nil
    }

    /// Drops rows past `newCount` (used when a later field of the same record is refused).
    mutating func truncate(to newCount: Int) {
        guard newCount < count else { return }
        let drop = count - newCount
        switch field.type {
        case .int, .timestamp, .null: ints.removeLast(drop)
        case .decimal: decimals.removeLast(drop)
        case .double: doubles.removeLast(drop)
        case .bool: bools.removeLast(drop)
        case .date: dates.removeLast(drop)
        case .string:
            strings.offsets.removeLast(drop)
            strings.bytes.removeLast(strings.bytes.count - Int(strings.offsets.last!))
        }
        nullCount -= valid[newCount...].lazy.filter { !$0 }.count
        valid.removeLast(drop)
        count = newCount
    }

    /// The finished column; the accumulator is reset for the next batch.
    mutating func finish() -> Column {
        let values: ColumnValues
        switch field.type {
        case .int, .null: values = .int(ints)
        case .timestamp: values = .timestamp(ints)
        case .decimal: values = .decimal(decimals)
        case .double: values = .double(doubles)
        case .bool: values = .bool(bools)
        case .date: values = .date(dates)
        case .string: values = .string(strings)
        }
        var validity: Bitmap?
        if nullCount > 0 {
            var bitmap = Bitmap(count: count, value: true)
            for (i, ok) in valid.enumerated() where !ok { bitmap[i] = false }
            validity = bitmap
        }
        let column = Column(type: field.type, values: values, validity: validity)
        self = ColumnAccumulator(field)
        return column
    }
}
