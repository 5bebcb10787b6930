/// Passes the first `count` rows, then stops pulling from its input.
public final class LimitStream: BatchStream {
    private let input: BatchStream
    private var remaining: Int

    public init(input: BatchStream, count: Int) {
        self.input = input
        remaining = max(0, count)
    }

    public func next() throws -> Batch? {
        guard remaining > 0, let batch = try input.next() else { return nil }
        if batch.count <= remaining {
            remaining -= batch.count
            return batch
        }
        let head = batch.slice(0..<remaining)
        remaining = 0
        return head
    }
}
