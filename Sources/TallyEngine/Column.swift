import TallyCompiler

/// Variable-length UTF-8 strings stored as one byte buffer and `count + 1` offsets into it.
public struct StringArray: Sendable, Hashable {
    public var offsets: [Int32]
    public var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    public init(offsets: [Int32], bytes: [UInt8]) {
        self.offsets = offsets
        self.bytes = bytes
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append<C: Collection<UInt8>>(_ utf8: C) {
        bytes.append(contentsOf: utf8)
        offsets.append(Int32(bytes.count))
    }

    public mutating func append(_ s: String) { append(s.utf8) }

    /// The bytes of row `i`.
    public subscript(i: Int) -> ArraySlice<UInt8> { bytes[Int(offsets[i])..<Int(offsets[i + 1])] }

    /// Row `i` as a `String`.
    public func string(at i: Int) -> String { String(decoding: self[i], as: UTF8.self) }
}

/// The values of a column, one typed buffer per data type. Null rows hold an arbitrary value.
public enum ColumnValues: Sendable, Hashable {
    case int([Int64])
    /// Unscaled values; the scale is in the column's type.
    case decimal([Int128])
    case double([Double])
    case bool([Bool])
    case string(StringArray)
    /// Days since 1970-01-01.
    case date([Int32])
    /// Microseconds since 1970-01-01T00:00:00.
    case timestamp([Int64])

    public var count: Int {
        switch self {
        case .int(let v): v.count
        case .decimal(let v): v.count
        case .double(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        case .date(let v): v.count
        case .timestamp(let v): v.count
        }
    }
}

/// A typed column of a batch: values plus a validity bitmap (nil when no row is null).
public struct Column: Sendable, Hashable {
    public var type: DataType
    public var values: ColumnValues
    public var validity: Bitmap?

    public init(type: DataType, values: ColumnValues, validity: Bitmap? = nil) {
        self.type = type
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    /// Whether row `i` is null.
    @inline(__always)
    public func isNull(_ i: Int) -> Bool {
        if let v = validity { return !v[i] }
        return false
    }

    public var nullCount: Int { validity.map { $0.count - $0.setCount } ?? 0 }
}

/// A set of equal-length columns: the unit of data flowing between operators.
public struct Batch: Sendable, Hashable {
    public var columns: [Column]
    public var count: Int

    public init(columns: [Column], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// The engine's target row count per batch.
    public static let defaultSize = 8192
}

/// A pull-based stream of batches: each operator's running state. No work happens before the first `next()`.
public protocol BatchStream: AnyObject {
    /// The next batch, or nil when the stream is exhausted.
    func next() throws -> Batch?
}
