import TallyCompiler

/// Stable multi-key sort. Consumes the whole input on the first `next()`, then emits the sorted
/// rows `Batch.defaultSize` at a time. Each key puts nulls first or last as it says, whatever the
/// direction; strings order by UTF-8 bytes; NaN sorts above every other double.
public final class SortStream: BatchStream {
    private let input: BatchStream
    private let plan: SortExec
    private var sorted: Batch?
    private var order: [Int] = []
    private var position = 0

    public init(input: BatchStream, plan: SortExec) {
        self.input = input
        self.plan = plan
    }

    public func next() throws -> Batch? {
        if sorted == nil { try sortInput() }
        guard let sorted, position < order.count else { return nil }
        let end = min(position + Batch.defaultSize, order.count)
        let batch = sorted.take(Array(order[position..<end]))
        position = end
        return batch
    }

    private func sortInput() throws {
        let all = Batch.concat(try collect(input), schema: plan.input.schema)
        let comparators = plan.keys.map { rowComparator(all.columns[$0.column], $0) }
        func ordered(_ a: Int, _ b: Int) -> Bool {
            for compare in comparators {
                let c = compare(a, b)
                if c != 0 { return c < 0 }
            }
            return a < b  // equal keys keep input order
        }
        if let first = plan.keys.first, case .string(let strings) = all.columns[first.column].values,
           all.columns[first.column].nullCount == 0 {
            order = Self.order(strings, ascending: first.ascending, tieBreak: ordered)
        } else {
            order = Array(0..<all.count)
            order.sort(by: ordered)
        }
        sorted = all
    }

    /// The rows in order when the first key is a string column without nulls: rows are radix-sorted
    /// on the first 16 bytes of that key (zero-padded; see `PrefixEntry`), and only runs of rows whose
    /// 16 bytes tie go through `tieBreak` (the full comparison over all keys). Keys that differ in
    /// their first 16 bytes, such as product codes, are thus ordered without a comparison.
    static func order(_ strings: StringArray, ascending: Bool, tieBreak: (Int, Int) -> Bool) -> [Int] {
        var entries: [PrefixEntry] = []
        entries.reserveCapacity(strings.count)
        strings.offsets.withUnsafeBufferPointer { offsets in
            strings.bytes.withUnsafeBufferPointer { bytes in
                let end = UnsafePointer(bytes.baseAddress.map { $0 + bytes.count })
                for row in 0..<(offsets.count - 1) {
                    let start = Int(offsets[row]), length = Int(offsets[row + 1]) - start
                    let words = loadPrefix(UnsafePointer(bytes.baseAddress.map { $0 + start }), length, end: end)
                    let (high, low) = (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
                    // Descending: the complemented prefix ascends (ties keep their input order).
                    entries.append(ascending ? PrefixEntry(high: high, low: low, row: row)
                                             : PrefixEntry(high: ~high, low: ~low, row: row))
                }
            }
        }
        PrefixEntry.radixSort(&entries)
        // Runs of equal prefixes: the full comparison orders them.
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].high == entries[start].high && entries[end].low == entries[start].low {
                end += 1
            }
            if end - start > 1 { entries[start..<end].sort { tieBreak($0.row, $1.row) } }
            start = end
        }
        return entries.map(\.row)
    }
}

/// A row and the first 16 bytes of its string key as two big-endian words: comparing (`high`,
/// `low`) compares the prefixes byte by byte.
struct PrefixEntry {
    var high: UInt64
    var low: UInt64
    var row: Int

    /// Byte `k` of the 16-byte prefix, counted from the last (least significant).
    @inline(__always) func byte(_ k: Int) -> Int {
        Int(truncatingIfNeeded: (k < 8 ? low >> (8 * k) : high >> (8 * (k - 8))) & 0xFF)
    }

    /// Sorts `entries` on (`high`, `low`), stably: a counting pass per byte, least significant first,
    /// skipping bytes that are the same in every entry (such as a shared `SKU-` or the zero padding of
    /// short keys).
    static func radixSort(_ entries: inout [PrefixEntry]) {
        let n = entries.count
        guard n > 1 else { return }
        // counts[k * 256 + d]: the entries whose byte `k` is `d`.
        var counts = [Int](repeating: 0, count: 16 * 256)
        counts.withUnsafeMutableBufferPointer { c in
            entries.withUnsafeBufferPointer { from in
                for e in from {
                    // `byte(k)` of both words at once, without its branch (a quarter faster).
                    for k in 0..<8 {
                        c[k &* 256 &+ Int(truncatingIfNeeded: (e.low &>> UInt64(8 &* k)) & 0xFF)] &+= 1
                        c[(k &+ 8) &* 256 &+ Int(truncatingIfNeeded: (e.high &>> UInt64(8 &* k)) & 0xFF)] &+= 1
                    }
                }
            }
        }
        var scratch = entries
        var offsets = [Int](repeating: 0, count: 256)
        for k in 0..<16 {
            // A byte with one value everywhere leaves the order as it is.
            if counts[k * 256 + entries[0].byte(k)] == n { continue }
            var total = 0
            for d in 0..<256 {
                offsets[d] = total
                total += counts[k * 256 + d]
            }
            entries.withUnsafeBufferPointer { from in
                scratch.withUnsafeMutableBufferPointer { to in
                    offsets.withUnsafeMutableBufferPointer { next in
                        for e in from {
                            let d = e.byte(k)
                            to[next[d]] = e
                            next[d] &+= 1
                        }
                    }
                }
            }
            swap(&entries, &scratch)
        }
    }
}

/// A three-way comparison of two rows of `column` under `key` (-1, 0, 1).
func rowComparator(_ column: Column, _ key: SortKey) -> (Int, Int) -> Int {
    let values = valueComparator(column.values)
    let direction = key.ascending ? 1 : -1
    let nullOrder = key.nullsFirst ? -1 : 1
    guard let validity = column.validity else { return { a, b in direction * values(a, b) } }
    return { a, b in
        switch (validity[a], validity[b]) {
        case (true, true): return direction * values(a, b)
        case (false, false): return 0
        case (false, true): return nullOrder
        case (true, false): return -nullOrder
        }
    }
}

/// Ascending three-way comparison of two values of a buffer (rows must be valid).
func valueComparator(_ values: ColumnValues) -> (Int, Int) -> Int {
    func three<T: Comparable>(_ a: [T]) -> (Int, Int) -> Int {
        { i, j in a[i] < a[j] ? -1 : (a[j] < a[i] ? 1 : 0) }
    }
    switch values {
    case .int(let a): return three(a)
    case .decimal(let a): return three(a)
    case .date(let a): return three(a)
    case .timestamp(let a): return three(a)
    case .bool(let a): return { i, j in a[i] == a[j] ? 0 : (a[j] ? -1 : 1) }
    case .string(let s): return { i, j in s.compare(i, s, j) }
    case .double(let a):
        return { i, j in
            let x = a[i], y = a[j]
            if x < y { return -1 }
            if y < x { return 1 }
            if x.isNaN != y.isNaN { return x.isNaN ? 1 : -1 }
            return 0
        }
    }
}
