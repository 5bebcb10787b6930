import TallyCompiler

/// The running state of one aggregate for every group, kept in typed arrays indexed by group id.
protocol Accumulator: AnyObject {
    /// Folds the rows of one batch into their groups. `groups[i]` is row `i`'s group id;
    /// `groupCount` is the number of groups known so far (ids are below it).
    func update(groups: [Int], input: Column?, groupCount: Int) throws
    /// One value per group, `groupCount` rows.
    func finish(groupCount: Int) throws -> Column
}

/// Builds the accumulator for an aggregate call over an argument of type `argumentType`.
func makeAccumulator(_ call: AggregateCall, argumentType: DataType?) throws -> Accumulator {
    let result = call.type.type
    guard let argumentType else {
        guard call.function == .countStar else {
            throw EngineError.planMismatch("aggregate `\(call.function.rawValue)` has no argument")
        }
        return CountAccumulator(countNulls: true)
    }
    switch call.function {
    case .countStar: return CountAccumulator(countNulls: true)
    case .count: return CountAccumulator(countNulls: false)
    case .countDistinct: return CountDistinctAccumulator(argumentType: argumentType)
    case .sum:
        switch argumentType {
        case .int: return SumIntAccumulator()
        case .decimal: return DecimalSumAccumulator(inputScale: argumentType.scale, resultType: result, average: false)
        case .double: return DoubleSumAccumulator(average: false)
        default: break
        }
    case .avg:
        switch argumentType {
        case .int, .decimal: return DecimalSumAccumulator(inputScale: argumentType.scale, resultType: result, average: true)
        case .double: return DoubleSumAccumulator(average: true)
        default: break
        }
    case .min, .max, .any, .first:
        let mode: SelectMode = call.function == .min ? .min : call.function == .max ? .max : .first
        return makeSelectAccumulator(mode, type: argumentType)
    }
    throw EngineError(.unsupported, "aggregate `\(call.function.rawValue)` is not defined on \(argumentType)")
}

/// `count(*)` (every row) and `count(x)` (non-null rows).
final class CountAccumulator: Accumulator {
    private let countNulls: Bool
    private var counts: [Int64] = []

    init(countNulls: Bool) { self.countNulls = countNulls }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&counts, to: groupCount, with: 0)
        if !countNulls, let validity = input?.validity {
            for (i, g) in groups.enumerated() where validity[i] { counts[g] += 1 }
        } else {
            for g in groups { counts[g] += 1 }
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&counts, to: groupCount, with: 0)
        return Column(type: .int, values: .int(counts))
    }
}

/// `count(distinct x)`: pairs (group, value) are made unique with a `GroupTable`.
final class CountDistinctAccumulator: Accumulator {
    private let pairs: GroupTable
    private var counts: [Int64] = []

    init(argumentType: DataType) {
        pairs = GroupTable(keyTypes: [.int, argumentType])
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&counts, to: groupCount, with: 0)
        guard let input else { return }
        var rows = groups.indices.map { $0 }
        if input.validity != nil { rows = rows.filter { input.isValid($0) } }
        let groupColumn = Column(type: .int, values: .int(rows.map { Int64(groups[$0]) }))
        let before = pairs.count
        let ids = pairs.insert([groupColumn, input.take(rows)], rows: rows.count)
        // Ids are handed out in row order, so a pair is new exactly when it gets the next id.
        var nextNew = before
        for (j, id) in ids.enumerated() where id == nextNew {
            counts[groups[rows[j]]] += 1
            nextNew += 1
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&counts, to: groupCount, with: 0)
        return Column(type: .int, values: .int(counts))
    }
}

/// `sum(int)`, checked: overflow is an error, never a wrap.
final class SumIntAccumulator: Accumulator {
    private var sums: [Int64] = []
    private var seen: [Bool] = []

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        guard let input else { return }
        let values = input.values.ints
        for (i, g) in groups.enumerated() where input.isValid(i) {
            let (s, overflow) = sums[g].addingReportingOverflow(values[i])
            if overflow { throw EngineError(.integerOverflow, "integer overflow in `sum`: \(sums[g]) + \(values[i])") }
            sums[g] = s
            seen[g] = true
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&seen, to: groupCount, with: false)
        return Column(type: .int, values: .int(sums), validity: nullsWhereUnseen(seen))
    }
}

/// `sum` and `avg` of doubles (IEEE).
final class DoubleSumAccumulator: Accumulator {
    private let average: Bool
    private var sums: [Double] = []
    private var counts: [Int64] = []

    init(average: Bool) { self.average = average }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&sums, to: groupCount, with: 0)
        grow(&counts, to: groupCount, with: 0)
        guard let input else { return }
        let values = input.values.doubles
        for (i, g) in groups.enumerated() where input.isValid(i) {
            sums[g] += values[i]
            counts[g] += 1
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&counts, to: groupCount, with: 0)
        let values = average ? zip(sums, counts).map { $1 == 0 ? 0 : $0 / Double($1) } : sums
        return Column(type: .double, values: .double(values), validity: nullsWhereUnseen(counts.map { $0 > 0 }))
    }
}

/// Appends `value` until `array` has `count` elements.
@inline(__always)
func grow<T>(_ array: inout [T], to count: Int, with value: T) {
    if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
}

/// A validity bitmap marking groups never given a value as null (nil when all were).
func nullsWhereUnseen(_ seen: [Bool]) -> Bitmap? {
    seen.allSatisfy { $0 } ? nil : Bitmap(seen)
}
