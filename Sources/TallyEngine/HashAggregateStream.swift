import TallyCompiler

/// Groups its input by key columns and computes aggregates per group (SQL `GROUP BY`).
///
/// Consumes the whole input on the first `next()`, then emits the groups in first-seen order,
/// `Batch.defaultSize` rows at a time: the key columns, then one column per aggregate. Null
/// keys form one group. Without keys there is exactly one output row, even for empty input.
public final class HashAggregateStream: BatchStream {
    private let input: BatchStream
    private let plan: HashAggregateExec
    private var output: [Batch]?
    private var position = 0

    public init(input: BatchStream, plan: HashAggregateExec) {
        self.input = input
        self.plan = plan
    }

    public func next() throws -> Batch? {
        if output == nil { output = chunked(try aggregate()) }
        guard let output, position < output.count else { return nil }
        position += 1
        return output[position - 1]
    }

    private func aggregate() throws -> Batch {
        let inputSchema = plan.input.schema
        let table = GroupTable(keyTypes: plan.groupKeys.map { inputSchema[$0].type })
        let accumulators = try plan.aggregates.map { call in
            try makeAccumulator(call, argumentType: call.argument.map { inputSchema[$0].type })
        }
        let global = plan.groupKeys.isEmpty
        while let batch = try input.next() {
            guard batch.count > 0 else { continue }
            let groups = global
                ? [Int](repeating: 0, count: batch.count)
                : table.insert(plan.groupKeys.map { batch.columns[$0] }, rows: batch.count)
            let groupCount = global ? 1 : table.count
            for (call, accumulator) in zip(plan.aggregates, accumulators) {
                try accumulator.update(groups: groups, input: call.argument.map { batch.columns[$0] },
                                       groupCount: groupCount)
            }
        }
        let groupCount = global ? 1 : table.count
        var columns = global ? [] : table.keyColumns()
        for accumulator in accumulators { columns.append(try accumulator.finish(groupCount: groupCount)) }
        // Label columns with the declared output types (same storage, e.g. decimal precision).
        for c in columns.indices where c < plan.schema.count { columns[c].type = plan.schema[c].type }
        return Batch(columns: columns, count: groupCount)
    }
}
