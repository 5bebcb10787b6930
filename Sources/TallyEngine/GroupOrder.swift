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
    /// goes where its earliest first row is: the lists are merged two at a time, and a group is
    /// placed the first time it is met.
    init(count: Int, firstRows lists: [(rows: [Int], map: [Int]?)]) {
        self.count = count
        var merged = (rows: lists[0].rows, ids: lists[0].map ?? Array(lists[0].rows.indices))
        for list in lists.dropFirst() {
            merged = Self.merge(merged, list, count: count)
        }
        precondition(merged.ids.count == count, "a group without a first row")
        ids = merged.ids.elementsEqual(0..<count) ? nil : merged.ids
    }

    /// The groups of `a` (each once) and `b` by first row, each group once at its earlier first row.
    private static func merge(_ a: (rows: [Int], ids: [Int]), _ b: (rows: [Int], map: [Int]?),
                              count: Int) -> (rows: [Int], ids: [Int]) {
        let bIds = b.map ?? Array(b.rows.indices)
        var placed = [Bool](repeating: false, count: count)
        var rows: [Int] = [], ids: [Int] = []
        rows.reserveCapacity(Swift.min(count, a.rows.count + b.rows.count))
        ids.reserveCapacity(rows.capacity)
        a.rows.withUnsafeBufferPointer { ar in
            a.ids.withUnsafeBufferPointer { ag in
                b.rows.withUnsafeBufferPointer { br in
                    bIds.withUnsafeBufferPointer { bg in
                        placed.withUnsafeMutableBufferPointer { placed in
                            var (i, j) = (0, 0)
                            while i < ar.count || j < br.count {
                                let takeA = j == br.count || (i < ar.count && ar[i] < br[j])
                                let (row, g) = takeA ? (ar[i], ag[i]) : (br[j], bg[j])
                                if takeA { i += 1 } else { j += 1 }
                                if placed[g] { continue }
                                placed[g] = true
                                rows.append(row)
                                ids.append(g)
                            }
                        }
                    }
                }
            }
        }
        return (rows, ids)
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
