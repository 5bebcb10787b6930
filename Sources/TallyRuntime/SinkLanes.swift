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

    /// Runs `body` for every lane on `threads` threads that take the lanes in order, and returns
    /// once all have finished.
    ///
    /// At most `threads` lanes run at once. A parallel operator inside a lane (a partitioned
    /// aggregate) uses `threads` threads of its own, so two lanes aggregating at the same time can
    /// briefly run more threads than that; most lanes spend that time waiting for one shared node
    /// another lane computes. A waiting lane keeps its thread; that cannot deadlock, since the lane
    /// computing the node is running.
    func run(threads: Int, _ body: @escaping @Sendable ([Int]) -> Void) {
        let queue = LaneQueue(count: lanes.count)
        let lanes = self.lanes
        let group = DispatchGroup()
        for _ in 0..<Swift.max(1, Swift.min(threads, lanes.count)) {
            group.enter()
            let thread = Thread {
                while let index = queue.take() { body(lanes[index]) }
                group.leave()
            }
            // The engine's operators recurse over the plan; give lanes the main thread's stack size.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
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

/// A sink that failed: its index in the spec's sinks and the error.
struct SinkFailure {
    var sink: Int
    var error: Error
}

/// The failure of the first sink in spec order among those that failed, shared by the lanes.
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var failure: SinkFailure?

    var first: SinkFailure? { lock.withLock { failure } }

    func record(_ new: SinkFailure) {
        lock.withLock {
            if failure.map({ new.sink < $0.sink }) ?? true { failure = new }
        }
    }

    /// Whether `sink` or a sink before it (in spec order) has failed.
    func reached(_ sink: Int) -> Bool {
        lock.withLock { failure.map { $0.sink <= sink } ?? false }
    }
}
