import TallyCompiler

// Comparisons: numbers numerically, strings by UTF-8 bytes, dates and timestamps by time,
// bools with false < true. A null operand gives null.

extension ExpressionEvaluator {
    func compare(_ op: ComparisonOp, _ a: Column, _ b: Column) throws -> Column {
        let (x, y) = try alignForComparison(a, b)
        return Column(type: .bool, values: .bool(try compareValues(op, x, y)),
                      validity: Bitmap.intersect(a.validity, b.validity))
    }

    /// Brings two operands to one storage kind. The type checker normally does this with casts;
    /// this covers the numeric combinations it may leave (int vs decimal, differing scales, date
    /// vs timestamp) and the untyped null literal.
    func alignForComparison(_ a: Column, _ b: Column) throws -> (Column, Column) {
        if a.type == b.type { return (a, b) }
        guard let common = comparisonType(a.type, b.type) else {
            throw EngineError.planMismatch("cannot compare \(a.type) with \(b.type)")
        }
        return (try conformForComparison(a, to: common), try conformForComparison(b, to: common))
    }

    /// `column` converted to `type` unless it already has that storage and scale.
    func conformForComparison(_ column: Column, to type: DataType) throws -> Column {
        if case .decimal(_, let s) = column.type, case .decimal(_, let t) = type, s == t { return column }
        return column.type == type ? column : try cast(column, to: type)
    }

    /// Row-by-row comparison of two aligned columns, ignoring nulls (null rows give arbitrary bits).
    func compareValues(_ op: ComparisonOp, _ x: Column, _ y: Column) throws -> [Bool] {
        switch (x.values, y.values) {
        case (.int(let a), .int(let b)): return compareArrays(a, b, op)
        case (.decimal(let a), .decimal(let b)): return compareArrays(a, b, op)
        case (.double(let a), .double(let b)): return compareArrays(a, b, op)
        case (.date(let a), .date(let b)): return compareArrays(a, b, op)
        case (.timestamp(let a), .timestamp(let b)): return compareArrays(a, b, op)
        case (.bool(let a), .bool(let b)):
            return compareArrays(a.map { $0 ? UInt8(1) : 0 }, b.map { $0 ? UInt8(1) : 0 }, op)
        case (.string(let a), .string(let b)):
            if op == .equal { return (0..<a.count).map { a.equals($0, b, $0) } }
            if op == .notEqual { return (0..<a.count).map { !a.equals($0, b, $0) } }
            let order = (0..<a.count).map { a.compare($0, b, $0) }
            return compareArrays(order, [Int](repeating: 0, count: order.count), op)
        default:
            throw EngineError.planMismatch("cannot compare \(x.type) with \(y.type)")
        }
    }
}

/// The type two values are compared (or joined) in, nil when they cannot be compared.
func comparisonType(_ a: DataType, _ b: DataType) -> DataType? {
    switch (a, b) {
    case _ where a == b: return a
    case (.null, _): return b
    case (_, .null): return a
    case (.decimal(_, let s1), .decimal(_, let s2)) where s1 == s2: return a
    case (.decimal, .decimal), (.int, .decimal), (.decimal, .int):
        return .decimal(precision: DataType.maxPrecision, scale: max(a.scale, b.scale))
    case (.double, .int), (.double, .decimal), (.int, .double), (.decimal, .double): return .double
    case (.date, .timestamp), (.timestamp, .date): return .timestamp
    default: return nil
    }
}

/// `a[i] op b[i]` for every row.
func compareArrays<T: Comparable>(_ a: [T], _ b: [T], _ op: ComparisonOp) -> [Bool] {
    let n = a.count
    switch op {
    case .equal: return (0..<n).map { a[$0] == b[$0] }
    case .notEqual: return (0..<n).map { a[$0] != b[$0] }
    case .less: return (0..<n).map { a[$0] < b[$0] }
    case .lessOrEqual: return (0..<n).map { a[$0] <= b[$0] }
    case .greater: return (0..<n).map { a[$0] > b[$0] }
    case .greaterOrEqual: return (0..<n).map { a[$0] >= b[$0] }
    }
}

extension StringArray {
    /// Byte-wise (UTF-8 code unit) order of row `i` against row `j` of `other`: -1, 0 or 1.
    func compare(_ i: Int, _ other: StringArray, _ j: Int) -> Int {
        let s1 = Int(offsets[i]), n1 = Int(offsets[i + 1]) - s1
        let s2 = Int(other.offsets[j]), n2 = Int(other.offsets[j + 1]) - s2
        let n = Swift.min(n1, n2)
        return bytes.withUnsafeBufferPointer { p in
            other.bytes.withUnsafeBufferPointer { q in
                for k in 0..<n where p[s1 + k] != q[s2 + k] {
                    return p[s1 + k] < q[s2 + k] ? -1 : 1
                }
                return n1 == n2 ? 0 : (n1 < n2 ? -1 : 1)
            }
        }
    }

    /// Whether row `i` and row `j` of `other` hold the same bytes.
    func equals(_ i: Int, _ other: StringArray, _ j: Int) -> Bool {
        let s1 = Int(offsets[i]), n1 = Int(offsets[i + 1]) - s1
        let s2 = Int(other.offsets[j]), n2 = Int(other.offsets[j + 1]) - s2
        guard n1 == n2 else { return false }
        return bytes.withUnsafeBufferPointer { p in
            other.bytes.withUnsafeBufferPointer { q in
                for k in 0..<n1 where p[s1 + k] != q[s2 + k] { return false }
                return true
            }
        }
    }
}
