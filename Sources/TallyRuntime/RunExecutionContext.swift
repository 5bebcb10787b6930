import Foundation
import TallyCompiler
import TallyEngine

/// The engine's view of a run: scans come from the source reader, shared nodes are computed once.
///
/// Thread-safe: sinks written concurrently may ask for the same shared node; the first asks computes
/// it, the others wait for its batches (or its error) instead of computing it again.
final class RunExecutionContext: ExecutionContext, @unchecked Sendable {
    let planner: PhysicalPlanner
    let sources: SourceReader
    let executor: PlanExecutor

    /// A shared node's output: being computed by one thread, or done.
    private enum Entry {
        case computing
        case done(Result<[Batch], Error>)
    }

    /// Guards `cache`; waiting threads sleep on it until a node they need is done.
    private let condition = NSCondition()
    private var cache: [String: Entry] = [:]

    init(planner: PhysicalPlanner, sources: SourceReader, threads: Int) {
        self.planner = planner
        self.sources = sources
        executor = PlanExecutor(threads: threads)
    }

    func scan(_ node: ScanExec) throws -> BatchStream {
        try sources.scan(node)
    }

    func scanPartitions(_ node: ScanExec, count: Int) throws -> [BatchStream] {
        try sources.partitions(node, count: count)
    }

    func scanChunks(_ node: ScanExec, readers: Int) throws -> ChunkedSource? {
        try sources.chunks(node, readers: readers)
    }

    func node(_ ref: NodeRefExec) throws -> BatchStream {
        MaterializedStream(try batches(of: ref.name))
    }

    /// The batches of shared node `name`, computing them if no thread has yet.
    private func batches(of name: String) throws -> [Batch] {
        condition.lock()
        while case .computing = cache[name] { condition.wait() }
        if case .done(let result) = cache[name] {
            condition.unlock()
            return try result.get()
        }
        cache[name] = .computing
        condition.unlock()

        let result = Result { () throws -> [Batch] in
            let stream = try executor.makeStream(planner.planShared(name), context: self)
            var batches: [Batch] = []
            while let b = try stream.next() { batches.append(b) }
            return batches
        }
        condition.lock()
        cache[name] = .done(result)
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    func stream(_ plan: PhysicalPlan) throws -> BatchStream {
        try executor.makeStream(plan, context: self)
    }
}
