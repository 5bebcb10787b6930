import CMemory
import TallyCompiler

/// Assigns dense ids 0, 1, 2, ... (in first-seen order) to the distinct tuples of key columns.
///
/// An open-addressing table (linear probing, load at most 1/2) of slots holding 32 bits of the
/// key's hash and the group id. One string key and one integer-like key (int, timestamp, date)
/// have typed fast paths: string keys are hashed and compared on the raw bytes of the input's
/// `StringArray` and stored in a byte arena, never as `String` or `Value`; integer keys are kept
/// in a flat `Int64` buffer. Other key tuples hash with `hashRows` and compare via
/// `ColumnBuilder`. Null keys form one group (kept outside the slots). The keys of each group
/// are returned column-wise by `keyColumns()`. Used by hash aggregate, distinct and hash join.
final class GroupTable {
    let keyTypes: [DataType]

    private enum Layout { case string, int64, generic }
    private let layout: Layout

    /// Slot entries: `hash >> 32` in the high half, `group + 1` in the low half; 0 is empty.
    /// Not used by the string layout, whose slots also hold the key (below).
    private var slots: UnsafeMutablePointer<UInt64>
    /// String layout: the slot entry, the key's length and arena offset, and its first 16 bytes,
    /// so that a probe compares keys of up to 16 bytes without leaving the slot.
    private struct StringSlot {
        var head: UInt64
        var lenOffset: UInt64
        var w0: UInt64
        var w1: UInt64
    }
    private var stringSlots: UnsafeMutablePointer<StringSlot>
    private var slotCount: Int
    private var mask: Int
    /// Hash of each group (unused for the null group of single-key layouts).
    private let groupHashes = RawVec<UInt64>(capacity: 1024)
    /// The group of the null key in the single-key layouts, -1 before one is seen.
    private var nullGroup = -1

    // .string: group g's bytes are keyArena[keyStart[g] ..< keyStart[g + 1]].
    private let keyArena = ByteArena()
    private let keyStart = RawVec<Int>(capacity: 1024)
    // .int64
    private let keyInts = RawVec<Int64>(capacity: 1024)
    // .generic
    private var keys: [ColumnBuilder]

    /// Per-batch hashes (reused between batches).
    private let hashScratch = RawVec<UInt64>(capacity: Batch.defaultSize)

    /// `expectedGroups`: how many groups to make room for up front (the table grows past it as needed).
    init(keyTypes: [DataType], expectedGroups: Int = 0) {
        self.keyTypes = keyTypes
        if keyTypes.count == 1, keyTypes[0] == .string {
            layout = .string
        } else if keyTypes.count == 1, [DataType.int, .timestamp, .date].contains(keyTypes[0]) {
            layout = .int64
        } else {
            layout = .generic
        }
        keys = layout == .generic ? keyTypes.map { ColumnBuilder($0) } : []
        keyStart.append(0)
        slotCount = 1024
        while slotCount < 2 * expectedGroups { slotCount *= 2 }
        mask = slotCount - 1
        (slots, stringSlots) = Self.allocateSlots(slotCount, layout)
    }

    deinit { Self.freeSlots(slots, stringSlots, slotCount, layout) }

    /// Slot arrays for `n` slots: the plain one for the integer and generic layouts, the string one
    /// for the string layout (the other gets one slot).
    private static func slotCounts(_ n: Int, _ layout: Layout) -> (plain: Int, strings: Int) {
        layout == .string ? (1, n) : (n, 1)
    }

    private static func allocateSlots(_ n: Int, _ layout: Layout) -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<StringSlot>) {
        let (plainCount, stringCount) = slotCounts(n, layout)
        return emptySlots(LargeMemory.allocate(byteCount: plainCount * MemoryLayout<UInt64>.stride, alignment: 64),
                          LargeMemory.allocate(byteCount: stringCount * MemoryLayout<StringSlot>.stride, alignment: 64),
                          n, layout)
    }

    /// The slot arrays of `n` slots resized to `newCount` empty slots (in place where the memory
    /// allows: a mapping's pages are kept, and only the added ones are new).
    private static func resizeSlots(_ plain: UnsafeMutablePointer<UInt64>, _ strings: UnsafeMutablePointer<StringSlot>,
                                    _ n: Int, to newCount: Int, _ layout: Layout)
        -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<StringSlot>) {
        let (plainCount, stringCount) = slotCounts(n, layout)
        let (newPlainCount, newStringCount) = slotCounts(newCount, layout)
        let plainSize = MemoryLayout<UInt64>.stride, stringSize = MemoryLayout<StringSlot>.stride
        return emptySlots(LargeMemory.grow(plain, from: plainCount * plainSize, to: newPlainCount * plainSize,
                                           keeping: 0, alignment: 64),
                          LargeMemory.grow(strings, from: stringCount * stringSize, to: newStringCount * stringSize,
                                           keeping: 0, alignment: 64),
                          newCount, layout)
    }

    /// Memory for the slot arrays of `n` slots, typed and with every slot empty.
    private static func emptySlots(_ plainMemory: UnsafeMutableRawPointer, _ stringMemory: UnsafeMutableRawPointer,
                                   _ n: Int, _ layout: Layout) -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<StringSlot>) {
        let (plainCount, stringCount) = slotCounts(n, layout)
        let plain = plainMemory.bindMemory(to: UInt64.self, capacity: plainCount)
        plain.initialize(repeating: 0, count: plainCount)
        let strings = stringMemory.bindMemory(to: StringSlot.self, capacity: stringCount)
        strings.initialize(repeating: StringSlot(head: 0, lenOffset: 0, w0: 0, w1: 0), count: stringCount)
        return (plain, strings)
    }

    private static func freeSlots(_ plain: UnsafeMutablePointer<UInt64>, _ strings: UnsafeMutablePointer<StringSlot>,
                                  _ n: Int, _ layout: Layout) {
        let (plainCount, stringCount) = slotCounts(n, layout)
        LargeMemory.free(UnsafeMutableRawPointer(plain), byteCount: plainCount * MemoryLayout<UInt64>.stride)
        LargeMemory.free(UnsafeMutableRawPointer(strings), byteCount: stringCount * MemoryLayout<StringSlot>.stride)
    }

    /// The number of groups.
    private(set) var count = 0

    /// The group id of each row of `columns`, creating groups for tuples not seen before.
    /// Null equals null. With `skippingNulls`, rows with a null key get -1 and no group.
    func insert(_ columns: [Column], rows: Int, skippingNulls: Bool = false) -> [Int] {
        lookup(columns, rows: rows, skippingNulls: skippingNulls, inserting: true)
    }

    /// The group id of each row, or -1 for tuples not in the table and rows with a null key
    /// (the join rule: null never matches).
    func find(_ columns: [Column], rows: Int) -> [Int] {
        lookup(columns, rows: rows, skippingNulls: true, inserting: false)
    }

    /// Inserts the keys of `other`'s groups, in `other`'s group order; element `g` of the result
    /// is the id here of `other`'s group `g` (used to merge partial aggregates).
    func insert(groupsOf other: GroupTable) -> [Int] {
        precondition(other.keyTypes == keyTypes, "merging tables with different key types")
        // String keys: the other table's stored hashes are the ones a lookup would compute.
        let hashes = layout == .string ? UnsafePointer(other.groupHashes.base) : nil
        return lookup(other.keyColumns(), rows: other.count, skippingNulls: false, inserting: true, hashes: hashes)
    }

    /// The key columns, row `g` holding the keys of group `g`.
    func keyColumns() -> [Column] {
        switch layout {
        case .generic:
            return keys.map { $0.finish() }
        case .string:
            let offsets = (0...count).map { Int32(keyStart[$0]) }
            let bytes = Array(UnsafeBufferPointer(start: keyArena.base, count: keyArena.count))
            return [Column(type: keyTypes[0], values: .string(StringArray(offsets: offsets, bytes: bytes)),
                           validity: nullValidity())]
        case .int64:
            let values = keyInts.array
            let buffer: ColumnValues
            switch keyTypes[0] {
            case .date: buffer = .date(values.map { Int32(truncatingIfNeeded: $0) })
            case .timestamp: buffer = .timestamp(values)
            default: buffer = .int(values)
            }
            return [Column(type: keyTypes[0], values: buffer, validity: nullValidity())]
        }
    }

    private func nullValidity() -> Bitmap? {
        guard nullGroup >= 0 else { return nil }
        var bits = Bitmap(count: count, value: true)
        bits[nullGroup] = false
        return bits
    }

    /// `hashes`: the keys' hashes when known (string keys only), else they are computed.
    private func lookup(_ columns: [Column], rows n: Int, skippingNulls: Bool, inserting: Bool,
                        hashes: UnsafePointer<UInt64>? = nil) -> [Int] {
        precondition(columns.count == keyTypes.count, "key column count does not match the table")
        var ids = [Int](repeating: -1, count: n)
        guard n > 0 else { return ids }
        switch (layout, columns[0].values) {
        case (.string, .string(let s)):
            lookupStrings(s, columns[0].validity, n, skippingNulls, inserting, &ids, hashes: hashes)
        case (.int64, .int(let v)), (.int64, .timestamp(let v)):
            lookupInts(v, columns[0].validity, n, skippingNulls, inserting, &ids)
        case (.int64, .date(let v)):
            lookupInts(v.map { Int64($0) }, columns[0].validity, n, skippingNulls, inserting, &ids)
        default:
            lookupGeneric(columns, n, skippingNulls, inserting, &ids)
        }
        return ids
    }

    // MARK: - Single string key

    /// How many rows ahead of the probe the string layout prefetches a row's home slot.
    private let probeAhead = 24

    private func lookupStrings(_ s: StringArray, _ validity: Bitmap?, _ n: Int, _ skippingNulls: Bool,
                               _ inserting: Bool, _ ids: inout [Int], hashes known: UnsafePointer<UInt64>?) {
        var computed: UnsafeMutablePointer<UInt64>?
        if known == nil {
            hashScratch.resize(to: n, with: 0)
            computed = hashScratch.base
        }
        guard let hashes = known ?? computed.map({ UnsafePointer($0) }) else { return }
        s.offsets.withUnsafeBufferPointer { off in
            s.bytes.withUnsafeBufferPointer { bytes in
                ids.withUnsafeMutableBufferPointer { out in
                    let b = bytes.baseAddress
                    let end = UnsafePointer(b.map { $0 + bytes.count })
                    // Pass 1: hashes (unless known).
                    if let computed {
                        for i in 0..<n {
                            let start = Int(off[i])
                            computed[i] = hashBytes(UnsafePointer(b.map { $0 + start }), Int(off[i + 1]) - start)
                        }
                    }
                    // Pass 2: probe. The table's slots, mask and key bytes are held in locals (reading
                    // the properties in the loop costs an exclusivity check each) and reloaded after an
                    // insert, which may grow them.
                    var (slots, slotMask, keys) = (stringSlots, mask, keyArena.base)
                    for i in 0..<Swift.min(n, probeAhead) { tally_prefetch(slots + Self.homeOfString(hashes[i], slotMask)) }
                    for i in 0..<n {
                        // The home slot of a row `probeAhead` rows on: its cache miss overlaps the probes until then.
                        if i + probeAhead < n { tally_prefetch(slots + Self.homeOfString(hashes[i + probeAhead], slotMask)) }
                        if let validity, !validity[i] {
                            if !skippingNulls { out[i] = nullGroupId(inserting: inserting) }
                            continue
                        }
                        let start = Int(off[i])
                        let len = Int(off[i + 1]) - start
                        let p = UnsafePointer(b.map { $0 + start })
                        let h = hashes[i]
                        let (w0, w1) = loadPrefix(p, len, end: end)
                        let tag = h >> 32
                        var slot = Self.homeOfString(h, slotMask)
                        while true {
                            let e = slots[slot]
                            if e.head == 0 {
                                if inserting {
                                    out[i] = addString(p, len, hash: h, prefix: (w0, w1), slot: slot)
                                    (slots, slotMask, keys) = (stringSlots, mask, keyArena.base)
                                }
                                break
                            }
                            if e.head >> 32 == tag && e.w0 == w0 && e.w1 == w1 && Int(e.lenOffset >> 32) == len
                                && (len <= 16 || equalBytes(keys + Int(e.lenOffset & 0xFFFF_FFFF) + 16, p! + 16, len - 16)) {
                                out[i] = Int(truncatingIfNeeded: e.head & 0xFFFF_FFFF) - 1
                                break
                            }
                            slot = (slot + 1) & slotMask
                        }
                    }
                }
            }
        }
    }

    private func addString(_ p: UnsafePointer<UInt8>?, _ len: Int, hash: UInt64, prefix: (UInt64, UInt64),
                           slot: Int) -> Int {
        let offset = keyArena.append(p, len)
        precondition(keyArena.count < Int(UInt32.max), "group keys exceed 4 GiB")
        keyStart.append(keyArena.count)
        stringSlots[slot] = StringSlot(head: (hash >> 32) << 32 | UInt64(count + 1),
                                       lenOffset: UInt64(len) << 32 | UInt64(offset), w0: prefix.0, w1: prefix.1)
        return addGroup(hash: hash, slot: -1)
    }

    /// The first slot a string key with hash `h` probes: the first of the two slots sharing its
    /// cache line, so that a probe reads both before moving to the next line.
    @inline(__always)
    private static func homeOfString(_ h: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: h) & mask & ~1
    }

    // MARK: - Single integer key

    private func lookupInts(_ v: [Int64], _ validity: Bitmap?, _ n: Int, _ skippingNulls: Bool,
                            _ inserting: Bool, _ ids: inout [Int]) {
        hashScratch.resize(to: n, with: 0)
        let hashes = hashScratch.base
        v.withUnsafeBufferPointer { values in
            ids.withUnsafeMutableBufferPointer { out in
                // Hashes and a prefetch of each row's slot (see `lookupStrings`), then the probes.
                var (table, tableMask, keys) = (slots, mask, keyInts.base)
                for i in 0..<n {
                    let h = mix64(UInt64(bitPattern: values[i]) ^ 0x243F_6A88_85A3_08D3)
                    hashes[i] = h
                    tally_prefetch(table + (Int(truncatingIfNeeded: h) & tableMask))
                }
                // The table is held in locals as in `lookupStrings`, reloaded after an insert.
                for i in 0..<n {
                    if let validity, !validity[i] {
                        if !skippingNulls { out[i] = nullGroupId(inserting: inserting) }
                        continue
                    }
                    let x = values[i]
                    let h = hashes[i]
                    let tag = h >> 32
                    var slot = Int(truncatingIfNeeded: h) & tableMask
                    while true {
                        let e = table[slot]
                        if e == 0 {
                            if inserting {
                                keyInts.append(x)
                                out[i] = addGroup(hash: h, slot: slot)
                                (table, tableMask, keys) = (slots, mask, keyInts.base)
                            }
                            break
                        }
                        if e >> 32 == tag {
                            let g = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                            if keys[g] == x {
                                out[i] = g
                                break
                            }
                        }
                        slot = (slot + 1) & tableMask
                    }
                }
            }
        }
    }

    /// The null key's group in the single-key layouts (created on first use when inserting).
    private func nullGroupId(inserting: Bool) -> Int {
        if nullGroup >= 0 || !inserting { return nullGroup }
        nullGroup = count
        switch layout {
        case .string: keyStart.append(keyArena.count)
        case .int64: keyInts.append(0)
        case .generic: break
        }
        groupHashes.append(0)
        count += 1
        return nullGroup
    }

    // MARK: - Any key tuple

    private func lookupGeneric(_ columns: [Column], _ n: Int, _ skippingNulls: Bool, _ inserting: Bool,
                               _ ids: inout [Int]) {
        let hashes = hashRows(columns, count: n)
        let skip: [Bool]? = skippingNulls && columns.contains { $0.validity != nil }
            ? (0..<n).map { i in columns.contains { $0.isNull(i) } } : nil
        for i in 0..<n {
            if let skip, skip[i] { continue }
            let h = hashes[i]
            let tag = h >> 32
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = slots[slot]
                if e == 0 {
                    if inserting {
                        for k in columns.indices { keys[k].append(from: columns[k], at: i) }
                        ids[i] = addGroup(hash: h, slot: slot)
                    }
                    break
                }
                if e >> 32 == tag {
                    let g = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                    if keysMatch(g, columns, i) {
                        ids[i] = g
                        break
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private func keysMatch(_ g: Int, _ columns: [Column], _ row: Int) -> Bool {
        for k in columns.indices where !keys[k].matches(g, columns[k], row) { return false }
        return true
    }

    // MARK: - Slots

    /// Records a new group placed in `slot` (-1: the caller filled a string slot).
    @inline(__always)
    private func addGroup(hash: UInt64, slot: Int) -> Int {
        let g = count
        precondition(g < Int(UInt32.max - 1), "too many groups")
        if slot >= 0 { slots[slot] = (hash >> 32) << 32 | UInt64(g + 1) }
        groupHashes.append(hash)
        count += 1
        if count * 2 > slotCount { grow() }
        return g
    }

    /// Doubles the slot array and re-places every group by its stored hash (the old slots are not
    /// read, so the array is resized in place and cleared).
    private func grow() {
        (slots, stringSlots) = Self.resizeSlots(slots, stringSlots, slotCount, to: 2 * slotCount, layout)
        slotCount *= 2
        mask = slotCount - 1
        let arenaEnd = UnsafePointer(keyArena.base + keyArena.count)
        for g in 0..<count where g != nullGroup {
            let h = groupHashes[g]
            var slot = Int(truncatingIfNeeded: h) & mask
            let head = (h >> 32) << 32 | UInt64(g + 1)
            if layout == .string {
                slot = Self.homeOfString(h, mask)
                while stringSlots[slot].head != 0 { slot = (slot + 1) & mask }
                let offset = keyStart[g], len = keyStart[g + 1] - offset
                let p = UnsafePointer(keyArena.base + offset)
                let (w0, w1) = loadPrefix(p, len, end: arenaEnd)
                stringSlots[slot] = StringSlot(head: head, lenOffset: UInt64(len) << 32 | UInt64(offset), w0: w0, w1: w1)
            } else {
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = head
            }
        }
    }
}
