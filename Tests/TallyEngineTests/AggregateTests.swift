import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct AggregateTests {
    private func aggregate(_ input: Schema, keys: [Int], _ calls: [AggregateCall], _ data: [Batch]) throws -> [[Value]] {
        let outputTypes = keys.map { input[$0].type } + calls.map(\.type.type)
        let plan = PhysicalPlan.hashAggregate(HashAggregateExec(
            input: scan("t", input), groupKeys: keys, aggregates: calls,
            schema: Schema(outputTypes.enumerated().map { Field("o\($0.offset)", $0.element) })))
        return try run(plan, ["t": data])
    }

    private func call(_ f: AggregateFunction, _ arg: Int?, _ type: DataType) -> AggregateCall {
        AggregateCall(f, argument: arg, type: ExprType(type, nullable: true))
    }

    @Test func groupsInFirstSeenOrderWithNullKeyGroup() throws {
        let data = [batch(strings("b", "a", nil, "b"), ints(1, 2, 3, nil)), batch(strings(nil, "c", "a"), ints(4, nil, 6))]
        let calls = [call(.sum, 1, .int), call(.count, 1, .int), call(.countStar, nil, .int), call(.min, 1, .int), call(.max, 1, .int)]
        #expect(try aggregate(schema(.string, .int), keys: [0], calls, data) == [
            [.string("b"), .int(1), .int(1), .int(2), .int(1), .int(1)],
            [.string("a"), .int(8), .int(2), .int(2), .int(2), .int(6)],
            [.null, .int(7), .int(2), .int(2), .int(3), .int(4)],
            [.string("c"), .null, .int(0), .int(1), .null, .null],
        ])
    }

    @Test func noKeysAndNoRowsGivesOneRow() throws {
        let calls = [call(.countStar, nil, .int), call(.count, 0, .int), call(.sum, 0, .int), call(.avg, 0, .decimal(precision: 38, scale: 6)),
                     call(.min, 1, .string), call(.countDistinct, 0, .int), call(.any, 0, .int)]
        #expect(try aggregate(schema(.int, .string), keys: [], calls, []) == [[.int(0), .int(0), .null, .null, .null, .int(0), .null]])
        // With keys, no rows means no groups.
        #expect(try aggregate(schema(.int, .string), keys: [1], calls, [batch(ints(), strings())]).isEmpty)
    }

    @Test func sumOfIntsOverflowIsAnError() {
        let data = [batch(ints(Int64.max - 1)), batch(ints(1, 1))]
        let error = engineError { try aggregate(schema(.int), keys: [], [call(.sum, 0, .int)], data) }
        #expect(error?.kind == .integerOverflow)
        #expect(error?.message == "integer overflow in `sum`: a group's total is 9223372036854775808, outside the int range")
    }

    @Test func decimalSumAndAverageAreExact() throws {
        let d = DataType.decimal(precision: 10, scale: 2)
        let data = [batch(decimals(10, 2, "0.10", "0.20", nil, "0.05"))]
        let calls = [call(.sum, 0, .decimal(precision: 38, scale: 2)), call(.avg, 0, .decimal(precision: 38, scale: 6))]
        #expect(try aggregate(Schema([Field("x", d)]), keys: [], calls, data) == [[dec("0.35"), dec("0.116667")]])
    }

    @Test func decimalSumOverflowIsAnError() {
        let max = String(repeating: "9", count: 38)
        let data = [batch(decimals(38, 0, max, "1"))]
        let error = engineError {
            try aggregate(Schema([Field("x", .decimal(precision: 38, scale: 0))]), keys: [],
                          [call(.sum, 0, .decimal(precision: 38, scale: 0))], data)
        }
        #expect(error?.kind == .decimalOverflow)
    }

    @Test func averageOfIntsRoundsHalfAway() throws {
        let data = [batch(ints(1, 2, 2), ints(-1, -2, -2))]
        let calls = [call(.avg, 0, .decimal(precision: 38, scale: 6)), call(.avg, 1, .decimal(precision: 38, scale: 6))]
        #expect(try aggregate(schema(.int, .int), keys: [], calls, data) == [[dec("1.666667"), dec("-1.666667")]])
    }

    @Test func doubleSumAndAverage() throws {
        let data = [batch(doubles(1.5, nil, 2.5))]
        #expect(try aggregate(schema(.double), keys: [], [call(.sum, 0, .double), call(.avg, 0, .double)], data)
                == [[.double(4), .double(2)]])
    }

    @Test func countDistinctPerGroup() throws {
        let data = [batch(ints(1, 1, 1, 2), strings("x", "y", "x", "x")), batch(ints(1, 2, 2), strings(nil, "x", "z"))]
        #expect(try aggregate(schema(.int, .string), keys: [0], [call(.countDistinct, 1, .int)], data)
                == [[.int(1), .int(2)], [.int(2), .int(2)]])
    }

    @Test func minMaxFirstOnStringsBoolsAndDates() throws {
        let data = [batch(ints(1, 1, 1), strings(nil, "b", "a"), bools(true, false, nil),
                          column(.date, [.date(5), .null, .date(-3)]))]
        let calls = [call(.min, 1, .string), call(.max, 1, .string), call(.first, 1, .string),
                     call(.min, 2, .bool), call(.max, 2, .bool), call(.min, 3, .date), call(.any, 3, .date)]
        #expect(try aggregate(schema(.int, .string, .bool, .date), keys: [0], calls, data) == [
            [.int(1), .string("a"), .string("b"), .string("b"), .bool(false), .bool(true), .date(-3), .date(5)],
        ])
    }

    @Test func minMaxFirstOfLongStringsMatchByteOrder() throws {
        // Values around the 32 bytes kept inline, equal up to there or differing only past it.
        let stem = String(repeating: "x", count: 32)
        let values = [stem, stem + "b", stem + "a", stem + "\u{0}", stem + "ab", String(stem.dropLast()) + "é",
                      String(stem.dropLast()), stem + "b", "", stem + String(repeating: "q", count: 100)]
        var rows: [[Value]] = []
        for i in 0..<2000 { rows.append([.int(Int64(i % 7)), .string(values[(i * 31 + i / 7) % values.count])]) }
        let data = stride(from: 0, to: rows.count, by: 300).map { start in
            let part = rows[start..<min(start + 300, rows.count)]
            return batch(column(.int, part.map { $0[0] }), column(.string, part.map { $0[1] }))
        }
        let calls = [call(.min, 1, .string), call(.max, 1, .string), call(.first, 1, .string), call(.countStar, nil, .int)]
        let got = try aggregate(schema(.int, .string), keys: [0], calls, data)
        var expected: [[Value]] = []
        for k in 0..<7 {
            let group = rows.filter { $0[0] == .int(Int64(k)) }.map { row -> [UInt8] in
                if case .string(let s) = row[1] { return Array(s.utf8) } else { return [] }
            }
            let lt: ([UInt8], [UInt8]) -> Bool = { $0.lexicographicallyPrecedes($1) }
            let text = { (b: [UInt8]) -> Value in .string(String(decoding: b, as: UTF8.self)) }
            expected.append([.int(Int64(k)), text(group.min(by: lt)!), text(group.max(by: lt)!), text(group[0]),
                             .int(Int64(group.count))])
        }
        #expect(got == expected)
    }

    @Test func multiColumnKeysAcrossManyGroups() throws {
        // Enough groups to make the table grow several times.
        let n = 5000
        let a = column(.int, (0..<n).map { .int(Int64($0 % 100)) })
        let b = column(.string, (0..<n).map { .string("k\($0 % 70)") })
        let result = try aggregate(schema(.int, .string), keys: [0, 1], [call(.countStar, nil, .int)], [batch(a, b)])
        #expect(result.count == 700)  // lcm(100, 70)
        #expect(result.allSatisfy { $0[2] == .int(Int64(n / 700)) } == false)  // 5000 is not a multiple of 700
        #expect(result.reduce(0) { total, row in if case .int(let c) = row[2] { total + Int(c) } else { total } } == n)
        #expect(result[0] == [.int(0), .string("k0"), .int(8)])
    }

    /// Single int and string keys, each seen three times in one batch while the table grows from
    /// its first size: every group is found again after the growths and counted once per row.
    @Test(arguments: [DataType.int, .string])
    func singleKeysWhileTheTableGrowsWithinABatch(type: DataType) throws {
        let keys = 20_000
        let rows = (0..<(3 * keys)).map { i -> Value in
            let k = (i * 7919) % keys  // every key three times, spread out
            return type == .int ? .int(Int64(k) * 1_000_003) : .string("key-\(k)-" + String(repeating: "x", count: k % 30))
        }
        let result = try aggregate(schema(type), keys: [0], [call(.countStar, nil, .int)], [batch(column(type, rows))])
        #expect(result.count == keys)
        #expect(result.allSatisfy { $0[1] == .int(3) })
        #expect(result.map { $0[0] } == Array(rows.prefix(keys)))  // first-seen order
    }
}
