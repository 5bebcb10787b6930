import Foundation

/// Runs work on a thread of its own at the scheduler's lowest priority and waits for it: on Linux
/// the thread is `SCHED_IDLE`, so it gets a core only when no other thread of the machine wants one.
///
/// For work that must happen before something else but needs no data, started while other threads
/// are busy with the data (the run's warehouse deletes while the aggregates scan): it fills the
/// time a core would otherwise wait, without slowing the busy threads. Once nothing else runs, it
/// gets a whole core.
enum IdleThread {
    static func run<Result>(_ body: @escaping () -> Result) -> Result {
        let box = ResultBox<Result>()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let body = body
        let thread = Thread {
            lowerPriority()
            box.value = body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        return box.value!
    }

    private static func lowerPriority() {
        #if os(Linux)
        // SCHED_IDLE (5 in <linux/sched.h>; Glibc's Swift module leaves it out). An unprivileged
        // thread cannot go back to normal priority, hence a thread of its own.
        var parameters = sched_param()
        _ = sched_setscheduler(0, 5, &parameters)
        #else
        Thread.current.qualityOfService = .background
        #endif
    }
}

/// The result handed from the idle thread to the waiting one (after the semaphore, never at once).
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
