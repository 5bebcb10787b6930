/// The batches of each input in turn, inputs in order (UNION ALL).
public final class UnionStream: BatchStream {
    private let inputs: [BatchStream]
    private var current = 0

    public init(inputs: [BatchStream]) {
        self.inputs = inputs
    }

    public func next() throws -> Batch? {
        while current < inputs.count {
            if let batch = try inputs[current].next() { return batch }
            current += 1
        }
        return nil
    }
}
