import TallyCompiler

/// Keeps the first row (in input order) of each distinct value of the key columns (all columns
/// when no keys are given). Null equals null. Streams: each batch yields its new rows.
public final class DistinctStream: BatchStream {
    private let input: BatchStream
    private let keys: [Int]
    private let table: GroupTable

    public init(input: BatchStream, plan: DistinctExec) {
        self.input = input
        let schema = plan.input.schema
        keys = plan.keys.isEmpty ? Array(0..<schema.count) : plan.keys
        table = GroupTable(keyTypes: keys.map { schema[$0].type })
    }

    public func next() throws -> Batch? {
        while let batch = try input.next() {
            let before = table.count
            let ids = table.insert(keys.map { batch.columns[$0] }, rows: batch.count)
            // Ids are handed out in row order, so a row is a first occurrence when it gets the next id.
            var fresh: [Int] = []
            var nextNew = before
            for (i, id) in ids.enumerated() where id == nextNew {
                fresh.append(i)
                nextNew += 1
            }
            if fresh.count == batch.count && batch.count > 0 { return batch }
            if !fresh.isEmpty { return batch.take(fresh) }
        }
        return nil
    }
}
