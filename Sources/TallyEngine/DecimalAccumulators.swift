import TallyCompiler

/// `sum` of decimals, and `avg` of ints and decimals: exact `Int128` sums checked against
/// 38 digits. The average is rounded half away from zero to the result scale (or converted
/// to double when the result type is double).
final class DecimalSumAccumulator: Accumulator {
    private let inputScale: Int
    private let resultType: DataType
    private let average: Bool
    private var sums: [Int128] = []
    private var counts: [Int64] = []

    init(inputScale: Int, resultType: DataType, average: Bool) {
        self.inputScale = inputScale
        self.resultType = resultType
        self.average = average
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&sums, to: groupCount, with: 0)
        grow(&counts, to: groupCount, with: 0)
        guard let input else { return }
        switch input.values {
        case .int(let values):
            for (i, g) in groups.enumerated() where input.isValid(i) { try add(Int128(values[i]), to: g) }
        case .decimal(let values):
            for (i, g) in groups.enumerated() where input.isValid(i) { try add(values[i], to: g) }
        default:
            throw EngineError.planMismatch("decimal sum over a \(input.type) column")
        }
    }

    @inline(__always)
    private func add(_ v: Int128, to g: Int) throws {
        let (s, overflow) = sums[g].addingReportingOverflow(v)
        guard !overflow, DecimalMath.fits(s, precision: DataType.maxPrecision) else {
            throw EngineError.decimalOverflow("`\(average ? "avg" : "sum")`",
                                              type: .decimal(precision: DataType.maxPrecision, scale: inputScale))
        }
        sums[g] = s
        counts[g] += 1
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&sums, to: groupCount, with: 0)
        grow(&counts, to: groupCount, with: 0)
        let validity = nullsWhereUnseen(counts.map { $0 > 0 })
        if case .double = resultType {
            let values = (0..<groupCount).map { g in
                counts[g] == 0 ? 0 : DecimalMath.toDouble(sums[g], scale: inputScale) / (average ? Double(counts[g]) : 1)
            }
            return Column(type: .double, values: .double(values), validity: validity)
        }
        guard case .decimal(let precision, let scale) = resultType else {
            throw EngineError.planMismatch("decimal sum with result type \(resultType)")
        }
        var values = [Int128](repeating: 0, count: groupCount)
        for g in 0..<groupCount where counts[g] > 0 {
            let r = average
                ? DecimalMath.divide(sums[g], Int128(counts[g]), scalingBy: scale - inputScale)
                : DecimalMath.rescale(sums[g], from: inputScale, to: scale)
            guard let r, DecimalMath.fits(r, precision: precision) else {
                throw EngineError.decimalOverflow("`\(average ? "avg" : "sum")`", type: resultType)
            }
            values[g] = r
        }
        return Column(type: resultType, values: .decimal(values), validity: validity)
    }
}
