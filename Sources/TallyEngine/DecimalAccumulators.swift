import TallyCompiler

/// `sum` of decimals, and `avg` of ints and decimals: exact. Each group's sum is an `Int128` plus a
/// count of the times it wrapped (`carries`, ±1 each), i.e. exactly `carries · 2^128 + sum`, so no
/// intermediate sum overflows and the result does not depend on the order of the rows; the total
/// must fit 38 digits. The average is rounded half away from zero to the result scale (or converted
/// to double when the result type is double).
final class DecimalSumAccumulator: Accumulator {
    private let inputScale: Int
    private let resultType: DataType
    private let average: Bool
    private let sums = RawVec<Int128>(capacity: 1024)
    private let carries = RawVec<Int64>(capacity: 1024)
    private let counts = RawVec<Int64>(capacity: 1024)

    init(inputScale: Int, resultType: DataType, average: Bool) {
        self.inputScale = inputScale
        self.resultType = resultType
        self.average = average
    }

    private var overflow: EngineError {
        EngineError.decimalOverflow("`\(average ? "avg" : "sum")`",
                                    type: .decimal(precision: DataType.maxPrecision, scale: inputScale))
    }

    private func grow(to groupCount: Int) {
        sums.resize(to: groupCount, with: 0)
        carries.resize(to: groupCount, with: 0)
        counts.resize(to: groupCount, with: 0)
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(to: groupCount)
        guard let input else { return }
        switch input.values {
        case .int(let values): add(values, groups, input.validity) { Int128($0) }
        case .decimal(let values): add(values, groups, input.validity) { $0 }
        default: throw EngineError.planMismatch("decimal sum over a \(input.type) column")
        }
    }

    @inline(__always)
    private func add<T>(_ values: [T], _ groups: [Int], _ validity: Bitmap?, _ widen: (T) -> Int128) {
        let (s, k, c) = (sums.base, carries.base, counts.base)
        values.withUnsafeBufferPointer { vp in
            groups.withUnsafeBufferPointer { gp in
                for i in gp.indices {
                    if let validity, !validity[i] { continue }
                    let g = gp[i]
                    let v = widen(vp[i])
                    let (r, wrapped) = s[g].addingReportingOverflow(v)
                    if wrapped { k[g] += v < 0 ? -1 : 1 }
                    s[g] = r
                    c[g] += 1
                }
            }
        }
    }

    func merge(from other: Accumulator, groupMap: [Int], groupCount: Int) throws {
        let o = try sameKind(other, as: DecimalSumAccumulator.self)
        grow(to: groupCount)
        for g in 0..<o.sums.count where o.counts[g] > 0 {
            let t = groupMap[g]
            let (r, wrapped) = sums[t].addingReportingOverflow(o.sums[g])
            sums[t] = r
            carries[t] += o.carries[g] + (wrapped ? (o.sums[g] < 0 ? -1 : 1) : 0)
            counts[t] += o.counts[g]
        }
    }

    /// Group `g`'s exact sum when it fits 38 digits.
    private func total(_ g: Int) throws -> Int128 {
        // A carry puts the sum at 2^127 or beyond in magnitude, past 38 digits.
        guard carries[g] == 0, DecimalMath.fits(sums[g], precision: DataType.maxPrecision) else { throw overflow }
        return sums[g]
    }

    func finish(_ order: GroupOrder) throws -> Column {
        grow(to: order.count)
        let validity = nullsWhereUnseen(order.map { counts[$0] > 0 })
        if case .double = resultType {
            let values = try order.map { g in
                counts[g] == 0 ? 0 : DecimalMath.toDouble(try total(g), scale: inputScale) / (average ? Double(counts[g]) : 1)
            }
            return Column(type: .double, values: .double(values), validity: validity)
        }
        guard case .decimal(let precision, let scale) = resultType else {
            throw EngineError.planMismatch("decimal sum with result type \(resultType)")
        }
        let values = try order.map { g -> Int128 in
            guard counts[g] > 0 else { return 0 }
            let sum = try total(g)
            let r = average
                ? DecimalMath.divide(sum, Int128(counts[g]), scalingBy: scale - inputScale)
                : DecimalMath.rescale(sum, from: inputScale, to: scale)
            guard let r, DecimalMath.fits(r, precision: precision) else {
                throw EngineError.decimalOverflow("`\(average ? "avg" : "sum")`", type: resultType)
            }
            return r
        }
        return Column(type: resultType, values: .decimal(values), validity: validity)
    }
}
