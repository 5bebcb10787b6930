import TallyCompiler
import TallyEngine

/// Builds one output column of a CSV scan, row by row, from field bytes.
///
/// Null rules: an empty unquoted field is null; a quoted empty field (`""`) is the empty string in
/// a string column and null elsewhere. Non-string fields are trimmed of spaces and tabs first,
/// so a blank field is null too.
///
/// The buffers are plain allocations sized for one batch (string bytes grow), written by row index:
/// no copy-on-write checks or reference counting in the scan's inner loop. A row is committed by the
/// scan moving on to the next row index; a refused record is undone with `rollback(row:)`.
/// The owner calls `deallocate()`.
struct ColumnAccumulator {
    enum Kind { case int, decimal, double, bool, date, timestamp, string }

    let field: Field
    let kind: Kind
    let precision: Int
    let scale: Int
    let capacity: Int

    /// `capacity` values of the kind's type (Int64, Int128, Double, Bool, Int32).
    private let values: UnsafeMutableRawPointer
    /// 1 for a value, 0 for null, per row.
    private let valid: UnsafeMutablePointer<Bool>
    /// Strings: `capacity + 1` end offsets into `bytes` (`offsets[0] == 0`).
    private let offsets: UnsafeMutablePointer<Int32>
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity: Int
    private var dayCache = FieldParsers.DayCache()
    /// Whether a null was stored since the last `finish` (else the validity loop is skipped).
    private var sawNull = false

    init(_ field: Field, capacity: Int) {
        self.field = field
        self.capacity = capacity
        var precision = 0
        var scale = 0
        let stride: Int
        switch field.type {
        case .int, .null: kind = .int; stride = 8
        case .timestamp: kind = .timestamp; stride = 8
        case .decimal(let p, let s): kind = .decimal; stride = 16; precision = p; scale = s
        case .double: kind = .double; stride = 8
        case .bool: kind = .bool; stride = 1
        case .date: kind = .date; stride = 4
        case .string: kind = .string; stride = 1
        }
        self.precision = precision
        self.scale = scale
        values = .allocate(byteCount: kind == .string ? 1 : stride * capacity, alignment: 16)
        valid = .allocate(capacity: capacity)
        offsets = .allocate(capacity: kind == .string ? capacity + 1 : 1)
        offsets[0] = 0
        byteCapacity = kind == .string ? 1 << 16 : 1
        bytes = .allocate(capacity: byteCapacity)
    }

    func deallocate() {
        values.deallocate()
        valid.deallocate()
        offsets.deallocate()
        bytes.deallocate()
    }

    /// Stores the value in `b` at `row`; returns why it was refused instead.
    /// `overRead`: 16 bytes from `b`'s start may be read (they lie inside the file's mapping).
    @inline(__always)
    mutating func append(row: Int, _ b: FieldBytes, quoted: Bool, overRead: Bool = false) -> String? {
        if kind == .string {
            if b.isEmpty && !quoted { return appendNull(row: row) }
            guard FieldParsers.isValidUTF8(b) else { return "the text is not valid UTF-8" }
            if let p = b.baseAddress {
                if overRead && b.count <= 16 {
                    // Two word copies instead of a memmove call; the bytes past the field are scratch.
                    if byteCount &+ 16 > byteCapacity { grow(to: byteCount &+ 16) }
                    let src = UnsafeRawPointer(p)
                    let dst = UnsafeMutableRawPointer(bytes + byteCount)
                    dst.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8,
                                   as: UInt64.self)
                    byteCount &+= b.count
                } else {
                    appendBytes(p, b.count)
                }
            }
            offsets[row &+ 1] = Int32(byteCount)
            valid[row] = true
            return nil
        }
        let t = FieldParsers.trimmed(b)
        if t.isEmpty { return appendNull(row: row) }
        switch kind {
        case .int:
            switch FieldParsers.int(t) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row &* 8, as: Int64.self)
            case .invalid(let reason): return reason
            }
        case .decimal:
            switch FieldParsers.decimal(t, precision: precision, scale: scale) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row &* 16, as: Int128.self)
            case .invalid(let reason): return reason
            }
        case .double:
            switch FieldParsers.double(t) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row &* 8, as: Double.self)
            case .invalid(let reason): return reason
            }
        case .bool:
            switch FieldParsers.bool(t) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row, as: Bool.self)
            case .invalid(let reason): return reason
            }
        case .date:
            switch FieldParsers.date(t) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row &* 4, as: Int32.self)
            case .invalid(let reason): return reason
            }
        case .timestamp:
            switch FieldParsers.timestamp(t, cache: &dayCache) {
            case .value(let v): values.storeBytes(of: v, toByteOffset: row &* 8, as: Int64.self)
            case .invalid(let reason): return reason
            }
        case .string:
            preconditionFailure("handled above")
        }
        valid[row] = true
        return nil
    }

    /// Stores a quoted field's content with doubled quotes collapsed. String columns unescape straight
    /// into their byte buffer; other kinds go through `scratch`.
    mutating func appendEscaped(row: Int, _ b: FieldBytes, quote: UInt8, scratch: inout [UInt8]) -> String? {
        guard kind == .string else {
            scratch.removeAll(keepingCapacity: true)
            var i = 0
            while i < b.count {
                scratch.append(b[i])
                i += b[i] == quote ? 2 : 1
            }
            return scratch.withUnsafeBufferPointer { append(row: row, $0, quoted: true) }
        }
        let start = byteCount
        if byteCount + b.count > byteCapacity { grow(to: byteCount + b.count) }
        var i = 0
        var o = byteCount
        while i < b.count {
            let c = b[i]
            bytes[o] = c
            o &+= 1
            i &+= c == quote ? 2 : 1
        }
        byteCount = o
        guard FieldParsers.isValidUTF8(FieldBytes(start: bytes + start, count: o - start)) else {
            byteCount = start
            return "the text is not valid UTF-8"
        }
        offsets[row &+ 1] = Int32(byteCount)
        valid[row] = true
        return nil
    }

    @inline(__always)
    private mutating func appendBytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if byteCount &+ n > byteCapacity { grow(to: byteCount &+ n) }
        (bytes + byteCount).update(from: p, count: n)
        byteCount &+= n
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var c = byteCapacity * 2
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = bigger
        byteCapacity = c
    }

    private mutating func appendNull(row: Int) -> String? {
        guard field.nullable else { return "missing value in non-nullable column `\(field.name)`" }
        switch kind {
        case .int, .timestamp: values.storeBytes(of: 0, toByteOffset: row &* 8, as: Int64.self)
        case .decimal: values.storeBytes(of: 0, toByteOffset: row &* 16, as: Int128.self)
        case .double: values.storeBytes(of: 0, toByteOffset: row &* 8, as: Double.self)
        case .bool: values.storeBytes(of: false, toByteOffset: row, as: Bool.self)
        case .date: values.storeBytes(of: 0, toByteOffset: row &* 4, as: Int32.self)
        case .string: offsets[row &+ 1] = Int32(byteCount)
        }
        valid[row] = false
        sawNull = true
        return nil
    }

    /// Forgets what was stored at `row` (a later field of the same record was refused).
    mutating func rollback(row: Int) {
        if kind == .string { byteCount = Int(offsets[row]) }
    }

    /// The first `count` rows as a column; the accumulator is reset for the next batch.
    mutating func finish(count: Int) -> Column {
        func array<T>(_ type: T.Type) -> [T] {
            Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: T.self), count: count))
        }
        let columnValues: ColumnValues
        switch kind {
        case .int: columnValues = .int(array(Int64.self))
        case .timestamp: columnValues = .timestamp(array(Int64.self))
        case .decimal: columnValues = .decimal(array(Int128.self))
        case .double: columnValues = .double(array(Double.self))
        case .bool: columnValues = .bool(array(Bool.self))
        case .date: columnValues = .date(array(Int32.self))
        case .string:
            let end = Int(offsets[count])
            columnValues = .string(StringArray(
                offsets: Array(UnsafeBufferPointer(start: offsets, count: count + 1)),
                bytes: Array(UnsafeBufferPointer(start: bytes, count: end))))
        }
        var validity: Bitmap?
        var words = [UInt64](repeating: 0, count: sawNull ? (count + 63) / 64 : 0)
        var allValid = true
        if sawNull { words.withUnsafeMutableBufferPointer { w in
            for i in 0..<count {
                if valid[i] { w[i &>> 6] |= 1 &<< UInt64(i & 63) } else { allValid = false }
            }
            // Bits past `count` are set, as `Bitmap(count:value: true)` leaves them.
            if count & 63 != 0 { w[w.count - 1] |= ~0 &<< UInt64(count & 63) }
        } }
        if !allValid { validity = Bitmap(words: words, count: count) }
        byteCount = 0
        sawNull = false
        return Column(type: field.type, values: columnValues, validity: validity)
    }
}
