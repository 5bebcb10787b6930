import TallyCompiler

// Three-valued logic and the conditional forms: not, and/or, in, case, coalesce.

extension ExpressionEvaluator {
    /// `not x`: true <-> false, null stays null.
    func not(_ x: Column) -> Column {
        Column(type: .bool, values: .bool(x.values.bools.map { !$0 }), validity: x.validity)
    }

    /// `a and b` / `a or b`. `b` is evaluated only on rows `a` does not already decide
    /// (false for `and`, true for `or`).
    func logical(isAnd: Bool, _ a: BoundExpr, _ b: BoundExpr, on batch: Batch) throws -> Column {
        let left = try evaluate(a, on: batch)
        let lv = left.values.bools
        // Rows whose result still depends on `b`.
        let undecided = (0..<batch.count).filter { left.isNull($0) || lv[$0] == isAnd }
        if undecided.isEmpty { return left }
        var right = try evaluate(b, on: batch, rows: undecided)
        if undecided.count != batch.count {
            right = Column.interleave([right], source: scatterSource(undecided, count: batch.count),
                                      position: scatterPosition(undecided, count: batch.count), type: .bool)
        }
        let rv = right.values.bools
        var values = [Bool](repeating: false, count: batch.count)
        var valid = Bitmap(count: batch.count, value: true)
        for i in 0..<batch.count {
            let aKnown = !left.isNull(i), bKnown = !right.isNull(i)
            if isAnd {
                // false wins; otherwise null if either is null; otherwise true.
                if (aKnown && !lv[i]) || (bKnown && !rv[i]) { values[i] = false }
                else if aKnown && bKnown { values[i] = true }
                else { valid[i] = false }
            } else {
                // true wins; otherwise null if either is null; otherwise false.
                if (aKnown && lv[i]) || (bKnown && rv[i]) { values[i] = true }
                else if aKnown && bKnown { values[i] = false }
                else { valid[i] = false }
            }
        }
        return Column(type: .bool, values: .bool(values), validity: valid.allSet ? nil : valid)
    }

    /// `probe in (list)`: true on a match; otherwise null if the probe or any item is null; else false.
    func inList(_ probe: Column, _ list: [Column], negated: Bool) throws -> Column {
        let n = probe.count
        var found = [Bool](repeating: false, count: n)
        var sawNull = [Bool](repeating: false, count: n)
        for item in list {
            let (p, c) = try alignForComparison(probe, item)
            let equal = try compareValues(.equal, p, c)
            for i in 0..<n {
                if item.isNull(i) { sawNull[i] = true } else if equal[i] { found[i] = true }
            }
        }
        var valid = Bitmap(count: n, value: true)
        var values = [Bool](repeating: false, count: n)
        for i in 0..<n {
            if probe.isNull(i) || (!found[i] && sawNull[i]) { valid[i] = false; continue }
            values[i] = found[i] != negated
        }
        return Column(type: .bool, values: .bool(values), validity: valid.allSet ? nil : valid)
    }

    /// `case when ... then ... else ... end`: each row takes the result of the first branch whose
    /// condition is true (null and false move on); results are evaluated only on their rows.
    func caseWhen(_ branches: [CaseBranch], otherwise: BoundExpr?, type: DataType, on batch: Batch) throws -> Column {
        var picker = RowPicker(count: batch.count)
        var remaining: [Int]? = nil  // nil: every row
        for branch in branches {
            let rows = remaining ?? Array(0..<batch.count)
            if rows.isEmpty { break }
            let condition = try evaluate(branch.condition, on: batch, rows: remaining)
            let cv = condition.values.bools
            var hit: [Int] = [], miss: [Int] = []
            for (j, row) in rows.enumerated() {
                if !condition.isNull(j) && cv[j] { hit.append(row) } else { miss.append(row) }
            }
            if !hit.isEmpty { picker.add(try conform(evaluate(branch.result, on: batch, rows: hit), to: type), rows: hit) }
            remaining = miss
        }
        if let otherwise, remaining?.isEmpty != true {
            let rows = remaining ?? Array(0..<batch.count)
            picker.add(try conform(evaluate(otherwise, on: batch, rows: remaining), to: type), rows: rows)
        }
        return picker.finish(type: type)
    }

    /// `column` as `type`: a no-op when the type checker already made them agree.
    private func conform(_ column: Column, to type: DataType) throws -> Column {
        column.type == type ? column : try cast(column, to: type)
    }

    /// `coalesce(a, b, ...)`: the first non-null argument; later arguments are evaluated only on
    /// the rows still null.
    func coalesce(_ args: [BoundExpr], type: DataType, on batch: Batch) throws -> Column {
        var picker = RowPicker(count: batch.count)
        var remaining: [Int]? = nil
        for arg in args {
            let rows = remaining ?? Array(0..<batch.count)
            if rows.isEmpty { break }
            let column = try conform(evaluate(arg, on: batch, rows: remaining), to: type)
            var taken: [Int] = [], takenPositions: [Int] = [], still: [Int] = []
            for (j, row) in rows.enumerated() {
                if column.isNull(j) { still.append(row) } else { taken.append(row); takenPositions.append(j) }
            }
            if !taken.isEmpty { picker.add(column, rows: taken, positions: takenPositions) }
            remaining = still
        }
        return picker.finish(type: type)
    }
}

/// Collects, for each output row, which partial column and position it comes from; rows never
/// given a source are null.
struct RowPicker {
    private var parts: [Column] = []
    private var source: [Int]
    private var position: [Int]
    private let count: Int

    init(count: Int) {
        self.count = count
        source = [Int](repeating: -1, count: count)
        position = [Int](repeating: 0, count: count)
    }

    /// Row `rows[j]` takes row `positions[j]` of `column` (`j` itself when `positions` is nil).
    mutating func add(_ column: Column, rows: [Int], positions: [Int]? = nil) {
        parts.append(column)
        for (j, row) in rows.enumerated() {
            source[row] = parts.count - 1
            position[row] = positions?[j] ?? j
        }
    }

    func finish(type: DataType) -> Column {
        // One part covering every row in order: use it as is.
        if parts.count == 1, parts[0].count == count, position.elementsEqual(0..<count), !source.contains(-1) {
            return parts[0]
        }
        if parts.isEmpty { return Column.constant(.null, type: type, count: count) }
        return Column.interleave(parts, source: source, position: position, type: type)
    }
}

/// For scattering a partial column back to full length: row -> part index (0) or -1.
func scatterSource(_ rows: [Int], count: Int) -> [Int] {
    var s = [Int](repeating: -1, count: count)
    for r in rows { s[r] = 0 }
    return s
}

/// For scattering a partial column back to full length: row -> position in the part.
func scatterPosition(_ rows: [Int], count: Int) -> [Int] {
    var p = [Int](repeating: 0, count: count)
    for (j, r) in rows.enumerated() { p[r] = j }
    return p
}
