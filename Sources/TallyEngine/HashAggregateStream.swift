import Dispatch
import TallyCompiler

/// Groups its input by key columns and computes aggregates per group (SQL `GROUP BY`).
///
/// Consumes the whole input on the first `next()`, then emits the groups in first-seen order,
/// `Batch.defaultSize` rows at a time: the key columns, then one column per aggregate. Null
/// keys form one group. Without keys there is exactly one output row, even for empty input.
///
/// Parallel form (`init(partitions:plan:)`): the input is given as consecutive partitions; each
/// is aggregated on its own thread into a partial (its own group table and accumulators), and the
/// partials are merged in partition order. The result is the one of a single pass over the
/// partitions concatenated: groups in first-seen order, `first`/`any` the first non-null value,
/// exact sums and counts (an overflow is decided on a group's total, whatever the row order). When
/// several partitions fail, the error of the first one (in partition order) is thrown.
public final class HashAggregateStream: BatchStream {
    private let inputs: [BatchStream]
    private let plan: HashAggregateExec
    private var output: [Batch]?
    private var position = 0

    public init(input: BatchStream, plan: HashAggregateExec) {
        inputs = [input]
        self.plan = plan
    }

    /// Aggregates `partitions` (consecutive parts of the input, in order) in parallel, one thread each.
    public init(partitions: [BatchStream], plan: HashAggregateExec) {
        inputs = partitions.isEmpty ? [MaterializedStream([])] : partitions
        self.plan = plan
    }

    /// Whether every aggregate of `plan` merges exactly from partials (else run one pass).
    static func canRunInParallel(_ plan: HashAggregateExec) -> Bool {
        let schema = plan.input.schema
        return plan.aggregates.allSatisfy { mergesExactly($0, argumentType: $0.argument.map { schema[$0].type }) }
    }

    public func next() throws -> Batch? {
        if output == nil { output = chunked(try aggregate()) }
        guard let output, position < output.count else { return nil }
        position += 1
        return output[position - 1]
    }

    private func aggregate() throws -> Batch {
        let result: PartialAggregate
        if inputs.count == 1 {
            result = try PartialAggregate(plan: plan)
            try result.consume(inputs[0])
        } else {
            result = try aggregateInParallel()
        }
        return try result.finish()
    }

    private func aggregateInParallel() throws -> PartialAggregate {
        let tasks = inputs.map { PartitionTask(input: $0) }
        let plan = self.plan
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            let task = tasks[i]
            task.result = Result {
                let partial = try PartialAggregate(plan: plan)
                try partial.consume(task.input)
                return partial
            }
        }
        // concurrentPerform returns after every iteration has finished, so the results are complete.
        let first = try tasks[0].result!.get()
        for task in tasks.dropFirst() {
            try first.merge(task.result!.get())
        }
        return first
    }
}

/// One partition's input and, once its worker is done, its partial aggregate or error.
///
/// `@unchecked Sendable` because streams and partials are not thread-safe: ownership passes
/// from the creating thread to exactly one worker of `concurrentPerform` (which alone reads
/// `input` and writes `result`), and back to the creating thread after `concurrentPerform`
/// returns. No two threads ever touch one task at the same time.
private final class PartitionTask: @unchecked Sendable {
    let input: BatchStream
    var result: Result<PartialAggregate, Error>?

    init(input: BatchStream) {
        self.input = input
    }
}

/// The group table and accumulators of an aggregation over (part of) the input.
final class PartialAggregate {
    private let plan: HashAggregateExec
    private let table: GroupTable
    private let accumulators: [Accumulator]
    private let global: Bool

    init(plan: HashAggregateExec) throws {
        self.plan = plan
        let inputSchema = plan.input.schema
        table = GroupTable(keyTypes: plan.groupKeys.map { inputSchema[$0].type })
        accumulators = try plan.aggregates.map { call in
            try makeAccumulator(call, argumentType: call.argument.map { inputSchema[$0].type })
        }
        global = plan.groupKeys.isEmpty
        // One state record per group for all accumulators that keep their state in records.
        let fusable = accumulators.compactMap { $0 as? RecordAccumulator }
        if fusable.count > 1 {
            let store = GroupStates()
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

    func consume(_ input: BatchStream) throws {
        while let batch = try input.next() {
            guard batch.count > 0 else { continue }
            let groups = global
                ? [Int](repeating: 0, count: batch.count)
                : table.insert(plan.groupKeys.map { batch.columns[$0] }, rows: batch.count)
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

    /// Folds in the partial of the input that follows all input seen so far.
    func merge(_ other: PartialAggregate) throws {
        let map: [Int]
        if global {
            map = other.groupCount > 0 ? [0] : []
            if other.groupCount > 0 { groupCount = 1 }
        } else {
            map = table.insert(groupsOf: other.table)
            groupCount = table.count
        }
        guard !map.isEmpty else { return }
        for (mine, theirs) in zip(accumulators, other.accumulators) {
            try mine.merge(from: theirs, groupMap: map, groupCount: groupCount)
        }
    }

    func finish() throws -> Batch {
        let count = global ? 1 : table.count
        var columns = global ? [] : table.keyColumns()
        for accumulator in accumulators { columns.append(try accumulator.finish(groupCount: count)) }
        // Label columns with the declared output types (same storage, e.g. decimal precision).
        for c in columns.indices where c < plan.schema.count { columns[c].type = plan.schema[c].type }
        return Batch(columns: columns, count: count)
    }
}
