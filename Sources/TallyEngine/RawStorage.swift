import CMemory
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Manually managed growable buffers for the hash tables and accumulators: hot loops index them
// through a raw pointer (no bounds, uniqueness or exclusivity checks). Each is owned by exactly
// one class instance (a table or an accumulator) and freed by its `deinit`; never shared.

/// A growable array of trivial values. `base` is invalidated by `append`/`reserve`/`resize`.
final class RawVec<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 16)
        base = LargeMemory.allocate(byteCount: self.capacity * MemoryLayout<T>.stride, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: self.capacity)
    }

    deinit { LargeMemory.free(base, byteCount: capacity * MemoryLayout<T>.stride) }

    @inline(__always) subscript(i: Int) -> T {
        get { base[i] }
        set { base[i] = newValue }
    }

    func reserve(_ n: Int) {
        guard n > capacity else { return }
        var c = capacity
        while c < n { c *= 2 }
        let size = MemoryLayout<T>.stride
        base = LargeMemory.grow(base, from: capacity * size, to: c * size, keeping: count * size,
                                alignment: MemoryLayout<T>.alignment).bindMemory(to: T.self, capacity: c)
        capacity = c
    }

    @inline(__always) func append(_ v: T) {
        if count == capacity { reserve(count + 1) }
        base[count] = v
        count += 1
    }

    /// Grows to `n` elements, filling new ones with `value` (never shrinks).
    func resize(to n: Int, with value: T) {
        guard n > count else { return }
        reserve(n)
        (base + count).initialize(repeating: value, count: n - count)
        count = n
    }

    var array: [T] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Append-only bytes; values are addressed by offset (stable across growth).
final class ByteArena {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = Swift.max(capacity, 64)
        base = LargeMemory.allocate(byteCount: self.capacity, alignment: 1).bindMemory(to: UInt8.self, capacity: self.capacity)
    }

    deinit { LargeMemory.free(base, byteCount: capacity) }

    /// Copies `n` bytes from `p`; returns their offset.
    @inline(__always) func append(_ p: UnsafePointer<UInt8>?, _ n: Int) -> Int {
        let at = count
        if n == 0 { return at }
        if count + n > capacity { grow(count + n) }
        (base + count).update(from: p!, count: n)
        count += n
        return at
    }

    private func grow(_ n: Int) {
        var c = capacity
        while c < n { c *= 2 }
        base = LargeMemory.grow(base, from: capacity, to: c, keeping: count, alignment: 1)
            .bindMemory(to: UInt8.self, capacity: c)
        capacity = c
    }

    /// Takes over `other`'s bytes (other is left empty).
    func adopt(_ other: ByteArena) {
        swap(&base, &other.base)
        swap(&count, &other.count)
        swap(&capacity, &other.capacity)
        other.count = 0
    }
}

/// Byte-wise (UTF-8 code unit) order: -1, 0 or 1.
@inline(__always)
func compareBytes(_ a: UnsafePointer<UInt8>?, _ n1: Int, _ b: UnsafePointer<UInt8>?, _ n2: Int) -> Int {
    let n = Swift.min(n1, n2)
    if n > 0 {
        let c = memcmp(a!, b!, n)
        if c != 0 { return c < 0 ? -1 : 1 }
    }
    return n1 == n2 ? 0 : (n1 < n2 ? -1 : 1)
}

@inline(__always)
func equalBytes(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
    n == 0 || memcmp(a!, b!, n) == 0
}

@inline(__always)
private func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let m = a.multipliedFullWidth(by: b)
    return m.high ^ m.low
}

/// A 64-bit hash of `n` bytes (8 bytes per step, wyhash-style multiply-fold).
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>?, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: n)
    guard n > 0, let p else { return mix64(h) }
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= n {
        h = fold(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0x9E37_79B9_7F4A_7C15)
        i += 8
    }
    if i < n {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            w |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = fold(h ^ w, 0xA076_1D64_78BD_642F)
    }
    return mix64(h)
}

/// The first 16 bytes of `n` bytes at `p` as two little-endian words, zero past `n` (bytes
/// `p ..< end` may be read).
@inline(__always)
func loadPrefix(_ p: UnsafePointer<UInt8>?, _ n: Int, end: UnsafePointer<UInt8>?) -> (UInt64, UInt64) {
    guard n > 0, let p else { return (0, 0) }
    if let end, end - p >= 16 {
        let raw = UnsafeRawPointer(p)
        var w0 = raw.loadUnaligned(as: UInt64.self)
        var w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if n < 8 {
            w0 &= (1 << UInt64(8 * n)) &- 1
            w1 = 0
        } else if n < 16 {
            w1 &= (1 << UInt64(8 * (n - 8))) &- 1
        }
        return (w0, w1)
    }
    var w0: UInt64 = 0, w1: UInt64 = 0
    for k in 0..<Swift.min(n, 16) {
        if k < 8 { w0 |= UInt64(p[k]) << UInt64(8 * k) } else { w1 |= UInt64(p[k]) << UInt64(8 * (k - 8)) }
    }
    return (w0, w1)
}

/// Byte order of two strings given their `loadPrefix` words, lengths and bytes: -1, 0 or 1.
/// Only strings longer than 16 bytes with equal prefixes touch the bytes.
@inline(__always)
func compareWithPrefix(_ a: (UInt64, UInt64), _ pa: UnsafePointer<UInt8>?, _ na: Int,
                       _ b: (UInt64, UInt64), _ pb: UnsafePointer<UInt8>?, _ nb: Int) -> Int {
    if a.0 != b.0 { return a.0.byteSwapped < b.0.byteSwapped ? -1 : 1 }
    if a.1 != b.1 { return a.1.byteSwapped < b.1.byteSwapped ? -1 : 1 }
    if na <= 16 || nb <= 16 { return na == nb ? 0 : (na < nb ? -1 : 1) }
    return compareBytes(pa! + 16, na - 16, pb! + 16, nb - 16)
}

/// Memory for hash tables and per-group state. Blocks of 1 MiB or more are, on Linux, anonymous
/// mappings of their own, sized in whole 2 MiB huge pages and advised to use transparent huge pages
/// (their accesses are random, and with 4 KiB pages nearly every one of them would also miss the
/// TLB); they grow in place with `mremap`. A freed mapping is kept for the next allocation, up to
/// `keptLimit` bytes in all (see `Kept`). Smaller blocks come from `malloc`. Free with
/// `LargeMemory.free`, giving the size the block was allocated or grown to.
enum LargeMemory {
    static let hugePage = 2 << 20

    /// The mapping size of a block of `byteCount` bytes, or nil for a `malloc` block.
    private static func mappedSize(_ byteCount: Int) -> Int? {
        guard tally_can_mremap() != 0, byteCount >= 1 << 20 else { return nil }
        return (byteCount + hugePage - 1) / hugePage * hugePage
    }

    /// `byteCount` bytes aligned to `alignment` (at most a page), not initialized.
    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        #if os(Linux)
        if let size = mappedSize(byteCount) {
            if let p = Kept.take(size) { return p }
            guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  p != MAP_FAILED else { fatalError("out of memory mapping \(size) bytes") }
            _ = madvise(p, size, MADV_HUGEPAGE)
            return p
        }
        #endif
        var p: UnsafeMutableRawPointer?
        let result = posix_memalign(&p, Swift.max(alignment, MemoryLayout<Int>.size), Swift.max(byteCount, 1))
        guard result == 0, let p else { fatalError("out of memory allocating \(byteCount) bytes") }
        return p
    }

    /// Frees block `p` of `byteCount` bytes.
    static func free(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        if let size = mappedSize(byteCount) {
            if !Kept.put(p, size) { munmap(p, size) }
            return
        }
        #endif
        #if canImport(Glibc)
        Glibc.free(p)
        #else
        Darwin.free(p)
        #endif
    }

    /// Block `p` of `oldCount` bytes enlarged to `newCount` bytes, its first `keep` bytes kept; `p`
    /// is invalid afterwards. A mapped block grows with `mremap`: its pages move as they are, so
    /// nothing is copied and only the added pages are new (and zeroed by the system).
    static func grow(_ p: UnsafeMutableRawPointer, from oldCount: Int, to newCount: Int, keeping keep: Int,
                     alignment: Int) -> UnsafeMutableRawPointer {
        if newCount <= oldCount { return p }
        if let oldSize = mappedSize(oldCount), let newSize = mappedSize(newCount) {
            if newSize == oldSize { return p }
            guard let q = tally_mremap(p, oldSize, newSize) else { fatalError("out of memory mapping \(newSize) bytes") }
            return q
        }
        let q = allocate(byteCount: newCount, alignment: alignment)
        q.copyMemory(from: p, byteCount: keep)
        free(p, byteCount: oldCount)
        return q
    }
}

extension LargeMemory {
    /// How many bytes of freed mappings are kept for reuse: enough for the tables of the hash
    /// joins that follow a large aggregate, little next to the peak memory of a run that has them.
    static let keptLimit = 32 << 20

    /// Freed mappings kept for the next allocations. A new mapping's pages are faulted in and
    /// zeroed by the system on first touch, which on virtual machines can cost more than the work
    /// then done on them (the 16 MiB table of a 200k-row hash join took longer to fault in than to
    /// fill); a kept mapping's pages are already in place. An allocation takes the smallest kept
    /// mapping that fits and shrinks it to size (the rest goes back to the system); a freed mapping
    /// makes room for itself by releasing the mappings kept longest.
    enum Kept {
        /// (address, size) of each kept mapping; addresses as integers, so the list is `Sendable`.
        private static let mappings = Mutex<[(address: UInt, size: Int)]>([])

        /// A kept mapping of `size` bytes, if one at least that large is kept.
        static func take(_ size: Int) -> UnsafeMutableRawPointer? {
            let found = mappings.withLock { kept -> (address: UInt, size: Int)? in
                guard let i = kept.indices.filter({ kept[$0].size >= size }).min(by: { kept[$0].size < kept[$1].size })
                else { return nil }
                return kept.remove(at: i)
            }
            guard let found, let p = UnsafeMutableRawPointer(bitPattern: found.address) else { return nil }
            if found.size > size {
                guard tally_mremap_shrink(p, found.size, size) != 0 else {
                    munmap(p, found.size)
                    return nil
                }
            }
            return p
        }

        /// Keeps mapping `p` of `size` bytes, releasing the mappings kept longest if the kept bytes
        /// would pass `keptLimit`; false when `p` alone is larger than that (it is not kept).
        static func put(_ p: UnsafeMutableRawPointer, _ size: Int) -> Bool {
            guard size <= keptLimit else { return false }
            let released = mappings.withLock { kept -> [(address: UInt, size: Int)] in
                var total = kept.reduce(size) { $0 + $1.size }
                var count = 0
                while total > keptLimit {
                    total -= kept[count].size
                    count += 1
                }
                let released = Array(kept.prefix(count))
                kept.removeFirst(count)
                kept.append((UInt(bitPattern: p), size))
                return released
            }
            for m in released { munmap(UnsafeMutableRawPointer(bitPattern: m.address), m.size) }
            return true
        }
    }
}

/// Per-group state records: one record of `stride` bytes per group, holding a field for each
/// accumulator bound to the store. The accumulators of one aggregation share a store, so a row's
/// updates touch one record (adjacent cache lines) instead of one array per aggregate.
///
/// Fields are added before the first `grow`; a new record starts as a copy of the initial values
/// of all fields. `base` is invalidated by `grow`.
final class GroupStates {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var stride = 0
    private var capacity = 0
    /// The initial record (`stride` bytes).
    private var template: [UInt8] = []

    static let baseAlignment = 64

    init() {
        base = LargeMemory.allocate(byteCount: Self.baseAlignment, alignment: Self.baseAlignment)
    }

    deinit { LargeMemory.free(base, byteCount: Swift.max(capacity * stride, Self.baseAlignment)) }

    /// Adds a field of type `T` starting as `initial` in every record; returns its byte offset.
    func addField<T: BitwiseCopyable>(initial: T) -> Int {
        precondition(count == 0, "fields are added before the first record")
        let a = MemoryLayout<T>.alignment
        precondition(a <= Self.baseAlignment, "field alignment too large")
        let end = template.count
        let offset = (end + a - 1) / a * a
        template += [UInt8](repeating: 0, count: offset - end + MemoryLayout<T>.size)
        withUnsafeBytes(of: initial) { bytes in
            for i in 0..<bytes.count { template[offset + i] = bytes[i] }
        }
        // A power of two up to a cache line, whole lines above: no record straddles more lines than it fills.
        var stride = 8
        while stride < Swift.min(template.count, 64) { stride *= 2 }
        if template.count > 64 { stride = (template.count + 63) / 64 * 64 }
        self.stride = stride
        template += [UInt8](repeating: 0, count: stride - template.count)
        return offset
    }

    /// Prefetches the cache lines of group `g`'s record.
    @inline(__always)
    static func prefetch(_ base: UnsafeMutableRawPointer, _ stride: Int, _ g: Int) {
        let at = base + g &* stride
        var offset = 0
        repeat {
            tally_prefetch(at + offset)
            offset &+= 64
        } while offset < stride
    }

    /// Grows to `n` records (never shrinks), new ones initialized from the fields' initial values.
    @inline(__always)
    func grow(to n: Int) {
        if n > count { extend(to: n) }
    }

    private func extend(to n: Int) {
        if n > capacity {
            var c = Swift.max(capacity, 1024)
            while c < n { c *= 2 }
            base = LargeMemory.grow(base, from: Swift.max(capacity * stride, Self.baseAlignment), to: c * stride,
                                    keeping: count * stride, alignment: Self.baseAlignment)
            capacity = c
        }
        template.withUnsafeBytes { t in
            for g in count..<n { (base + g * stride).copyMemory(from: t.baseAddress!, byteCount: stride) }
        }
        count = n
    }

    /// The address of group `g`'s field at `offset`.
    @inline(__always)
    func field(_ g: Int, _ offset: Int) -> UnsafeMutableRawPointer {
        base + (g &* stride &+ offset)
    }
}

/// An accumulator whose per-group state lives in a `GroupStates` record (its own store until
/// `bind(to:)` moves it into one shared with other accumulators).
protocol RecordAccumulator: Accumulator {
    /// Moves the state into `store` (adding its fields); only before the first update.
    func bind(to store: GroupStates)
    /// `update` for the batch rows `rows` only (`groups` and `input` cover the whole batch).
    func update(groups: [Int], input: Column?, rows: Range<Int>, groupCount: Int) throws
    /// Whether `update` can throw (an overflow).
    var canFail: Bool { get }
}

extension RecordAccumulator {
    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        try update(groups: groups, input: input, rows: 0..<groups.count, groupCount: groupCount)
    }
}

/// The first 32 bytes of `n` bytes at `p` as four little-endian words, zero past `n` (bytes
/// `p ..< end` may be read).
@inline(__always)
func loadPrefix32(_ p: UnsafePointer<UInt8>?, _ n: Int, end: UnsafePointer<UInt8>?) -> (UInt64, UInt64, UInt64, UInt64) {
    if let p, let end, end - p >= 32 {
        // Four loads, each masked to the bytes that belong to the string (no branch on its length).
        let raw = UnsafeRawPointer(p)
        return (raw.loadUnaligned(as: UInt64.self) & lowBytes(n),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & lowBytes(n &- 8),
                raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & lowBytes(n &- 16),
                raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self) & lowBytes(n &- 24))
    }
    let (w0, w1) = loadPrefix(p, n, end: end)
    if n <= 16 { return (w0, w1, 0, 0) }
    let (w2, w3) = loadPrefix(p! + 16, n - 16, end: end)
    return (w0, w1, w2, w3)
}

/// A mask of the low `k` bytes of a word: none for `k <= 0`, all for `k >= 8`.
@inline(__always)
func lowBytes(_ k: Int) -> UInt64 {
    k >= 8 ? .max : (k <= 0 ? 0 : (1 &<< UInt64(8 &* k)) &- 1)
}

/// Byte order of two strings given their `loadPrefix32` words and lengths: -1, 0 or 1. The bytes
/// (`pa`, `pb`) are read only when both are longer than 32 bytes and their first 32 are equal.
@inline(__always)
func compareWithPrefix32(_ a: (UInt64, UInt64, UInt64, UInt64), _ pa: UnsafePointer<UInt8>?, _ na: Int,
                         _ b: (UInt64, UInt64, UInt64, UInt64), _ pb: UnsafePointer<UInt8>?, _ nb: Int) -> Int {
    if a.0 != b.0 { return a.0.byteSwapped < b.0.byteSwapped ? -1 : 1 }
    if a.1 != b.1 { return a.1.byteSwapped < b.1.byteSwapped ? -1 : 1 }
    if a.2 != b.2 { return a.2.byteSwapped < b.2.byteSwapped ? -1 : 1 }
    if a.3 != b.3 { return a.3.byteSwapped < b.3.byteSwapped ? -1 : 1 }
    if na <= 32 || nb <= 32 { return na == nb ? 0 : (na < nb ? -1 : 1) }
    return compareBytes(pa! + 32, na - 32, pb! + 32, nb - 32)
}
