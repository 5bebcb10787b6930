import Testing
import TallyCompiler
@testable import TallyEngine

/// The chunked parallel aggregate gives what one pass gives: the same groups in the same first-seen
/// order, the same values, the same error; and a single pass again when a chunk boundary was wrong.
@Suite struct ChunkedAggregateTests {
    typealias Rng = ParallelAggregateTests.Rng

    /// In-memory chunks; chunk c goes to reader `owners[c]` (each reader takes its chunks in order, as
    /// from a shared queue, whatever the threads' speeds). `misalignedAfter` plays a boundary found not
    /// to be a row boundary (the end of that chunk).
    final class Chunks: ChunkedSource, @unchecked Sendable {
        let chunks: [[Batch]]
        let owners: [Int]
        let whole: [Batch]
        let misalignedAfter: Int?
        private(set) var serialReads = 0
        private(set) var readers: [ChunkReader] = []

        init(_ chunks: [[Batch]], owners: [Int], readers: Int, misalignedAfter: Int? = nil) {
            self.chunks = chunks
            self.owners = owners
            whole = chunks.flatMap { $0 }
            self.misalignedAfter = misalignedAfter
            self.readers = (0..<readers).map { Reader(self, index: $0) }
        }

        var chunkCount: Int { chunks.count }
        func aligned(upTo chunk: Int) -> Bool { misalignedAfter.map { $0 >= chunk - 1 } ?? true }
        func serial() throws -> BatchStream {
            serialReads += 1
            return MaterializedStream(whole)
        }
        private(set) var failedAt: Int?
        func failed(at chunk: Int) { failedAt = chunk }
    }

    final class Reader: ChunkReader {
        let source: Chunks
        let index: Int
        private(set) var chunk = -1
        private var pending: [Batch] = []

        init(_ source: Chunks, index: Int) {
            self.source = source
            self.index = index
        }

        func next() throws -> Batch? {
            while pending.isEmpty {
                guard let c = source.owners.indices.first(where: { $0 > chunk && source.owners[$0] == index }) else {
                    return nil
                }
                chunk = c
                pending = source.chunks[c]
            }
            return pending.removeFirst()
        }
    }

    /// Aggregates that ignore row order, over every type they accept.
    static let calls: [AggregateCall] = ParallelAggregateTests.calls.filter { $0.function != .first && $0.function != .any }

    static func outcome(_ body: () throws -> [Batch]) -> ParallelAggregateTests.Outcome {
        do { return .rows(try body().flatMap(\.rows)) } catch let e as EngineError { return .failure(e.kind) } catch {
            return .failure(.planMismatch)
        }
    }

    /// One pass over `rows`, and the chunked aggregate over the same rows cut into random chunks.
    static func both(_ plan: PhysicalPlan, _ rows: [[Value]], readers: Int, misaligned: Bool, _ rng: inout Rng)
        -> (ParallelAggregateTests.Outcome, ParallelAggregateTests.Outcome, serialReads: Int) {
        guard case .hashAggregate(let exec) = plan else { fatalError("not an aggregate") }
        let count = misaligned ? 2 + rng.below(7) : 1 + rng.below(8)
        var cuts = (0..<(count - 1)).map { _ in rng.below(rows.count + 1) }.sorted()
        cuts = [0] + cuts + [rows.count]
        let chunks = (0..<count).map { c in ParallelAggregateTests.batches(rows[cuts[c]..<cuts[c + 1]], &rng) }
        let owners = (0..<count).map { _ in rng.below(readers) }
        let source = Chunks(chunks, owners: owners, readers: readers, misalignedAfter: misaligned ? rng.below(count - 1) : nil)
        let single = outcome {
            try PlanExecutor().run(plan, context: ClosureExecutionContext(scan: { _ in MaterializedStream(source.whole) }))
        }
        let chunked = outcome { try collect(HashAggregateStream(chunks: source, plan: exec) { $0 }) }
        return (single, chunked, source.serialReads)
    }

    @Test(arguments: [1, 2, 3])
    func randomDataMatchesOnePass(readers: Int) {
        var rng = Rng(s: 500 + UInt64(readers))
        for round in 0..<12 {
            let rows = ParallelAggregateTests.rows(&rng, count: [0, 1, 5, 60, 400][round % 5], keys: [3, 50, 500][round % 3],
                                                   huge: false)
            for keys in [[0], [1], [0, 1], []] {
                let plan = ParallelAggregateTests.plan(keys: keys, calls: Self.calls, over: scan("t", ParallelAggregateTests.input))
                let (a, b, serialReads) = Self.both(plan, rows, readers: readers, misaligned: false, &rng)
                #expect(a == b, "round \(round) keys \(keys)")
                #expect(serialReads == 0)
            }
        }
    }

    /// Enough groups that the result's columns are produced on several threads, with groups met
    /// out of input order by the readers.
    @Test(arguments: [2, 3])
    func manyGroupsMatchOnePass(readers: Int) {
        var rng = Rng(s: 77 + UInt64(readers))
        let rows = ParallelAggregateTests.rows(&rng, count: 60_000, keys: 40_000, huge: false)
        for keys in [[0], [0, 1]] {
            let plan = ParallelAggregateTests.plan(keys: keys, calls: Self.calls, over: scan("t", ParallelAggregateTests.input))
            let (a, b, serialReads) = Self.both(plan, rows, readers: readers, misaligned: false, &rng)
            #expect(a == b, "keys \(keys)")
            #expect(serialReads == 0)
        }
    }

    @Test func aWrongBoundaryFallsBackToOnePass() {
        var rng = Rng(s: 99)
        for round in 0..<10 {
            let rows = ParallelAggregateTests.rows(&rng, count: 200, keys: 40, huge: round % 2 == 1)
            let plan = ParallelAggregateTests.plan(keys: [0], calls: Self.calls, over: scan("t", ParallelAggregateTests.input))
            let (a, b, serialReads) = Self.both(plan, rows, readers: 2, misaligned: true, &rng)
            #expect(a == b, "round \(round)")
            // Unless the wrong boundary came after the failing chunk, the data was read again.
            if case .rows = a { #expect(serialReads == 1) }
        }
    }

    /// Two groups overflow; the one a single pass meets first is reported (with its total), even when
    /// the first reader met the other one first.
    @Test func theOverflowReportedIsTheFirstGroupsInInputOrder() throws {
        let big = Int64.max / 3 * 2
        let plan = ParallelAggregateTests.plan(keys: [0], calls: [ParallelAggregateTests.call(.sum, 1, .int)],
                                               over: scan("t", schema(.string, .int)))
        guard case .hashAggregate(let exec) = plan else { return }
        let a = batch(strings("A", "A"), ints(big, big))
        let b = batch(strings("B", "B", "B"), ints(big, big, big))
        func message(_ body: () throws -> [Batch]) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        let expected = message {
            try PlanExecutor().run(plan, context: ClosureExecutionContext(scan: { _ in MaterializedStream([a, b]) }))
        }
        #expect(expected.contains("\(Int128(big) * 2)"))
        // Reader 0 takes chunk 1 (group B) and merges reader 1's chunk 0 (group A) into it.
        let source = Chunks([[a], [b]], owners: [1, 0], readers: 2)
        #expect(message { try collect(HashAggregateStream(chunks: source, plan: exec) { $0 }) } == expected)
    }

    @Test func overflowErrorsMatchOnePass() {
        var rng = Rng(s: 4242)
        var failures = 0, successes = 0
        for _ in 0..<60 {
            let rows = ParallelAggregateTests.rows(&rng, count: 1 + rng.below(12), keys: 2, huge: true)
            for keys in [[1], []] {
                let plan = ParallelAggregateTests.plan(keys: keys, calls: [ParallelAggregateTests.call(.sum, 2, .int)],
                                                       over: scan("t", ParallelAggregateTests.input))
                let (a, b, _) = Self.both(plan, rows, readers: 2, misaligned: false, &rng)
                #expect(a == b)
                if case .failure = a { failures += 1 } else { successes += 1 }
            }
        }
        #expect(failures > 5 && successes > 5)
    }
}
