/// A source read as many chunks that several readers take in turn (`ExecutionContext.scanChunks`):
/// a reader that runs ahead takes more chunks, so the work balances itself across threads.
///
/// Chunk boundaries may be guesses (say, a line feed that might sit inside a quoted field); a guess
/// is confirmed once the chunk before it has been read. Results read from the chunks count only when
/// `aligned(upTo:)` confirms every boundary they depend on; otherwise the consumer reads `serial()`.
public protocol ChunkedSource: AnyObject {
    /// One stream per reader, each used by one thread. A batch holds rows of one chunk.
    var readers: [ChunkReader] { get }
    var chunkCount: Int { get }
    /// Whether every chunk before `chunk` was read to its end and started and ended on row
    /// boundaries (what a serial read of the source would have produced).
    func aligned(upTo chunk: Int) -> Bool
    /// Withdraws what the chunks read (their rows and rejects are not reported) and returns a serial
    /// stream of the whole source.
    func serial() throws -> BatchStream
    /// Says that reading stopped at a failure in `chunk` (every chunk before it read and aligned):
    /// what the source reports then covers those chunks and what was read of `chunk`, as a single
    /// pass stopped there would, not chunks after it that other readers went on to read.
    func failed(at chunk: Int)
}

/// One reader of a `ChunkedSource`.
public protocol ChunkReader: BatchStream {
    /// The chunk the last batch returned came from (chunks are numbered in input order).
    var chunk: Int { get }
}
