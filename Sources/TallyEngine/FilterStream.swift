import TallyCompiler

/// Keeps the rows whose predicate is true (false and null drop the row). A batch where every row
/// passes goes through untouched; batches left empty are skipped.
public final class FilterStream: BatchStream {
    private let input: BatchStream
    private let predicate: BoundExpr
    private let evaluator = ExpressionEvaluator()

    public init(input: BatchStream, predicate: BoundExpr) {
        self.input = input
        self.predicate = predicate
    }

    public func next() throws -> Batch? {
        while let batch = try input.next() {
            if batch.count == 0 { continue }
            let mask = try evaluator.evaluate(predicate, on: batch)
            let keep = trueRows(mask)
            if keep.count == batch.count { return batch }
            if keep.isEmpty { continue }
            return batch.take(keep)
        }
        return nil
    }
}

/// Indices of the rows of a bool column that are true (not false, not null).
func trueRows(_ mask: Column) -> [Int] {
    if mask.type == .null { return [] }
    let bits = mask.values.bools
    var rows: [Int] = []
    rows.reserveCapacity(bits.count)
    if let validity = mask.validity {
        for i in bits.indices where bits[i] && validity[i] { rows.append(i) }
    } else {
        for i in bits.indices where bits[i] { rows.append(i) }
    }
    return rows
}
