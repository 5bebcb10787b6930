import TallyCompiler

/// Which value of a group `min`, `max` and `any`/`first` keep.
enum SelectMode {
    case min, max, first
}

/// The accumulator keeping one value per group for `type`'s storage kind.
func makeSelectAccumulator(_ mode: SelectMode, type: DataType) -> Accumulator {
    switch type {
    case .int: return SelectAccumulator<Int64>(mode, type, read: { $0.ints }, wrap: { .int($0) })
    case .decimal: return SelectAccumulator<Int128>(mode, type, read: { $0.decimals }, wrap: { .decimal($0) })
    case .double: return SelectAccumulator<Double>(mode, type, read: { $0.doubles }, wrap: { .double($0) })
    case .date: return SelectAccumulator<Int32>(mode, type, read: { $0.dates }, wrap: { .date($0) })
    case .timestamp: return SelectAccumulator<Int64>(mode, type, read: { $0.timestamps }, wrap: { .timestamp($0) })
    case .bool, .null:
        // false < true, so bools are kept as 0/1.
        return SelectAccumulator<UInt8>(mode, type, read: { $0.bools.map { $0 ? 1 : 0 } }, wrap: { .bool($0.map { $0 != 0 }) })
    case .string: return StringSelectAccumulator(mode)
    }
}

/// `min`, `max` or `first` over a fixed-width type.
final class SelectAccumulator<T: Comparable & BitwiseCopyable>: Accumulator {
    private let mode: SelectMode
    private let type: DataType
    private let read: (ColumnValues) -> [T]
    private let wrap: ([T]) -> ColumnValues
    /// Kept value per group; unseen groups hold a placeholder (the first value ever met).
    private let kept = RawVec<T>(capacity: 1024)
    private var filler: T?
    private let seen = SeenFlags()

    init(_ mode: SelectMode, _ type: DataType, read: @escaping (ColumnValues) -> [T], wrap: @escaping ([T]) -> ColumnValues) {
        self.mode = mode
        self.type = type
        self.read = read
        self.wrap = wrap
    }

    private func grow(to groupCount: Int) {
        if let filler { kept.resize(to: groupCount, with: filler) }
        seen.grow(to: groupCount)
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        guard let input else { return grow(to: groupCount) }
        let values = read(input.values)
        if filler == nil { filler = values.first }
        guard filler != nil else { return grow(to: groupCount) }
        grow(to: groupCount)
        let validity = input.validity
        let k = kept.base
        values.withUnsafeBufferPointer { vp in
            groups.withUnsafeBufferPointer { gp in
                for i in gp.indices {
                    if let validity, !validity[i] { continue }
                    let g = gp[i], v = vp[i]
                    if !seen[g] {
                        k[g] = v
                        seen.mark(g)
                        continue
                    }
                    switch mode {
                    case .min: if v < k[g] { k[g] = v }
                    case .max: if v > k[g] { k[g] = v }
                    case .first: break
                    }
                }
            }
        }
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: SelectAccumulator<T>.self)
        if filler == nil { filler = o.filler }
        grow(to: groupCount)
        guard o.filler != nil else { return }
        for g in 0..<o.seen.count where o.seen[g] {
            let t = groupMap[g], v = o.kept[g]
            if !seen[t] {
                kept[t] = v
                seen.mark(t)
                continue
            }
            switch mode {
            case .min: if v < kept[t] { kept[t] = v }
            case .max: if v > kept[t] { kept[t] = v }
            case .first: break
            }
        }
    }

    func finish(_ order: GroupOrder) throws -> Column {
        grow(to: order.count)
        let buffer: ColumnValues = filler == nil
            ? .zeros(for: type, count: order.count) : wrap(order.map { kept[$0] })
        return Column(type: type, values: buffer, validity: seen.validity(order))
    }
}

/// `min`, `max` or `first` over strings (UTF-8 byte order). Each group keeps its value's length
/// and first 32 bytes inline in its state record: a value of at most 32 bytes lives there whole,
/// and a comparison reads the bytes of a longer one (copied into `arena`) only when the first 32
/// are equal. Bytes are copied only when a group's value changes. When most of the arena is dead
/// values it is compacted.
final class StringSelectAccumulator: RecordAccumulator {
    private struct Kept {
        var w0: UInt64
        var w1: UInt64
        var w2: UInt64
        var w3: UInt64
        /// Offset in `arena` (values longer than 32 bytes only).
        var start: Int
        /// -1 when the group has no value yet.
        var length: Int
    }

    private static let none = Kept(w0: 0, w1: 0, w2: 0, w3: 0, start: 0, length: -1)

    private let mode: SelectMode
    private var store = GroupStates()
    private var field = 0
    private let arena = ByteArena(capacity: 1 << 16)
    private var liveBytes = 0

    init(_ mode: SelectMode) {
        self.mode = mode
        field = store.addField(initial: Self.none)
    }

    func bind(to store: GroupStates) {
        precondition(self.store.count == 0, "bound after the first update")
        self.store = store
        field = store.addField(initial: Self.none)
    }

    /// Offers value `p[0..<n]` (prefix words `w`) to the group whose state is at `at`, which
    /// keeps it if it wins. `p` is read only past 32 bytes.
    @inline(__always)
    private func offer(_ at: UnsafeMutableRawPointer, _ p: UnsafePointer<UInt8>?, _ n: Int,
                       _ w: (UInt64, UInt64, UInt64, UInt64)) {
        let current = at.load(as: Kept.self)
        if current.length >= 0 {
            if mode == .first { return }
            let c = compareWithPrefix32(w, p, n, (current.w0, current.w1, current.w2, current.w3),
                                        UnsafePointer(arena.base + current.start), current.length)
            if mode == .min ? c >= 0 : c <= 0 { return }
            if current.length > 32 { liveBytes -= current.length }
        }
        var start = 0
        if n > 32 {
            start = arena.append(p, n)
            liveBytes += n
        }
        at.storeBytes(of: Kept(w0: w.0, w1: w.1, w2: w.2, w3: w.3, start: start, length: n), as: Kept.self)
    }

    var canFail: Bool { false }

    func update(groups: [Int], input: Column?, rows: Range<Int>, groupCount: Int) throws {
        store.grow(to: groupCount)
        guard let input else { return }
        let strings = input.values.strings
        let validity = input.validity
        let (base, stride, field) = (store.base, store.stride, self.field)
        let lengthOffset = field + MemoryLayout<Kept>.offset(of: \.length)!
        strings.offsets.withUnsafeBufferPointer { off in
            strings.bytes.withUnsafeBufferPointer { bytes in
                groups.withUnsafeBufferPointer { gp in
                    let b = bytes.baseAddress
                    let end = UnsafePointer(b.map { $0 + bytes.count })
                    for i in rows {
                        if i + lookahead < rows.upperBound { GroupStates.prefetch(base, stride, gp[i + lookahead]) }
                        if let validity, !validity[i] { continue }
                        let at = base + (gp[i] &* stride &+ field)
                        if mode == .first && at.load(fromByteOffset: lengthOffset - field, as: Int.self) >= 0 { continue }
                        let s = Int(off[i]), n = Int(off[i + 1]) - s
                        let p = UnsafePointer(b.map { $0 + s })
                        offer(at, p, n, loadPrefix32(p, n, end: end))
                    }
                }
            }
        }
        if arena.count > 1 << 20 && arena.count > 2 * liveBytes { compact() }
    }

    /// Copies the live values into a fresh arena.
    private func compact() {
        let fresh = ByteArena(capacity: Swift.max(liveBytes * 2, 1 << 16))
        for g in 0..<store.count {
            let at = store.field(g, field)
            var v = at.load(as: Kept.self)
            guard v.length > 32 else { continue }
            v.start = fresh.append(arena.base + v.start, v.length)
            at.storeBytes(of: v, as: Kept.self)
        }
        arena.adopt(fresh)
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: StringSelectAccumulator.self)
        store.grow(to: groupCount)
        let n = o.store.count
        for g in 0..<n {
            // The target records are spread over the table: prefetch one a few groups ahead.
            if g + lookahead < n { GroupStates.prefetch(store.base, store.stride, groupMap[g + lookahead]) }
            let v = o.store.field(g, o.field).load(as: Kept.self)
            guard v.length >= 0 else { continue }
            offer(store.field(groupMap[g], field), UnsafePointer(o.arena.base + v.start), v.length, (v.w0, v.w1, v.w2, v.w3))
        }
    }

    func finish(_ order: GroupOrder) throws -> Column {
        let groupCount = order.count
        store.grow(to: groupCount)
        var offsets = [Int32](repeating: 0, count: groupCount + 1)
        var valid = Bitmap(count: groupCount, value: true)
        var anyNull = false
        // Room for every value: inline ones take at most 32 bytes, longer ones are the live bytes of
        // the arena. An inline value is stored as its four words (32 bytes, the slack at the end
        // takes the excess of the last one) and the next value overwrites what lies past its end.
        let capacity = liveBytes + 32 * groupCount + 32
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            guard let to = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
            var position = 0
            for r in 0..<groupCount {
                let v = store.field(order[r], field).load(as: Kept.self)
                precondition(position + Swift.max(v.length, 32) <= capacity, "string results outgrew their buffer")
                if v.length > 32 {
                    (to + position).copyMemory(from: arena.base + v.start, byteCount: v.length)
                    position += v.length
                } else if v.length >= 0 {
                    to.storeBytes(of: (v.w0, v.w1, v.w2, v.w3), toByteOffset: position, as: (UInt64, UInt64, UInt64, UInt64).self)
                    position += v.length
                } else {
                    valid[r] = false
                    anyNull = true
                }
                offsets[r + 1] = Int32(position)
            }
            count = position
        }
        return Column(type: .string, values: .string(StringArray(offsets: offsets, bytes: bytes)),
                      validity: anyNull ? valid : nil)
    }
}
