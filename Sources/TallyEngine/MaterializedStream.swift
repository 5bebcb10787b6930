/// Replays a list of batches already in memory; used for pipeline nodes read by several consumers.
public final class MaterializedStream: BatchStream {
    private let batches: [Batch]
    private var position = 0

    public init(_ batches: [Batch]) {
        self.batches = batches
    }

    public func next() throws -> Batch? {
        guard position < batches.count else { return nil }
        position += 1
        return batches[position - 1]
    }
}

/// Drains a stream into memory.
public func collect(_ stream: BatchStream) throws -> [Batch] {
    var batches: [Batch] = []
    while let b = try stream.next() { batches.append(b) }
    return batches
}
