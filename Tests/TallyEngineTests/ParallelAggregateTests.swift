import Testing
import TallyCompiler
@testable import TallyEngine

/// Parallel partial aggregation must give exactly the single-threaded result (or the same error).
@Suite struct ParallelAggregateTests {
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    // Columns: c0 string key, c1 int key, c2 int value, c3 decimal(12,2), c4 string value,
    // c5 bool, c6 date, c7 double.
    static let input = schema(.string, .int, .int, .decimal(precision: 12, scale: 2), .string, .bool, .date, .double)

    /// String values: short ones, and ones around the 16 and 32 bytes kept inline, sharing prefixes.
    static let stringValues = ["", "a", "ab", "b", "zz", "zzzzzzzzzzzzzzzzzzz1", "zzzzzzzzzzzzzzzzzzz0", "é",
                               String(repeating: "z", count: 32), String(repeating: "z", count: 32) + "\u{0}",
                               String(repeating: "z", count: 33), String(repeating: "z", count: 35) + "a0",
                               String(repeating: "z", count: 35) + "a1", String(repeating: "z", count: 31) + "é"]

    /// Random rows; `huge` draws ints near the limits so that sums overflow in some orders.
    static func rows(_ rng: inout Rng, count: Int, keys: Int, huge: Bool) -> [[Value]] {
        (0..<count).map { _ in
            let k = rng.below(keys)
            let big = Int64.max / 3
            let int: Value = rng.chance(15) ? .null
                : huge ? .int([big, -big, big, 7, -7][rng.below(5)]) : .int(Int64(rng.below(200)) - 50)
            return [
                rng.chance(10) ? .null : .string("k\(k)"),
                rng.chance(10) ? .null : .int(Int64(k % 7)),
                int,
                rng.chance(20) ? .null : .decimal(Int128(rng.below(100_000)) - 20_000, scale: 2),
                rng.chance(20) ? .null : .string(Self.stringValues[rng.below(Self.stringValues.count)]),
                rng.chance(20) ? .null : .bool(rng.chance(50)),
                rng.chance(20) ? .null : .date(Int32(rng.below(1000))),
                rng.chance(20) ? .null : .double(Double(rng.below(1000)) / 8),
            ]
        }
    }

    /// Batches of `rows` cut at random sizes (some empty).
    static func batches(_ rows: ArraySlice<[Value]>, _ rng: inout Rng) -> [Batch] {
        var out: [Batch] = []
        var i = rows.startIndex
        while i < rows.endIndex || out.isEmpty {
            let n = min(rng.below(40), rows.endIndex - i)
            let part = rows[i..<(i + n)]
            out.append(Batch(columns: input.fields.indices.map { c in column(input[c].type, part.map { $0[c] }) }, count: n))
            i += n
            if n == 0 && rng.chance(50) { break }
        }
        if i < rows.endIndex { out += batches(rows[i...], &rng) }
        return out
    }

    static func call(_ f: AggregateFunction, _ arg: Int?, _ type: DataType) -> AggregateCall {
        AggregateCall(f, argument: arg, type: ExprType(type, nullable: true))
    }

    /// Every aggregate function over every column type it accepts.
    static let calls: [AggregateCall] = {
        let dec = DataType.decimal(precision: 12, scale: 2)
        var c = [call(.countStar, nil, .int), call(.count, 2, .int), call(.count, 4, .int),
                 call(.sum, 2, .int), call(.sum, 3, .decimal(precision: 38, scale: 2)),
                 call(.avg, 2, .decimal(precision: 38, scale: 6)), call(.avg, 3, .decimal(precision: 38, scale: 6)),
                 call(.countDistinct, 4, .int), call(.countDistinct, 2, .int), call(.countDistinct, 0, .int)]
        for f in [AggregateFunction.min, .max, .first, .any] {
            c += [call(f, 2, .int), call(f, 3, dec), call(f, 4, .string), call(f, 5, .bool), call(f, 6, .date)]
        }
        c += [call(.first, 7, .double), call(.count, 7, .int)]
        return c
    }()

    static func plan(keys: [Int], calls: [AggregateCall], over inputPlan: PhysicalPlan) -> PhysicalPlan {
        let s = inputPlan.schema
        let types = keys.map { s[$0].type } + calls.map(\.type.type)
        return .hashAggregate(HashAggregateExec(input: inputPlan, groupKeys: keys, aggregates: calls,
                                                schema: Schema(types.enumerated().map { Field("o\($0.offset)", $0.element) })))
    }

    enum Outcome: Equatable {
        case rows([[Value]])
        case failure(EngineError.Kind)
    }

    /// Runs `plan` single-threaded over `rows`, and with `parts` partitions cut at random points.
    static func both(_ plan: PhysicalPlan, _ rows: [[Value]], parts: Int, _ rng: inout Rng) -> (Outcome, Outcome, Int) {
        let whole = batches(rows[...], &rng)
        var cuts = (0..<(parts - 1)).map { _ in rng.below(rows.count + 1) }.sorted()
        cuts = [0] + cuts + [rows.count]
        let partitions = (0..<parts).map { p in batches(rows[cuts[p]..<cuts[p + 1]], &rng) }
        let single = ClosureExecutionContext(scan: { _ in MaterializedStream(whole) })
        let calledBox = Counter()
        let split = ClosureExecutionContext(scan: { _ in MaterializedStream(whole) }, partitions: { _, count in
            calledBox.value += 1
            return partitions.map { MaterializedStream($0) }
        })
        func outcome(_ body: () throws -> [Batch]) -> Outcome {
            do { return .rows(try body().flatMap(\.rows)) } catch let e as EngineError { return .failure(e.kind) } catch {
                return .failure(.planMismatch)
            }
        }
        let a = outcome { try PlanExecutor().run(plan, context: single) }
        let b = outcome { try PlanExecutor(threads: parts).run(plan, context: split) }
        return (a, b, calledBox.value)
    }

    final class Counter: @unchecked Sendable { var value = 0 }

    @Test(arguments: [1, 2, 3, 4])
    func randomDataAllFunctionsMatchSingleThreaded(parts: Int) {
        var rng = Rng(s: UInt64(parts) * 1000)
        for round in 0..<12 {
            let rows = Self.rows(&rng, count: [0, 1, 5, 60, 400][round % 5], keys: [3, 50, 500][round % 3], huge: false)
            for keys in [[0], [1], [0, 1], []] {
                let plan = Self.plan(keys: keys, calls: Self.calls, over: scan("t", Self.input))
                let (a, b, called) = Self.both(plan, rows, parts: parts, &rng)
                #expect(a == b, "round \(round) keys \(keys) parts \(parts)")
                if parts > 1 { #expect(called == 1) }
            }
        }
    }

    @Test(arguments: [2, 3, 4])
    func overflowErrorsMatchSingleThreaded(parts: Int) {
        var rng = Rng(s: 77 + UInt64(parts))
        var failures = 0, successes = 0
        for _ in 0..<60 {
            let rows = Self.rows(&rng, count: 1 + rng.below(12), keys: 2, huge: true)
            for keys in [[1], []] {
                let plan = Self.plan(keys: keys, calls: [Self.call(.sum, 2, .int), Self.call(.first, 2, .int)],
                                     over: scan("t", Self.input))
                let (a, b, _) = Self.both(plan, rows, parts: parts, &rng)
                #expect(a == b)
                if case .failure = a { failures += 1 } else { successes += 1 }
            }
        }
        // The data must exercise both outcomes.
        #expect(failures > 5 && successes > 5)
    }

    @Test func decimalOverflowAcrossPartitions() {
        let dec = DataType.decimal(precision: 38, scale: 0)
        let big = Int128(99_999_999_999_999_999_999_999_999_999_999_999)  // 35 digits
        let values: [Value] = Array(repeating: .decimal(big, scale: 0), count: 2000) + [.decimal(-big, scale: 0)]
        let input = Schema([Field("x", dec)])
        let data = values.map { [$0] }
        let plan = PhysicalPlan.hashAggregate(HashAggregateExec(
            input: scan("t", input), groupKeys: [], aggregates: [Self.call(.sum, 0, .decimal(precision: 38, scale: 0))],
            schema: Schema([Field("s", .decimal(precision: 38, scale: 0))])))
        let whole = [Batch(columns: [column(dec, data.map { $0[0] })], count: data.count)]
        let parts = [Array(whole[0].slice(0..<1000).columns), Array(whole[0].slice(1000..<data.count).columns)]
            .map { Batch(columns: $0, count: $0[0].count) }
        let context = ClosureExecutionContext(scan: { _ in MaterializedStream(whole) },
                                              partitions: { _, _ in parts.map { MaterializedStream([$0]) } })
        #expect(engineError { try PlanExecutor().run(plan, context: context) }?.kind == .decimalOverflow)
        #expect(engineError { try PlanExecutor(threads: 2).run(plan, context: context) }?.kind == .decimalOverflow)
    }

    @Test func sumsAreExactWhateverTheRowOrder() throws {
        let plan = Self.plan(keys: [], calls: [Self.call(.sum, 0, .int)], over: scan("t", schema(.int)))
        func run(_ data: [Batch], threads: Int) throws -> [[Value]] {
            let context = ClosureExecutionContext(scan: { _ in MaterializedStream(data) },
                                                  partitions: { _, _ in data.map { MaterializedStream([$0]) } })
            return try PlanExecutor(threads: threads).run(plan, context: context).flatMap(\.rows)
        }
        // Running sums leave the int range (max, then +1), the total does not: no error, one pass or two.
        for data in [[batch(ints(Int64.max)), batch(ints(1, -1))], [batch(ints(-5)), batch(ints(Int64.max, 5))],
                     [batch(ints(Int64.min, Int64.min)), batch(ints(Int64.max, Int64.max, 2))]] {
            let expected = try run(data, threads: 1)
            #expect(try run(data, threads: 2) == expected)
            #expect(expected.count == 1)
        }
        #expect(try run([batch(ints(Int64.max)), batch(ints(1, -1))], threads: 1) == [[.int(Int64.max)]])
        // A total outside the range is an error however the rows are split.
        let over = [batch(ints(Int64.max, 1)), batch(ints(1, -1))]
        #expect(engineError { try run(over, threads: 1) }?.kind == .integerOverflow)
        #expect(engineError { try run(over, threads: 2) }?.kind == .integerOverflow)
    }

    @Test func decimalSumsAreExactWhateverTheRowOrder() throws {
        let dec = DataType.decimal(precision: 38, scale: 0)
        let big = Int128(99_999_999_999_999_999_999_999_999_999_999_999_999)  // 38 nines
        // The Int128 sum wraps twice on the way up and twice on the way down; the total is `big`.
        let values: [Int128] = [big, big, big, big, -big, -big, -big, big, -big]
        let input = Schema([Field("x", dec)])
        let plan = PhysicalPlan.hashAggregate(HashAggregateExec(
            input: scan("t", input), groupKeys: [], aggregates: [Self.call(.sum, 0, dec)], schema: Schema([Field("s", dec)])))
        let whole = [Batch(columns: [column(dec, values.map { .decimal($0, scale: 0) })], count: values.count)]
        let parts = [whole[0].slice(0..<3), whole[0].slice(3..<values.count)]
        let context = ClosureExecutionContext(scan: { _ in MaterializedStream(whole) },
                                              partitions: { _, _ in parts.map { MaterializedStream([$0]) } })
        #expect(try PlanExecutor().run(plan, context: context).flatMap(\.rows) == [[.decimal(big, scale: 0)]])
        #expect(try PlanExecutor(threads: 2).run(plan, context: context).flatMap(\.rows) == [[.decimal(big, scale: 0)]])
    }

    @Test func filterAndProjectRunPerPartition() throws {
        var rng = Rng(s: 5)
        let rows = Self.rows(&rng, count: 300, keys: 40, huge: false)
        let filtered = PhysicalPlan.filter(FilterExec(
            input: scan("t", Self.input),
            predicate: .comparison(.greater, col(2, .int), lit(.int(0), .int), type: ty(.bool))))
        let projected = PhysicalPlan.project(ProjectExec(
            input: filtered, expressions: [col(4, .string), col(0, .string), col(2, .int)],
            schema: schema(.string, .string, .int)))
        let plan = Self.plan(keys: [0], calls: [Self.call(.sum, 2, .int), Self.call(.first, 1, .string),
                                                Self.call(.countStar, nil, .int)], over: projected)
        for parts in 2...4 {
            let (a, b, called) = Self.both(plan, rows, parts: parts, &rng)
            #expect(a == b)
            #expect(called == 1)
        }
    }

    @Test func firstErrorInPartitionOrderWins() {
        // Partition 0 divides by zero, partition 1 overflows: the division error is reported.
        let data = [batch(ints(1, 0)), batch(ints(Int64.max))]
        let square = BoundExpr.arithmetic(.multiply, col(0, .int), col(0, .int), type: ty(.int))
        let expr = BoundExpr.arithmetic(.add, square, .arithmetic(.divide, lit(.int(6), .int), col(0, .int), type: ty(.int)),
                                        type: ty(.int))
        let projected = PhysicalPlan.project(ProjectExec(input: scan("t", schema(.int)), expressions: [expr, col(0, .int)],
                                                         schema: schema(.int, .int)))
        let plan = Self.plan(keys: [], calls: [Self.call(.sum, 1, .int)], over: projected)
        let context = ClosureExecutionContext(scan: { _ in MaterializedStream(data) },
                                              partitions: { _, _ in data.map { MaterializedStream([$0]) } })
        #expect(engineError { try PlanExecutor(threads: 2).run(plan, context: context) }?.kind == .divisionByZero)
    }

    @Test func zeroRowsAndEmptyPartitions() throws {
        let calls = [Self.call(.countStar, nil, .int), Self.call(.sum, 0, .int), Self.call(.max, 1, .string)]
        let context = ClosureExecutionContext(scan: { _ in MaterializedStream([]) },
                                              partitions: { _, n in (0..<n).map { _ in MaterializedStream([]) } })
        let global = Self.plan(keys: [], calls: calls, over: scan("t", schema(.int, .string)))
        #expect(try PlanExecutor(threads: 3).run(global, context: context).flatMap(\.rows) == [[.int(0), .null, .null]])
        let grouped = Self.plan(keys: [1], calls: calls, over: scan("t", schema(.int, .string)))
        #expect(try PlanExecutor(threads: 3).run(grouped, context: context).flatMap(\.rows).isEmpty)
    }

    @Test func defaultContextDoesNotSplit() throws {
        let data = [batch(strings("a", "b", "a"), ints(1, 2, 3))]
        let plan = Self.plan(keys: [0], calls: [Self.call(.sum, 1, .int)], over: scan("t", schema(.string, .int)))
        let context = ClosureExecutionContext(scan: { _ in MaterializedStream(data) })
        #expect(try PlanExecutor(threads: 4).run(plan, context: context).flatMap(\.rows)
                == [[.string("a"), .int(4)], [.string("b"), .int(2)]])
    }

    @Test func largeStringAndIntKeyTablesGrow() throws {
        // Enough groups to grow the tables many times, long keys (beyond the 16 inline bytes).
        let n = 30_000
        let keys = column(.string, (0..<n).map { .string("a-rather-long-group-key-\($0 % 9_000)") })
        let ints = column(.int, (0..<n).map { .int(Int64($0 % 9_000) * 1_000_003) })
        let values = column(.int, (0..<n).map { .int(Int64($0)) })
        let data = [Batch(columns: [keys, ints, values], count: n)]
        for k in [0, 1] {
            let plan = Self.plan(keys: [k], calls: [Self.call(.sum, 2, .int), Self.call(.max, 0, .string)],
                                 over: scan("t", schema(.string, .int, .int)))
            let rows = try run(plan, ["t": data])
            #expect(rows.count == 9_000)
            var expected: Int64 = 0
            for i in stride(from: 8_999, to: n, by: 9_000) { expected += Int64(i) }
            #expect(rows[8_999][1] == Value.int(expected))
        }
    }
}
