import Dispatch

/// `body(i)` for every `i` in `0..<count`, each result or error in index order. When `concurrently`,
/// the calls run on the cores at once (`body` must then be safe to call from several threads for
/// different indices); otherwise one after the other, in order.
func concurrentMap<T>(_ count: Int, concurrently: Bool, _ body: (Int) throws -> T) -> [Result<T, Error>] {
    guard concurrently && count > 1 else { return (0..<count).map { i in Result { try body(i) } } }
    return withoutActuallyEscaping(body) { body in
        let slots = ResultSlots(count: count, body: body)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.run(i) }
        return slots.results()
    }
}

/// The results of `concurrentMap`'s calls, one slot per index.
///
/// `@unchecked Sendable`: each call writes only its own slot, and the slots are read after
/// `concurrentPerform` has returned, so no two threads touch one slot at the same time.
private final class ResultSlots<T>: @unchecked Sendable {
    private let body: (Int) throws -> T
    private let slots: UnsafeMutableBufferPointer<Result<T, Error>?>

    init(count: Int, body: @escaping (Int) throws -> T) {
        self.body = body
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func run(_ i: Int) { slots[i] = Result { try body(i) } }

    func results() -> [Result<T, Error>] { slots.map { $0! } }
}
