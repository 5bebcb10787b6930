import TallyCompiler

/// `sum` of decimals, and `avg` of ints and decimals: exact `Int128` sums checked against
/// 38 digits. The average is rounded half away from zero to the result scale (or converted
/// to double when the result type is double).
///
/// As a later partition's partial (`tracksPrefixes`), each group's running sum is checked only
/// against the `Int128` range and its largest and smallest value are kept, so that a merge can
/// tell whether one pass (earlier total plus each running sum) would have left 38 digits.
final class DecimalSumAccumulator: Accumulator {
    private let inputScale: Int
    private let resultType: DataType
    private let average: Bool
    private let tracksPrefixes: Bool
    private let sums = RawVec<Int128>(capacity: 1024)
    private let counts = RawVec<Int64>(capacity: 1024)
    private let high = RawVec<Int128>(capacity: 16)
    private let low = RawVec<Int128>(capacity: 16)

    init(inputScale: Int, resultType: DataType, average: Bool, tracksPrefixes: Bool = false) {
        self.inputScale = inputScale
        self.resultType = resultType
        self.average = average
        self.tracksPrefixes = tracksPrefixes
    }

    private var overflow: EngineError {
        EngineError.decimalOverflow("`\(average ? "avg" : "sum")`",
                                    type: .decimal(precision: DataType.maxPrecision, scale: inputScale))
    }

    private func grow(to groupCount: Int) {
        sums.resize(to: groupCount, with: 0)
        counts.resize(to: groupCount, with: 0)
        if tracksPrefixes {
            high.resize(to: groupCount, with: 0)
            low.resize(to: groupCount, with: 0)
        }
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(to: groupCount)
        guard let input else { return }
        switch input.values {
        case .int(let values): try add(values, groups, input.validity) { Int128($0) }
        case .decimal(let values): try add(values, groups, input.validity) { $0 }
        default: throw EngineError.planMismatch("decimal sum over a \(input.type) column")
        }
    }

    @inline(__always)
    private func add<T>(_ values: [T], _ groups: [Int], _ validity: Bitmap?, _ widen: (T) -> Int128) throws {
        let (s, c, hi, lo) = (sums.base, counts.base, high.base, low.base)
        let limit = DecimalMath.powersOfTen[DataType.maxPrecision]
        try values.withUnsafeBufferPointer { vp in
            try groups.withUnsafeBufferPointer { gp in
                for i in gp.indices {
                    if let validity, !validity[i] { continue }
                    let g = gp[i]
                    let (r, o) = s[g].addingReportingOverflow(widen(vp[i]))
                    if tracksPrefixes {
                        if o { throw overflow }
                        if r > hi[g] { hi[g] = r }
                        if r < lo[g] { lo[g] = r }
                    } else if o || r >= limit || r <= -limit {
                        throw overflow
                    }
                    s[g] = r
                    c[g] += 1
                }
            }
        }
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: DecimalSumAccumulator.self)
        precondition(!tracksPrefixes, "partials merge into the first partition's accumulator")
        grow(to: groupCount)
        for g in 0..<o.sums.count where o.counts[g] > 0 {
            let t = groupMap[g]
            let base = sums[t]
            let extremes = o.tracksPrefixes ? [o.high[g], o.low[g], o.sums[g]] : [o.sums[g]]
            for e in extremes {
                let (r, overflowed) = base.addingReportingOverflow(e)
                if overflowed || !DecimalMath.fits(r, precision: DataType.maxPrecision) { throw overflow }
            }
            sums[t] = base + o.sums[g]
            counts[t] += o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(to: groupCount)
        let validity = nullsWhereUnseen((0..<groupCount).map { counts[$0] > 0 })
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
