import CMemory
import TallyCompiler

// Whole-column reshaping: gather rows by index, slice, concatenate, interleave.

extension Column {
    /// The rows at `indices`, in that order (indices may repeat).
    public func take(_ indices: [Int]) -> Column {
        Column(type: type, values: values.take(indices, nullMarker: false),
               validity: validity.map { v in Bitmap(indices.map { v[$0] }) })
    }

    /// The rows at `indices`, where `-1` stands for a null row (outer-join padding).
    public func take(orNull indices: [Int]) -> Column {
        var valid = Bitmap(count: indices.count, value: true)
        var anyNull = false
        for (k, i) in indices.enumerated() where i < 0 || isNull(i) {
            valid[k] = false
            anyNull = true
        }
        return Column(type: type, values: values.take(indices, nullMarker: true), validity: anyNull ? valid : nil)
    }

    /// Rows `range`.
    public func slice(_ range: Range<Int>) -> Column {
        if range == 0..<count { return self }
        let v: Bitmap? = validity.map { b in Bitmap(range.map { b[$0] }) }
        return Column(type: type, values: values.slice(range), validity: v)
    }

    /// The rows of `columns` (at least one) one after the other, typed as the first.
    public static func concat(_ columns: [Column]) -> Column {
        precondition(!columns.isEmpty, "concatenating no columns: use concat(_:type:)")
        return concat(columns, type: columns[0].type)
    }

    /// The rows of `columns` one after the other; all have `type`'s storage kind.
    public static func concat(_ columns: [Column], type: DataType) -> Column {
        if columns.count == 1 { return columns[0] }
        let total = columns.reduce(0) { $0 + $1.count }
        var validity: Bitmap?
        if columns.contains(where: { $0.validity != nil }) {
            var bits = Bitmap(count: total, value: true)
            var base = 0
            for c in columns {
                if let v = c.validity { for i in 0..<c.count where !v[i] { bits[base + i] = false } }
                base += c.count
            }
            validity = bits
        }
        var values = ColumnValues.empty(for: type)
        values.append(contentsOf: columns.map(\.values))
        return Column(type: type, values: values, validity: validity)
    }

    /// A column of `source.count` rows where row `i` is row `position[i]` of `parts[source[i]]`,
    /// or null when `source[i]` is negative. Parts share `type`.
    static func interleave(_ parts: [Column], source: [Int], position: [Int], type: DataType) -> Column {
        var builder = ColumnBuilder(type, capacity: source.count)
        for i in source.indices {
            if source[i] < 0 { builder.appendNull() } else { builder.append(from: parts[source[i]], at: position[i]) }
        }
        return builder.finish()
    }
}

extension ColumnValues {
    /// Gathers values; when `nullMarker` is true, index -1 yields a zero placeholder.
    func take(_ indices: [Int], nullMarker: Bool) -> ColumnValues {
        @inline(__always) func gather<T>(_ a: [T], _ zero: T) -> [T] {
            nullMarker ? indices.map { $0 >= 0 ? a[$0] : zero } : indices.map { a[$0] }
        }
        switch self {
        case .int(let a): return .int(gather(a, 0))
        case .decimal(let a): return .decimal(gather(a, 0))
        case .double(let a): return .double(gather(a, 0))
        case .bool(let a): return .bool(gather(a, false))
        case .date(let a): return .date(gather(a, 0))
        case .timestamp(let a): return .timestamp(gather(a, 0))
        case .string(let a): return .string(a.gather(indices))
        }
    }

    func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .int(let a): return .int(Array(a[range]))
        case .decimal(let a): return .decimal(Array(a[range]))
        case .double(let a): return .double(Array(a[range]))
        case .bool(let a): return .bool(Array(a[range]))
        case .date(let a): return .date(Array(a[range]))
        case .timestamp(let a): return .timestamp(Array(a[range]))
        case .string(let a):
            let start = a.offsets[range.lowerBound]
            let offsets = a.offsets[range.lowerBound...range.upperBound].map { $0 - start }
            let bytes = Array(a.bytes[Int(start)..<Int(a.offsets[range.upperBound])])
            return .string(StringArray(offsets: offsets, bytes: bytes))
        }
    }

    /// Appends buffers of the same storage kind, growing each buffer once to its final size.
    mutating func append(contentsOf others: [ColumnValues]) {
        let rows = others.reduce(0) { $0 + $1.count }
        func appending<T>(_ a: [T], _ part: (ColumnValues) -> [T]) -> [T] {
            var a = a
            a.reserveCapacity(a.count + rows)
            for o in others { a += part(o) }
            return a
        }
        switch self {
        case .int(let a): self = .int(appending(a, \.ints))
        case .decimal(let a): self = .decimal(appending(a, \.decimals))
        case .double(let a): self = .double(appending(a, \.doubles))
        case .bool(let a): self = .bool(appending(a, \.bools))
        case .date(let a): self = .date(appending(a, \.dates))
        case .timestamp(let a): self = .timestamp(appending(a, \.timestamps))
        case .string(var a):
            a.bytes.reserveCapacity(a.bytes.count + others.reduce(0) { $0 + $1.strings.bytes.count })
            a.offsets.reserveCapacity(a.offsets.count + rows)
            for o in others {
                let s = o.strings
                let base = Int32(a.bytes.count)
                a.bytes += s.bytes
                for offset in s.offsets.dropFirst() { a.offsets.append(offset + base) }
            }
            self = .string(a)
        }
    }
}

extension Batch {
    /// The rows at `indices`, in that order.
    public func take(_ indices: [Int]) -> Batch {
        Batch(columns: columns.map { $0.take(indices) }, count: indices.count)
    }

    /// Rows `range`.
    public func slice(_ range: Range<Int>) -> Batch {
        if range == 0..<count { return self }
        return Batch(columns: columns.map { $0.slice(range) }, count: range.count)
    }

    /// The rows of `batches` one after the other; an empty list gives an empty batch of `schema`.
    public static func concat(_ batches: [Batch], schema: Schema) -> Batch {
        if batches.count == 1 { return batches[0] }
        let columns = schema.fields.indices.map { c in
            Column.concat(batches.map { $0.columns[c] }, type: schema[c].type)
        }
        return Batch(columns: columns, count: batches.reduce(0) { $0 + $1.count })
    }
}

/// How many indices ahead `StringArray.gather` prefetches a string's bytes.
private let gatherAhead = 8

extension StringArray {
    /// The strings at `indices`, in that order; index -1 gives an empty string (null padding). The
    /// offsets are computed first, then each string's bytes are copied once.
    func gather(_ indices: [Int]) -> StringArray {
        var offsets = [Int32](repeating: 0, count: indices.count + 1)
        var total = 0
        self.offsets.withUnsafeBufferPointer { source in
            offsets.withUnsafeMutableBufferPointer { target in
                for (k, i) in indices.enumerated() {
                    if i >= 0 { total += Int(source[i + 1] &- source[i]) }
                    target[k + 1] = Int32(total)
                }
            }
        }
        // 16 bytes of slack: a string of up to 64 bytes is copied 16 bytes at a time (no call per
        // string); what the last copy writes past its end is overwritten by the next string. The
        // bytes of the string `gatherAhead` indices on are prefetched (indices are often random).
        let bytes = [UInt8](unsafeUninitializedCapacity: total + 16) { buffer, count in
            self.offsets.withUnsafeBufferPointer { source in
                self.bytes.withUnsafeBufferPointer { from in
                    guard let to = UnsafeMutableRawPointer(buffer.baseAddress), let base = from.baseAddress else { return }
                    let readable = from.count
                    var position = 0
                    for (k, i) in indices.enumerated() where i >= 0 {
                        if k + gatherAhead < indices.count, case let ahead = indices[k + gatherAhead], ahead >= 0 {
                            tally_prefetch(base + Int(source[ahead]))
                        }
                        let start = Int(source[i]), length = Int(source[i + 1]) &- start
                        if length <= 64 && start &+ ((length &+ 15) & ~15) <= readable {
                            var copied = 0
                            while copied < length {
                                let words = UnsafeRawPointer(base + (start &+ copied)).loadUnaligned(as: (UInt64, UInt64).self)
                                to.storeBytes(of: words, toByteOffset: position &+ copied, as: (UInt64, UInt64).self)
                                copied &+= 16
                            }
                        } else if length > 0 {
                            (to + position).copyMemory(from: base + start, byteCount: length)
                        }
                        position &+= length
                    }
                }
            }
            count = total
        }
        return StringArray(offsets: offsets, bytes: bytes)
    }
}
