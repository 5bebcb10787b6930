import Foundation
import TallyCompiler
import TallyConnectors

/// What writing one sink left for the commit: its staged outputs, its line of the report, and the
/// alert lines it holds back for standard output.
final class SinkOutcome {
    /// Outputs written under temporary names (published or removed by the commit).
    var staged: [StagedOutput] = []
    var stats: RunReport.SinkStats?
    /// Alert lines emitted (alert sinks only).
    var alerts: Int?
    /// Lines printed once the run commits (alert sinks without an output file).
    var stdoutLines: [String] = []
}

/// The sinks of a pipeline grouped into lanes that can be written concurrently.
///
/// Warehouse sinks share one connection and transaction, so they form one lane and load one after
/// the other in spec order; every other sink is a lane of its own. Lanes depend on each other only
/// through shared nodes, which the execution context computes once.
struct SinkLanes {
    /// Indices into the pipeline's sinks, one array per lane, each in spec order. The warehouse lane
    /// comes first: its loads are usually the longest chain of work, so it starts at once.
    let lanes: [[Int]]

    init(_ sinks: [CompiledSink]) {
        var warehouse: [Int] = []
        var others: [[Int]] = []
        for (index, sink) in sinks.enumerated() {
            if case .warehouse = sink.kind {
                warehouse.append(index)
            } else {
                others.append([index])
            }
        }
        lanes = (warehouse.isEmpty ? [] : [warehouse]) + others
    }

    /// Runs `body` for every lane on `threads` threads that take the lanes in order, and returns the
    /// results in lane order once all have finished.
    ///
    /// At most `threads` lanes run at once, so lanes do not take CPU from each other (a parallel
    /// operator inside a lane uses its own threads). A lane waiting for a shared node another lane
    /// computes keeps its thread; that cannot deadlock, since the lane computing it is running.
    func run<T>(threads: Int, _ body: @escaping @Sendable ([Int]) -> T) -> [T] {
        let results = lanes.map { _ in LaneResult<T>() }
        let queue = LaneQueue(count: lanes.count)
        let lanes = self.lanes
        let group = DispatchGroup()
        for _ in 0..<Swift.max(1, Swift.min(threads, lanes.count)) {
            group.enter()
            let thread = Thread {
                while let index = queue.take() { results[index].value = body(lanes[index]) }
                group.leave()
            }
            // The engine's operators recurse over the plan; give lanes the main thread's stack size.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return results.map { $0.value! }
    }
}

/// Hands out lane indices `0..<count` in order, each once, to the threads that ask.
private final class LaneQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

/// The result of one lane: written by the thread that ran it, read after all threads have finished.
private final class LaneResult<T>: @unchecked Sendable {
    var value: T?
}
