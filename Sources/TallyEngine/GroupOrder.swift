/// The order in which a finished aggregate emits its groups: output row `r` is group `self[r]`.
///
/// A single pass numbers groups by their first rows, so its order is the identity (`ids` nil). A
/// chunked aggregation meets groups out of input order; `init(count:firstRows:)` puts them back in
/// the order of their first rows.
struct GroupOrder {
    /// The number of groups, one output row each.
    let count: Int
    /// The group of each output row; nil when row `r` is group `r`.
    let ids: [Int]?

    /// Groups `0..<count` in id order.
    init(count: Int) {
        self.count = count
        ids = nil
    }

    /// `count` groups ordered by first row. Each list holds the first rows of one partial
    /// aggregate's groups, increasing (a partial reads its chunks in input order), and maps the
    /// partial's group `j` to group `map?[j] ?? j`; every group is in at least one list. A group
    /// goes where its earliest first row is: the lists are merged, and a group is placed the first
    /// time it is met.
    init(count: Int, firstRows lists: [(rows: [Int], map: [Int]?)]) {
        self.count = count
        var heads = [Int](repeating: 0, count: lists.count)
        var placed = [Bool](repeating: false, count: count)
        var order: [Int] = []
        order.reserveCapacity(count)
        var inOrder = true
        while order.count < count {
            var best = -1
            for l in lists.indices where heads[l] < lists[l].rows.count {
                if best < 0 || lists[l].rows[heads[l]] < lists[best].rows[heads[best]] { best = l }
            }
            precondition(best >= 0, "a group without a first row")
            let local = heads[best]
            heads[best] += 1
            let g = lists[best].map?[local] ?? local
            if !placed[g] {
                placed[g] = true
                inOrder = inOrder && g == order.count
                order.append(g)
            }
        }
        ids = inOrder ? nil : order
    }

    /// The group of output row `row`.
    @inline(__always) subscript(row: Int) -> Int {
        if let ids { return ids[row] }
        return row
    }

    /// `transform` of each output row's group, in output order.
    @inline(__always)
    func map<T>(_ transform: (Int) throws -> T) rethrows -> [T] {
        guard let ids else { return try (0..<count).map(transform) }
        return try ids.map(transform)
    }
}
