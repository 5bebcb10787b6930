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
    /// Indices into the pipeline's sinks, one array per lane, each in spec order.
    let lanes: [[Int]]

    init(_ sinks: [CompiledSink]) {
        var warehouse: [Int] = []
        var lanes: [[Int]] = []
        for (index, sink) in sinks.enumerated() {
            if case .warehouse = sink.kind {
                if warehouse.isEmpty { lanes.append([]) }
                warehouse.append(index)
            } else {
                lanes.append([index])
            }
        }
        if let slot = lanes.firstIndex(where: \.isEmpty) { lanes[slot] = warehouse }
        self.lanes = lanes
    }

    /// Runs `body` for every lane, each on its own thread, and returns the results in lane order
    /// once all have finished.
    func run<T>(_ body: @escaping @Sendable ([Int]) -> T) -> [T] {
        let slots = lanes.map { _ in LaneResult<T>() }
        let group = DispatchGroup()
        for (lane, slot) in zip(lanes, slots) {
            group.enter()
            let thread = Thread {
                slot.value = body(lane)
                group.leave()
            }
            // The engine's operators recurse over the plan; give lanes the main thread's stack size.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return slots.map { $0.value! }
    }
}

/// The result of one lane: written by the lane's thread, read after it has finished.
private final class LaneResult<T>: @unchecked Sendable {
    var value: T?
}
