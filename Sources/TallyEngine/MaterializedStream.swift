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

/// Cuts rows into batches of at most `Batch.defaultSize` rows, for operators that build output
/// in one piece (sort, aggregate).
func chunked(_ batch: Batch, size: Int = Batch.defaultSize) -> [Batch] {
    if batch.count <= size { return batch.count == 0 ? [] : [batch] }
    return stride(from: 0, to: batch.count, by: size).map { batch.slice($0..<min($0 + size, batch.count)) }
}
