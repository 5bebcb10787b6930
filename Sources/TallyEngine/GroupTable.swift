import TallyCompiler

/// Assigns dense ids 0, 1, 2, ... (in first-seen order) to the distinct tuples of key columns.
///
/// An open-addressing table of group ids keyed by a hash of the typed key values; candidates
/// are confirmed by comparing the typed values themselves. The keys of each group are kept
/// column-wise (`keyColumns()`). Used by hash aggregate, distinct and hash join.
final class GroupTable {
    let keyTypes: [DataType]
    private var keys: [ColumnBuilder]
    private var groupHashes: [UInt64] = []
    /// Group id per slot, -1 for an empty slot; the capacity is a power of two.
    private var slots: [Int32]
    private var mask: Int

    init(keyTypes: [DataType]) {
        self.keyTypes = keyTypes
        keys = keyTypes.map { ColumnBuilder($0) }
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    /// The number of groups.
    var count: Int { groupHashes.count }

    /// The group id of each row of `columns`, creating groups for tuples not seen before.
    /// Null equals null. With `skippingNulls`, rows with a null key get -1 and no group.
    func insert(_ columns: [Column], rows: Int, skippingNulls: Bool = false) -> [Int] {
        lookup(columns, rows: rows, skippingNulls: skippingNulls, inserting: true)
    }

    /// The group id of each row, or -1 for tuples not in the table and rows with a null key
    /// (the join rule: null never matches).
    func find(_ columns: [Column], rows: Int) -> [Int] {
        lookup(columns, rows: rows, skippingNulls: true, inserting: false)
    }

    /// The key columns, row `g` holding the keys of group `g`.
    func keyColumns() -> [Column] { keys.map { $0.finish() } }

    private func lookup(_ columns: [Column], rows n: Int, skippingNulls: Bool, inserting: Bool) -> [Int] {
        precondition(columns.count == keyTypes.count, "key column count does not match the table")
        let hashes = hashRows(columns, count: n)
        let skip: [Bool]? = skippingNulls && columns.contains { $0.validity != nil }
            ? (0..<n).map { i in columns.contains { $0.isNull(i) } } : nil
        var ids = [Int](repeating: -1, count: n)
        for i in 0..<n {
            if let skip, skip[i] { continue }
            let h = hashes[i]
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let g = Int(slots[slot])
                if g < 0 {
                    if inserting { ids[i] = addGroup(columns, row: i, hash: h, slot: slot) }
                    break
                }
                if groupHashes[g] == h && keysMatch(g, columns, i) {
                    ids[i] = g
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return ids
    }

    private func keysMatch(_ g: Int, _ columns: [Column], _ row: Int) -> Bool {
        for k in columns.indices where !keys[k].matches(g, columns[k], row) { return false }
        return true
    }

    private func addGroup(_ columns: [Column], row: Int, hash: UInt64, slot: Int) -> Int {
        let g = groupHashes.count
        for k in columns.indices { keys[k].append(from: columns[k], at: row) }
        groupHashes.append(hash)
        slots[slot] = Int32(g)
        if groupHashes.count * 2 > slots.count { grow() }
        return g
    }

    /// Doubles the slot array and re-places every group by its stored hash.
    private func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (g, h) in groupHashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(g)
        }
    }
}
