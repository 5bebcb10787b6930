import TallyCompiler

/// The running state of one aggregate for every group, kept in typed buffers indexed by group id.
///
/// Partial aggregation: the input may be split into partitions aggregated separately (each with
/// its own `GroupTable` and accumulators) and merged in partition order with `merge`: partition 0's
/// accumulator receives the others. Sums are exact (an overflow is decided on the group's total),
/// so every aggregate gives the value of one pass over the whole input.
protocol Accumulator: AnyObject {
    /// Folds the rows of one batch into their groups. `groups[i]` is row `i`'s group id;
    /// `groupCount` is the number of groups known so far (ids are below it).
    func update(groups: [Int], input: Column?, groupCount: Int) throws
    /// One value per group, in `order`. A failure is the one of the first failing group in that
    /// order (a single pass's). Several accumulators may finish at once on different threads.
    func finish(_ order: GroupOrder) throws -> Column
    /// Folds in `other`, the same aggregate over input that comes after all input seen so far:
    /// `other`'s group `g` is this accumulator's group `groupMap[g]` (< `groupCount`).
    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws
}

/// Whether an aggregate's partial results merge into exactly the value of one pass over the
/// input. Sums, averages, minima and maxima of doubles depend on the order of the values
/// (rounding, NaN), so they are computed in one pass.
func mergesExactly(_ call: AggregateCall, argumentType: DataType?) -> Bool {
    guard argumentType == .double else { return true }
    switch call.function {
    case .sum, .avg, .min, .max: return false
    case .count, .countStar, .countDistinct, .any, .first: return true
    }
}

/// Builds the accumulator for an aggregate call over an argument of type `argumentType`.
func makeAccumulator(_ call: AggregateCall, argumentType: DataType?) throws -> Accumulator {
    let result = call.type.type
    guard let argumentType else {
        guard call.function == .countStar else {
            throw EngineError.planMismatch("aggregate `\(call.function.rawValue)` has no argument")
        }
        return CountAccumulator(countNulls: true)
    }
    switch call.function {
    case .countStar: return CountAccumulator(countNulls: true)
    case .count: return CountAccumulator(countNulls: false)
    case .countDistinct: return CountDistinctAccumulator(argumentType: argumentType)
    case .sum:
        switch argumentType {
        case .int: return SumIntAccumulator()
        case .decimal:
            return DecimalSumAccumulator(inputScale: argumentType.scale, resultType: result, average: false)
        case .double: return DoubleSumAccumulator(average: false)
        default: break
        }
    case .avg:
        switch argumentType {
        case .int, .decimal:
            return DecimalSumAccumulator(inputScale: argumentType.scale, resultType: result, average: true)
        case .double: return DoubleSumAccumulator(average: true)
        default: break
        }
    case .min, .max, .any, .first:
        let mode: SelectMode = call.function == .min ? .min : call.function == .max ? .max : .first
        return makeSelectAccumulator(mode, type: argumentType)
    }
    throw EngineError(.unsupported, "aggregate `\(call.function.rawValue)` is not defined on \(argumentType)")
}

/// Casts the other side of a merge to the receiver's class (both come from the same call).
@inline(__always)
func sameKind<A: Accumulator>(_ other: Accumulator, as _: A.Type) throws -> A {
    guard let o = other as? A else { throw EngineError.planMismatch("merging accumulators of different kinds") }
    return o
}

/// How many rows ahead accumulator loops prefetch the state of a row's group, so that cache
/// misses on large group tables overlap.
let lookahead = 16

/// Which groups have been given a value. Keeps a count of groups never given one, so that a
/// batch without nulls after all groups are seen marks only its new groups (no per-row store).
final class SeenFlags {
    let flags = RawVec<Bool>(capacity: 1024)
    private(set) var unseen = 0

    var count: Int { flags.count }

    func grow(to n: Int) {
        if n > flags.count {
            unseen += n - flags.count
            flags.resize(to: n, with: false)
        }
    }

    /// Prepares for a batch of `groupCount` groups. When the batch has no nulls and every older
    /// group is seen, all groups are marked now and false is returned (no per-row marking needed).
    func prepare(groupCount: Int, inputHasNulls: Bool) -> Bool {
        let before = flags.count
        let allSeenBefore = unseen == 0
        grow(to: groupCount)
        if !inputHasNulls && allSeenBefore {
            for g in before..<groupCount { flags[g] = true }
            unseen = 0
            return false
        }
        return true
    }

    @inline(__always) func mark(_ g: Int) {
        if !flags.base[g] {
            flags.base[g] = true
            unseen -= 1
        }
    }

    @inline(__always) subscript(g: Int) -> Bool { flags.base[g] }

    /// A validity bitmap for the groups in `order` (nil when all are seen).
    func validity(_ order: GroupOrder) -> Bitmap? {
        grow(to: order.count)
        if unseen == 0 { return nil }
        var bits = Bitmap(count: order.count, value: true)
        for r in 0..<order.count where !flags[order[r]] { bits[r] = false }
        return bits
    }
}

/// `count(*)` (every row) and `count(x)` (non-null rows).
final class CountAccumulator: RecordAccumulator {
    private let countNulls: Bool
    private var store = GroupStates()
    private var field = 0

    init(countNulls: Bool) {
        self.countNulls = countNulls
        field = store.addField(initial: Int64(0))
    }

    func bind(to store: GroupStates) {
        precondition(self.store.count == 0, "bound after the first update")
        self.store = store
        field = store.addField(initial: Int64(0))
    }

    var canFail: Bool { false }

    func update(groups: [Int], input: Column?, rows: Range<Int>, groupCount: Int) throws {
        store.grow(to: groupCount)
        let (base, stride, field) = (store.base, store.stride, self.field)
        let validity = countNulls ? nil : input?.validity
        groups.withUnsafeBufferPointer { gp in
            for i in rows {
                if let validity, !validity[i] { continue }
                let at = base + (gp[i] &* stride &+ field)
                at.storeBytes(of: at.load(as: Int64.self) + 1, as: Int64.self)
            }
        }
    }

    private func count(_ g: Int) -> Int64 { store.field(g, field).load(as: Int64.self) }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: CountAccumulator.self)
        store.grow(to: groupCount)
        let n = o.store.count
        for g in 0..<n {
            if g + lookahead < n { GroupStates.prefetch(store.base, store.stride, groupMap[g + lookahead]) }
            let at = store.field(groupMap[g], field)
            at.storeBytes(of: at.load(as: Int64.self) + o.count(g), as: Int64.self)
        }
    }

    func finish(_ order: GroupOrder) throws -> Column {
        store.grow(to: order.count)
        return Column(type: .int, values: .int(order.map(count)))
    }
}

/// `count(distinct x)`: pairs (group, value) are made unique with a `GroupTable`.
final class CountDistinctAccumulator: Accumulator {
    private let pairs: GroupTable
    private var counts: [Int64] = []

    init(argumentType: DataType) {
        pairs = GroupTable(keyTypes: [.int, argumentType])
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&counts, to: groupCount, with: 0)
        guard let input else { return }
        var rows = groups.indices.map { $0 }
        if input.validity != nil { rows = rows.filter { input.isValid($0) } }
        let groupColumn = Column(type: .int, values: .int(rows.map { Int64(groups[$0]) }))
        add(groupColumn, input.take(rows), rows.count)
    }

    /// Inserts pairs; each new pair counts once for its group.
    private func add(_ groupColumn: Column, _ values: Column, _ n: Int) {
        let before = pairs.count
        let ids = pairs.insert([groupColumn, values], rows: n)
        let g = groupColumn.values.ints
        // Ids are handed out in row order, so a pair is new exactly when it gets the next id.
        var nextNew = before
        for (j, id) in ids.enumerated() where id == nextNew {
            counts[Int(g[j])] += 1
            nextNew += 1
        }
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: CountDistinctAccumulator.self)
        grow(&counts, to: groupCount, with: 0)
        let columns = o.pairs.keyColumns()
        let mapped = Column(type: .int, values: .int(columns[0].values.ints.map { Int64(groupMap[Int($0)]) }))
        add(mapped, columns[1], o.pairs.count)
    }

    func finish(_ order: GroupOrder) throws -> Column {
        grow(&counts, to: order.count, with: 0)
        return Column(type: .int, values: .int(order.map { counts[$0] }))
    }
}

/// `sum(int)`, exact: each group's sum is kept in 128 bits, so no intermediate sum overflows, and a
/// total outside the int range is an error (never a wrap). The result does not depend on the order
/// of the rows, so partials merge by adding. (128 bits overflow only past 2^64 rows of extreme
/// values; that is checked too.)
final class SumIntAccumulator: RecordAccumulator {
    /// The state: the group's sum so far.
    private var store = GroupStates()
    private var field = 0
    private let seen = SeenFlags()

    init() {
        field = store.addField(initial: Int128(0))
    }

    func bind(to store: GroupStates) {
        precondition(self.store.count == 0, "bound after the first update")
        self.store = store
        field = store.addField(initial: Int128(0))
    }

    var canFail: Bool { true }

    func update(groups: [Int], input: Column?, rows: Range<Int>, groupCount: Int) throws {
        store.grow(to: groupCount)
        guard let input else { seen.grow(to: groupCount); return }
        let validity = input.validity
        let markRows = seen.prepare(groupCount: groupCount, inputHasNulls: validity != nil)
        let (base, stride, field) = (store.base, store.stride, self.field)
        try input.values.ints.withUnsafeBufferPointer { vp in
            try groups.withUnsafeBufferPointer { gp in
                for i in rows {
                    // Prefetch a group a few rows ahead: its cache miss overlaps this row's work.
                    if i + lookahead < rows.upperBound { GroupStates.prefetch(base, stride, gp[i + lookahead]) }
                    if let validity, !validity[i] { continue }
                    let g = gp[i]
                    let at = base + (g &* stride &+ field)
                    let (r, overflow) = at.load(as: Int128.self).addingReportingOverflow(Int128(vp[i]))
                    if overflow { throw EngineError.integerOverflow("`sum`") }
                    at.storeBytes(of: r, as: Int128.self)
                    if markRows { seen.mark(g) }
                }
            }
        }
    }

    private func sum(_ g: Int) -> Int128 { store.field(g, field).load(as: Int128.self) }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: SumIntAccumulator.self)
        store.grow(to: groupCount)
        seen.grow(to: groupCount)
        o.seen.grow(to: o.store.count)
        let n = o.store.count
        for g in 0..<n {
            // The target records are spread over the table: prefetch one a few groups ahead.
            if g + lookahead < n { GroupStates.prefetch(store.base, store.stride, groupMap[g + lookahead]) }
            guard o.seen[g] else { continue }
            let target = groupMap[g]
            let (r, overflow) = sum(target).addingReportingOverflow(o.sum(g))
            if overflow { throw EngineError.integerOverflow("`sum`") }
            store.field(target, field).storeBytes(of: r, as: Int128.self)
            seen.mark(target)
        }
    }

    func finish(_ order: GroupOrder) throws -> Column {
        store.grow(to: order.count)
        let sums = try order.map { g in
            let total = sum(g)
            guard let v = Int64(exactly: total) else {
                throw EngineError(.integerOverflow, "integer overflow in `sum`: a group's total is \(total), outside the int range")
            }
            return v
        }
        return Column(type: .int, values: .int(sums), validity: seen.validity(order))
    }
}

/// `sum` and `avg` of doubles (IEEE). Not merged in parallel plans (see `mergesExactly`).
final class DoubleSumAccumulator: Accumulator {
    private let average: Bool
    private let sums = RawVec<Double>(capacity: 1024)
    private let counts = RawVec<Int64>(capacity: 1024)

    init(average: Bool) { self.average = average }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        sums.resize(to: groupCount, with: 0)
        counts.resize(to: groupCount, with: 0)
        guard let input else { return }
        let validity = input.validity
        let (s, c) = (sums.base, counts.base)
        input.values.doubles.withUnsafeBufferPointer { vp in
            groups.withUnsafeBufferPointer { gp in
                for i in gp.indices {
                    if let validity, !validity[i] { continue }
                    s[gp[i]] += vp[i]
                    c[gp[i]] += 1
                }
            }
        }
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: DoubleSumAccumulator.self)
        sums.resize(to: groupCount, with: 0)
        counts.resize(to: groupCount, with: 0)
        for g in 0..<o.sums.count where o.counts[g] > 0 {
            sums[groupMap[g]] += o.sums[g]
            counts[groupMap[g]] += o.counts[g]
        }
    }

    func finish(_ order: GroupOrder) throws -> Column {
        sums.resize(to: order.count, with: 0)
        counts.resize(to: order.count, with: 0)
        let values = order.map { g in average && counts[g] > 0 ? sums[g] / Double(counts[g]) : sums[g] }
        return Column(type: .double, values: .double(values), validity: nullsWhereUnseen(order.map { counts[$0] > 0 }))
    }
}

/// Appends `value` until `array` has `count` elements.
@inline(__always)
func grow<T>(_ array: inout [T], to count: Int, with value: T) {
    if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
}

/// A validity bitmap marking groups never given a value as null (nil when all were).
func nullsWhereUnseen(_ seen: [Bool]) -> Bitmap? {
    seen.allSatisfy { $0 } ? nil : Bitmap(seen)
}
