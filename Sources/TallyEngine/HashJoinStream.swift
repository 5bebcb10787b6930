import TallyCompiler

/// Equi-join of two inputs (inner, left, right, full, semi, anti); null keys never match.
///
/// On the first `next()` the right input is read whole. The hash table is built on the smaller
/// side: the left input is read ahead up to half the right side's rows; when it ends within that,
/// the left rows are indexed and the right rows probe them (all output at once), otherwise the right
/// rows are indexed and left batches stream through (the ones read ahead first). Either way the
/// output is the same: left rows in input order, each followed by its matches in right input order;
/// for right and full joins the unmatched right rows come last, in right input order. Semi and anti
/// joins output each qualifying left row once.
public final class HashJoinStream: BatchStream {
    private let left: BatchStream
    private let right: BatchStream
    private let plan: HashJoinExec
    /// The right side indexed by its keys (once the right rows are the build side).
    private var built: IndexedSide?
    /// The whole right input (both strategies).
    private var rightBatch: Batch?
    /// Left batches read ahead while choosing the build side, probed before the rest.
    private var readAhead: [Batch] = []
    private var pending: [Batch] = []
    /// The left input has returned its last batch (it is not asked again).
    private var leftEnded = false
    /// Every left row has been joined.
    private var leftDone = false
    private var unmatchedEmitted = false
    /// Per right row: whether some left row matched it (right and full joins).
    private var matched: [Bool] = []
    /// The type each key pair is compared in (the two sides' types normally agree).
    private var keyTypes: [DataType] = []
    private let evaluator = ExpressionEvaluator()

    /// One side's rows indexed by their keys.
    private struct IndexedSide {
        var table: GroupTable
        /// Per row its key group (-1: a null key); first row of each group and, per row, the next
        /// row of its group (-1 ends).
        var groups: [Int]
        var firstRow: [Int]
        var nextRow: [Int]
    }

    public init(left: BatchStream, right: BatchStream, plan: HashJoinExec) {
        self.left = left
        self.right = right
        self.plan = plan
    }

    public func next() throws -> Batch? {
        if rightBatch == nil { try start() }
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if leftDone {
                guard plan.kind == .right || plan.kind == .full, !unmatchedEmitted else { return nil }
                unmatchedEmitted = true
                emitUnmatchedRight()
                continue
            }
            let batch: Batch
            if !readAhead.isEmpty {
                batch = readAhead.removeFirst()
            } else if !leftEnded, let next = try left.next() {
                batch = next
            } else {
                leftEnded = true
                leftDone = true
                continue
            }
            try probe(batch)
        }
    }

    /// Reads the right side, chooses the build side and, when it is the left one, joins everything.
    private func start() throws {
        let rightSchema = plan.right.schema
        keyTypes = try zip(plan.leftKeys, plan.rightKeys).map { l, r in
            let (lt, rt) = (plan.left.schema[l].type, rightSchema[r].type)
            guard let common = comparisonType(lt, rt) else {
                throw EngineError.planMismatch("join keys of types \(lt) and \(rt) cannot be compared")
            }
            return common
        }
        let rightRows = Batch.concat(try collect(right), schema: rightSchema)
        rightBatch = rightRows
        matched = [Bool](repeating: false, count: rightRows.count)
        var leftCount = 0
        while leftCount <= rightRows.count / 2 {
            guard let batch = try left.next() else {
                leftEnded = true
                break
            }
            readAhead.append(batch)
            leftCount += batch.count
        }
        if leftEnded && leftCount > 0 && leftCount * 2 <= rightRows.count {
            try joinBuildingLeft(Batch.concat(readAhead, schema: plan.left.schema), rightRows)
            readAhead = []
            leftDone = true
        } else {
            built = try index(rightRows, keys: plan.rightKeys)
        }
    }

    /// `batch`'s rows indexed by the key columns `keys`.
    private func index(_ batch: Batch, keys: [Int]) throws -> IndexedSide {
        let table = GroupTable(keyTypes: keyTypes, expectedGroups: min(batch.count, 1 << 18))
        let groups = table.insert(try keyColumns(batch, keys), rows: batch.count, skippingNulls: true)
        var firstRow = [Int](repeating: -1, count: table.count)
        var lastRow = [Int](repeating: -1, count: table.count)
        var nextRow = [Int](repeating: -1, count: batch.count)
        for (row, g) in groups.enumerated() where g >= 0 {
            if firstRow[g] < 0 { firstRow[g] = row } else { nextRow[lastRow[g]] = row }
            lastRow[g] = row
        }
        return IndexedSide(table: table, groups: groups, firstRow: firstRow, nextRow: nextRow)
    }

    /// Probes one left batch against the indexed right side.
    private func probe(_ batch: Batch) throws {
        guard let side = built, let rightRows = rightBatch, batch.count > 0 else { return }
        let groups = side.table.find(try keyColumns(batch, plan.leftKeys), rows: batch.count)
        switch plan.kind {
        case .semi, .anti:
            let keep = groups.indices.filter { (groups[$0] >= 0) == (plan.kind == .semi) }
            if !keep.isEmpty { pending.append(try output(batch, leftRows: keep, rightRows: nil, right: rightRows)) }
            return
        case .inner, .left, .right, .full:
            break
        }
        let keepUnmatchedLeft = plan.kind == .left || plan.kind == .full
        var leftRows: [Int] = [], pairedRight: [Int] = []
        for (i, g) in groups.enumerated() {
            if g < 0 {
                if keepUnmatchedLeft { leftRows.append(i); pairedRight.append(-1) }
                continue
            }
            var r = side.firstRow[g]
            while r >= 0 {
                leftRows.append(i)
                pairedRight.append(r)
                matched[r] = true
                r = side.nextRow[r]
            }
        }
        try emit(batch, leftRows: leftRows, rightRows: pairedRight, right: rightRows)
    }

    /// The join with the (smaller) left side indexed and every right row probing it. The pairs are
    /// put in left row order by a counting sort; within a left row they stay in right row order.
    private func joinBuildingLeft(_ leftRows: Batch, _ rightRows: Batch) throws {
        let side = try index(leftRows, keys: plan.leftKeys)
        let probes = side.table.find(try keyColumns(rightRows, plan.rightKeys), rows: rightRows.count)
        switch plan.kind {
        case .semi, .anti:
            var groupMatched = [Bool](repeating: false, count: side.table.count)
            for g in probes where g >= 0 { groupMatched[g] = true }
            let keep = side.groups.indices.filter { row in
                let g = side.groups[row]
                return (g >= 0 && groupMatched[g]) == (plan.kind == .semi)
            }
            for start in stride(from: 0, to: keep.count, by: Batch.defaultSize) {
                let chunk = Array(keep[start..<min(start + Batch.defaultSize, keep.count)])
                pending.append(try output(leftRows, leftRows: chunk, rightRows: nil, right: rightRows))
            }
            return
        case .inner, .left, .right, .full:
            break
        }
        // Matches per left row, then each left row's slots in the output.
        var count = [Int](repeating: 0, count: leftRows.count)
        for g in probes where g >= 0 {
            var l = side.firstRow[g]
            while l >= 0 {
                count[l] += 1
                l = side.nextRow[l]
            }
        }
        let keepUnmatchedLeft = plan.kind == .left || plan.kind == .full
        var slot = [Int](repeating: 0, count: leftRows.count + 1)
        for l in 0..<leftRows.count {
            slot[l + 1] = slot[l] + (count[l] == 0 && keepUnmatchedLeft ? 1 : count[l])
        }
        var outLeft = [Int](repeating: 0, count: slot[leftRows.count])
        var outRight = [Int](repeating: -1, count: slot[leftRows.count])
        var fill = Array(slot.dropLast())
        for l in 0..<leftRows.count where count[l] == 0 && keepUnmatchedLeft {
            outLeft[fill[l]] = l
        }
        for (r, g) in probes.enumerated() where g >= 0 {
            var l = side.firstRow[g]
            while l >= 0 {
                outLeft[fill[l]] = l
                outRight[fill[l]] = r
                fill[l] += 1
                matched[r] = true
                l = side.nextRow[l]
            }
        }
        try emit(leftRows, leftRows: outLeft, rightRows: outRight, right: rightRows)
    }

    /// Queues the output rows for the pairs, `Batch.defaultSize` at a time.
    private func emit(_ batch: Batch, leftRows: [Int], rightRows: [Int], right: Batch) throws {
        for start in stride(from: 0, to: leftRows.count, by: Batch.defaultSize) {
            let end = min(start + Batch.defaultSize, leftRows.count)
            pending.append(try output(batch, leftRows: Array(leftRows[start..<end]),
                                      rightRows: Array(rightRows[start..<end]), right: right))
        }
    }

    /// The key columns of one side, in the common key types.
    private func keyColumns(_ batch: Batch, _ keys: [Int]) throws -> [Column] {
        try zip(keys, keyTypes).map { try evaluator.conformForComparison(batch.columns[$0], to: $1) }
    }

    /// Output rows for unmatched right rows, the left side padded with nulls.
    private func emitUnmatchedRight() {
        guard let rightRows = rightBatch else { return }
        let rows = matched.indices.filter { !matched[$0] }
        for start in stride(from: 0, to: rows.count, by: Batch.defaultSize) {
            let chunk = Array(rows[start..<min(start + Batch.defaultSize, rows.count)])
            let columns = plan.output.map { source -> Column in
                switch source {
                case .left(let c): return Column.constant(.null, type: plan.left.schema[c].type, count: chunk.count)
                case .right(let c), .coalesce(_, let c): return rightRows.columns[c].take(chunk)
                }
            }
            pending.append(Batch(columns: columns, count: chunk.count))
        }
    }

    /// Output columns for pairs of a left row of `batch` and a right row (-1: no right row).
    private func output(_ batch: Batch, leftRows: [Int], rightRows: [Int]?, right: Batch) throws -> Batch {
        let columns = try plan.output.map { source -> Column in
            switch source {
            case .left(let c), .coalesce(let c, _):
                return batch.columns[c].take(leftRows)
            case .right(let c):
                guard let rightRows else {
                    throw EngineError.planMismatch("a \(plan.kind.rawValue) join cannot output right column \(c)")
                }
                return right.columns[c].take(orNull: rightRows)
            }
        }
        return Batch(columns: columns, count: leftRows.count)
    }
}
