import TallyCompiler

/// Groups its input by key columns and computes aggregates per group (SQL `GROUP BY`).
///
/// Consumes the whole input on the first `next()`, then emits the groups in first-seen order as
/// one batch (the result is in memory anyway; consumers that index or sort all of it, such as a
/// join's build side, then take it without copying): the key columns, then one column per
/// aggregate. Null keys form one group. Without keys there is exactly one output row, even for
/// empty input.
///
/// Parallel form (`init(partitions:plan:)`): the input is given as consecutive partitions; each
/// is aggregated on its own thread into a partial (its own group table and accumulators), and the
/// partials are merged in partition order. The result is the one of a single pass over the
/// partitions concatenated: groups in first-seen order, `first`/`any` the first non-null value,
/// exact sums and counts (an overflow is decided on a group's total, whatever the row order). When
/// several partitions fail, the error of the first one (in partition order) is thrown.
///
/// Chunked form (`init(chunks:plan:chain:)`, for aggregates whose values do not depend on row order):
/// each thread aggregates the chunks it takes from the source into its own partial, noting where
/// each group's first row was; the merged groups are put back in first-seen order, so the result is
/// again that of a single pass. When a chunk boundary turns out not to be a row boundary, the
/// source is aggregated again in a single pass.
///
/// In both forms the partials' groups are merged on one thread; then each aggregate column folds in
/// the partials' states and is produced on a thread of its own (`PartialAggregate.finish`).
public final class HashAggregateStream: BatchStream {
    private let inputs: [BatchStream]
    /// The chunked source and the filters and projections to put over each of its readers.
    private let chunkedInput: (source: ChunkedSource, chain: (BatchStream) -> BatchStream)?
    private let plan: HashAggregateExec
    private var done = false

    public init(input: BatchStream, plan: HashAggregateExec) {
        inputs = [input]
        chunkedInput = nil
        self.plan = plan
    }

    /// Aggregates `partitions` (consecutive parts of the input, in order) in parallel, one thread each.
    public init(partitions: [BatchStream], plan: HashAggregateExec) {
        inputs = partitions.isEmpty ? [MaterializedStream([])] : partitions
        chunkedInput = nil
        self.plan = plan
    }

    /// Aggregates the chunks of `source`, one thread per reader; `chain` puts the aggregate's input
    /// operators (filters, projections) over a reader. Only for plans that `ignoresRowOrder`.
    public init(chunks source: ChunkedSource, plan: HashAggregateExec, chain: @escaping (BatchStream) -> BatchStream) {
        precondition(Self.ignoresRowOrder(plan), "a chunked aggregate needs aggregates that ignore row order")
        inputs = []
        chunkedInput = (source, chain)
        self.plan = plan
    }

    /// Whether no aggregate of `plan` depends on the order of the rows (`first` and `any` do).
    static func ignoresRowOrder(_ plan: HashAggregateExec) -> Bool {
        plan.aggregates.allSatisfy { $0.function != .first && $0.function != .any }
    }

    /// Whether every aggregate of `plan` merges exactly from partials (else run one pass).
    static func canRunInParallel(_ plan: HashAggregateExec) -> Bool {
        let schema = plan.input.schema
        return plan.aggregates.allSatisfy { mergesExactly($0, argumentType: $0.argument.map { schema[$0].type }) }
    }

    public func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let result = try aggregate()
        return result.count > 0 ? result : nil
    }

    private func aggregate() throws -> Batch {
        let partials: [PartialAggregate]
        if let chunkedInput {
            partials = try aggregateChunks(of: chunkedInput.source, chain: chunkedInput.chain)
        } else if inputs.count == 1 {
            let partial = try PartialAggregate(plan: plan)
            try partial.consume(inputs[0])
            partials = [partial]
        } else {
            partials = try runPartials(inputs).map { try $0.get() }
        }
        return try partials[0].finish(mergingIn: Array(partials.dropFirst()), threads: partials.count)
    }

    /// Aggregates each input into a partial of its own, one thread per input; returns once every
    /// input has its result. Inputs over chunk readers (`readers[i]` under `inputs[i]`) note their
    /// groups' first rows.
    private func runPartials(_ inputs: [BatchStream], readers: [ChunkReader]? = nil) -> [Result<PartialAggregate, Error>] {
        concurrentMap(inputs.count, concurrently: true) { i in
            let reader = readers?[i]
            let partial = try PartialAggregate(plan: plan, tracksFirstRows: reader != nil)
            try partial.consume(inputs[i], chunk: reader.map { reader in { reader.chunk } })
            return partial
        }
    }

    /// The partials of the readers of `source`, or one partial of a single pass when a chunk boundary
    /// was not a row boundary.
    private func aggregateChunks(of source: ChunkedSource, chain: (BatchStream) -> BatchStream) throws -> [PartialAggregate] {
        let readers = source.readers
        let results = runPartials(readers.map(chain), readers: readers)
        // The failure a single pass would have met first: the one in the earliest chunk.
        var failure: (chunk: Int, error: Error)?
        for (result, reader) in zip(results, readers) {
            if case .failure(let error) = result, failure.map({ reader.chunk < $0.chunk }) ?? true {
                failure = (reader.chunk, error)
            }
        }
        // Rows read after a boundary that was not a row boundary are void: read the source again.
        guard source.aligned(upTo: Swift.max(0, failure?.chunk ?? source.chunkCount)) else {
            let serial = try PartialAggregate(plan: plan)
            try serial.consume(chain(try source.serial()))
            return [serial]
        }
        if let failure {
            source.failed(at: failure.chunk)
            throw failure.error
        }
        return try results.map { try $0.get() }
    }
}

/// The group table and accumulators of an aggregation over (part of) the input.
final class PartialAggregate {
    private let plan: HashAggregateExec
    private let table: GroupTable
    private let accumulators: [Accumulator]
    /// The state records shared by the accumulators that keep their state in records (when several do).
    private let states: GroupStates?
    private let global: Bool

    /// Where each group's first row was (`chunk << 32 | row of the chunk`), when the input comes in
    /// chunks read out of order (`init(plan:tracksFirstRows:)`); nil otherwise. Increasing, since
    /// a partial reads its chunks in input order.
    private var firstRows: [Int]?
    /// The first rows of the partials merged in, and where their groups went (first rows tracked).
    private var mergedFirstRows: [(rows: [Int], map: [Int]?)] = []

    init(plan: HashAggregateExec, tracksFirstRows: Bool = false) throws {
        self.plan = plan
        let inputSchema = plan.input.schema
        table = GroupTable(keyTypes: plan.groupKeys.map { inputSchema[$0].type })
        accumulators = try plan.aggregates.map { call in
            try makeAccumulator(call, argumentType: call.argument.map { inputSchema[$0].type })
        }
        global = plan.groupKeys.isEmpty
        firstRows = tracksFirstRows && !global ? [] : nil
        // One state record per group for all accumulators that keep their state in records.
        let fusable = accumulators.compactMap { $0 as? RecordAccumulator }
        states = fusable.count > 1 ? GroupStates() : nil
        if let store = states {
            for accumulator in fusable { accumulator.bind(to: store) }
            // All in one record, and at most one can fail (so the error is the same in any row order
            // of the accumulators): update them a slice of rows at a time, while the slice's records
            // are still cached.
            if fusable.count == accumulators.count && fusable.filter(\.canFail).count <= 1 {
                sliced = fusable
            }
        }
    }

    /// The accumulators when they are updated `sliceRows` rows at a time.
    private var sliced: [RecordAccumulator]?
    private let sliceRows = 1024

    /// The number of groups; a global aggregate has its one group once a row was seen.
    private var groupCount = 0

    /// Aggregates `input`; `chunk` names the chunk of the batch `input` returned last (chunked input).
    func consume(_ input: BatchStream, chunk: (() -> Int)? = nil) throws {
        var currentChunk = -1
        var rowsOfChunk = 0
        while let batch = try input.next() {
            guard batch.count > 0 else { continue }
            let groups = global
                ? [Int](repeating: 0, count: batch.count)
                : table.insert(plan.groupKeys.map { batch.columns[$0] }, rows: batch.count)
            if firstRows != nil, let chunk {
                let c = chunk()
                if c != currentChunk {
                    precondition(c > currentChunk, "a reader's chunks come in input order")
                    (currentChunk, rowsOfChunk) = (c, 0)
                }
                noteFirstRows(groups, from: groupCount, at: c << 32 | rowsOfChunk)
                rowsOfChunk += batch.count
            }
            groupCount = global ? 1 : table.count
            if let sliced {
                let inputs = plan.aggregates.map { call in call.argument.map { batch.columns[$0] } }
                for start in stride(from: 0, to: batch.count, by: sliceRows) {
                    let rows = start..<Swift.min(start + sliceRows, batch.count)
                    for (input, accumulator) in zip(inputs, sliced) {
                        try accumulator.update(groups: groups, input: input, rows: rows, groupCount: groupCount)
                    }
                }
                continue
            }
            for (call, accumulator) in zip(plan.aggregates, accumulators) {
                try accumulator.update(groups: groups, input: call.argument.map { batch.columns[$0] },
                                       groupCount: groupCount)
            }
        }
    }

    /// Records the first row of each group `groups` created (ids from `known` on): new groups get ids
    /// in the order of their first rows, and `base` is the position of the batch's row 0.
    private func noteFirstRows(_ groups: [Int], from known: Int, at base: Int) {
        var next = known
        let end = table.count
        var row = 0
        while next < end {
            if groups[row] == next {
                firstRows!.append(base + row)
                next += 1
            }
            row += 1
        }
    }

    /// Adds the groups of `other` (the partial of the input that follows all input seen so far, or
    /// with first rows tracked, of any other part of the input); returns where each of its groups went.
    private func mergeGroups(of other: PartialAggregate) -> [Int] {
        guard !global else {
            if other.groupCount > 0 { groupCount = 1 }
            return other.groupCount > 0 ? [0] : []
        }
        let map = table.insert(groupsOf: other.table)
        groupCount = table.count
        if firstRows != nil, let theirs = other.firstRows {
            mergedFirstRows.append((theirs, map))
            for (rows, theirMap) in other.mergedFirstRows {
                mergedFirstRows.append((rows, (theirMap ?? Array(rows.indices)).map { map[$0] }))
            }
        }
        return map
    }

    /// The groups and their aggregates over this partial's input and `others`' (the partials of the
    /// parts of the input after it, in order; or with first rows tracked, of any other parts), in the
    /// order of their first rows.
    ///
    /// The groups are merged first; then each aggregate column folds in the others' states and is
    /// produced, with `threads` > 1 and a large result concurrently, one column per thread. A failure
    /// is the one of the first failing column.
    func finish(mergingIn others: [PartialAggregate] = [], threads: Int = 1) throws -> Batch {
        let maps = others.map(mergeGroups)
        let count = global ? 1 : table.count
        let order = firstRows.map { GroupOrder(count: count, firstRows: [($0, nil)] + mergedFirstRows) }
            ?? GroupOrder(count: count)
        // Accumulators sharing the records grow them when merging and finishing: grow them once,
        // before any starts.
        states?.grow(to: count)
        let keys = global ? [] : table.keyColumns(), accumulators = self.accumulators
        let results = concurrentMap(keys.count + accumulators.count,
                                    concurrently: threads > 1 && count >= Self.parallelFinishGroups) { c in
            guard c >= keys.count else { return order.ids.map { keys[c].take($0) } ?? keys[c] }
            let a = c - keys.count
            for (other, map) in zip(others, maps) where !map.isEmpty {
                try accumulators[a].merge(from: other.accumulators[a], groupMap: map, groupCount: count)
            }
            return try accumulators[a].finish(order)
        }
        var columns = try results.map { try $0.get() }
        // Label columns with the declared output types (same storage, e.g. decimal precision).
        for c in columns.indices where c < plan.schema.count { columns[c].type = plan.schema[c].type }
        return Batch(columns: columns, count: count)
    }

    /// The number of groups from which `finish` produces columns on several threads.
    private static let parallelFinishGroups = 1 << 14
}
