import TallyCompiler

/// Equi-join of two inputs (inner, left, right, full, semi, anti); null keys never match.
///
/// On the first `next()` the right input is read whole and indexed by a `GroupTable` on its keys;
/// left batches then stream through. Output order: left rows in input order, each followed by its
/// matches in right input order; for right and full joins the unmatched right rows come last,
/// in right input order. Semi and anti joins output each qualifying left row once.
public final class HashJoinStream: BatchStream {
    private let left: BatchStream
    private let right: BatchStream
    private let plan: HashJoinExec
    private var built: RightSide?
    private var pending: [Batch] = []
    private var leftDone = false
    private var unmatchedEmitted = false
    /// Per right row: whether some left row matched it (right and full joins).
    private var matched: [Bool] = []
    /// The type each key pair is compared in (the two sides' types normally agree).
    private var keyTypes: [DataType] = []
    private let evaluator = ExpressionEvaluator()

    /// The materialized right input and its key index.
    private struct RightSide {
        var batch: Batch
        var table: GroupTable
        /// First right row of each key group and, per row, the next row of its group (-1 ends).
        var firstRow: [Int]
        var nextRow: [Int]
    }

    public init(left: BatchStream, right: BatchStream, plan: HashJoinExec) {
        self.left = left
        self.right = right
        self.plan = plan
    }

    public func next() throws -> Batch? {
        if built == nil { built = try buildRightSide() }
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if leftDone {
                guard plan.kind == .right || plan.kind == .full, !unmatchedEmitted else { return nil }
                unmatchedEmitted = true
                emitUnmatchedRight()
                continue
            }
            guard let batch = try left.next() else {
                leftDone = true
                continue
            }
            try probe(batch)
        }
    }

    private func buildRightSide() throws -> RightSide {
        let rightSchema = plan.right.schema
        keyTypes = try zip(plan.leftKeys, plan.rightKeys).map { l, r in
            let (lt, rt) = (plan.left.schema[l].type, rightSchema[r].type)
            guard let common = comparisonType(lt, rt) else {
                throw EngineError.planMismatch("join keys of types \(lt) and \(rt) cannot be compared")
            }
            return common
        }
        let batch = Batch.concat(try collect(right), schema: rightSchema)
        let table = GroupTable(keyTypes: keyTypes, expectedGroups: min(batch.count, 1 << 18))
        let groups = table.insert(try keyColumns(batch, plan.rightKeys), rows: batch.count, skippingNulls: true)
        var firstRow = [Int](repeating: -1, count: table.count)
        var lastRow = [Int](repeating: -1, count: table.count)
        var nextRow = [Int](repeating: -1, count: batch.count)
        for (row, g) in groups.enumerated() where g >= 0 {
            if firstRow[g] < 0 { firstRow[g] = row } else { nextRow[lastRow[g]] = row }
            lastRow[g] = row
        }
        matched = [Bool](repeating: false, count: batch.count)
        return RightSide(batch: batch, table: table, firstRow: firstRow, nextRow: nextRow)
    }

    private func probe(_ batch: Batch) throws {
        guard let side = built, batch.count > 0 else { return }
        let groups = side.table.find(try keyColumns(batch, plan.leftKeys), rows: batch.count)
        switch plan.kind {
        case .semi, .anti:
            let keep = groups.indices.filter { (groups[$0] >= 0) == (plan.kind == .semi) }
            if !keep.isEmpty { pending.append(try output(batch, leftRows: keep, rightRows: nil, side: side)) }
            return
        case .inner, .left, .right, .full:
            break
        }
        let keepUnmatchedLeft = plan.kind == .left || plan.kind == .full
        var leftRows: [Int] = [], rightRows: [Int] = []
        for (i, g) in groups.enumerated() {
            if g < 0 {
                if keepUnmatchedLeft { leftRows.append(i); rightRows.append(-1) }
                continue
            }
            var r = side.firstRow[g]
            while r >= 0 {
                leftRows.append(i)
                rightRows.append(r)
                matched[r] = true
                r = side.nextRow[r]
            }
        }
        for start in stride(from: 0, to: leftRows.count, by: Batch.defaultSize) {
            let end = min(start + Batch.defaultSize, leftRows.count)
            pending.append(try output(batch, leftRows: Array(leftRows[start..<end]),
                                      rightRows: Array(rightRows[start..<end]), side: side))
        }
    }

    /// The key columns of one side, in the common key types.
    private func keyColumns(_ batch: Batch, _ keys: [Int]) throws -> [Column] {
        try zip(keys, keyTypes).map { try evaluator.conformForComparison(batch.columns[$0], to: $1) }
    }

    /// Output rows for unmatched right rows, the left side padded with nulls.
    private func emitUnmatchedRight() {
        guard let side = built else { return }
        let rows = matched.indices.filter { !matched[$0] }
        for start in stride(from: 0, to: rows.count, by: Batch.defaultSize) {
            let chunk = Array(rows[start..<min(start + Batch.defaultSize, rows.count)])
            let columns = plan.output.map { source -> Column in
                switch source {
                case .left(let c): return Column.constant(.null, type: plan.left.schema[c].type, count: chunk.count)
                case .right(let c), .coalesce(_, let c): return side.batch.columns[c].take(chunk)
                }
            }
            pending.append(Batch(columns: columns, count: chunk.count))
        }
    }

    /// Output columns for pairs of a left row and a right row (-1: no right row).
    private func output(_ batch: Batch, leftRows: [Int], rightRows: [Int]?, side: RightSide) throws -> Batch {
        let columns = try plan.output.map { source -> Column in
            switch source {
            case .left(let c), .coalesce(let c, _):
                return batch.columns[c].take(leftRows)
            case .right(let c):
                guard let rightRows else {
                    throw EngineError.planMismatch("a \(plan.kind.rawValue) join cannot output right column \(c)")
                }
                return side.batch.columns[c].take(orNull: rightRows)
            }
        }
        return Batch(columns: columns, count: leftRows.count)
    }
}
