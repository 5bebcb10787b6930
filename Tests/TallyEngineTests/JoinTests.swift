import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct JoinTests {
    // Left: (key, label); right: (key, value). Duplicates and null keys on both sides.
    let leftData = [batch(ints(1, 2, nil, 3), strings("l1", "l2", "lnull", "l3")), batch(ints(1), strings("l1b"))]
    let rightData = [batch(ints(1, 4, 1), strings("r1", "r4", "r1b")), batch(ints(nil, 2), strings("rnull", "r2"))]

    private func join(_ kind: JoinKind, _ output: [JoinColumn]) throws -> [[String]] {
        let plan = PhysicalPlan.hashJoin(HashJoinExec(
            left: scan("l", schema(.int, .string)), right: scan("r", schema(.int, .string)), kind: kind,
            leftKeys: [0], rightKeys: [0], output: output, schema: schema(.int, .string, .string)))
        return try run(plan, ["l": leftData, "r": rightData]).map { $0.map(\.description) }
    }

    private let all: [JoinColumn] = [.coalesce(left: 0, right: 0), .left(1), .right(1)]

    @Test func inner() throws {
        #expect(try join(.inner, all) == [
            ["1", "l1", "r1"], ["1", "l1", "r1b"], ["2", "l2", "r2"], ["1", "l1b", "r1"], ["1", "l1b", "r1b"],
        ])
    }

    @Test func left() throws {
        #expect(try join(.left, all) == [
            ["1", "l1", "r1"], ["1", "l1", "r1b"], ["2", "l2", "r2"], ["null", "lnull", "null"],
            ["3", "l3", "null"], ["1", "l1b", "r1"], ["1", "l1b", "r1b"],
        ])
    }

    @Test func right() throws {
        #expect(try join(.right, all) == [
            ["1", "l1", "r1"], ["1", "l1", "r1b"], ["2", "l2", "r2"], ["1", "l1b", "r1"], ["1", "l1b", "r1b"],
            ["4", "null", "r4"], ["null", "null", "rnull"],
        ])
    }

    @Test func full() throws {
        #expect(try join(.full, all) == [
            ["1", "l1", "r1"], ["1", "l1", "r1b"], ["2", "l2", "r2"], ["null", "lnull", "null"],
            ["3", "l3", "null"], ["1", "l1b", "r1"], ["1", "l1b", "r1b"],
            ["4", "null", "r4"], ["null", "null", "rnull"],
        ])
    }

    @Test func semiOutputsEachMatchingLeftRowOnce() throws {
        #expect(try join(.semi, [.left(0), .left(1)]) == [["1", "l1"], ["2", "l2"], ["1", "l1b"]])
    }

    @Test func antiKeepsUnmatchedAndNullKeys() throws {
        #expect(try join(.anti, [.left(0), .left(1)]) == [["null", "lnull"], ["3", "l3"]])
    }

    @Test func multiColumnStringKeysAndEmptyRight() throws {
        let l = [batch(strings("a", "a", "b"), ints(1, 2, 1))]
        let r = [batch(strings("a", "b", "a"), ints(2, 1, 1), doubles(0.5, 1.5, 2.5))]
        let plan = PhysicalPlan.hashJoin(HashJoinExec(
            left: scan("l", schema(.string, .int)), right: scan("r", schema(.string, .int, .double)), kind: .inner,
            leftKeys: [0, 1], rightKeys: [0, 1], output: [.left(0), .left(1), .right(2)],
            schema: schema(.string, .int, .double)))
        #expect(try run(plan, ["l": l, "r": r]) == [
            [.string("a"), .int(1), .double(2.5)], [.string("a"), .int(2), .double(0.5)], [.string("b"), .int(1), .double(1.5)],
        ])
        let leftJoin = PhysicalPlan.hashJoin(HashJoinExec(
            left: scan("l", schema(.string, .int)), right: scan("r", schema(.string, .int, .double)), kind: .left,
            leftKeys: [0, 1], rightKeys: [0, 1], output: [.left(0), .right(2)], schema: schema(.string, .double)))
        #expect(try run(leftJoin, ["l": l, "r": []]) == [[.string("a"), .null], [.string("a"), .null], [.string("b"), .null]])
    }

    @Test func keysOfDifferentNumericTypesJoinByValue() throws {
        let l = [batch(ints(1, 2, 3))]
        let r = [batch(decimals(10, 2, "2.00", "3.50", "1.00"))]
        let plan = PhysicalPlan.hashJoin(HashJoinExec(
            left: scan("l", schema(.int)), right: scan("r", schema(.decimal(precision: 10, scale: 2))), kind: .inner,
            leftKeys: [0], rightKeys: [0], output: [.left(0), .right(0)], schema: schema(.int, .decimal(precision: 10, scale: 2))))
        #expect(try run(plan, ["l": l, "r": r]) == [[.int(1), dec("1.00")], [.int(2), dec("2.00")]])
    }

    /// The join by nested loops, as documented: left rows in order, each followed by its matches in
    /// right order; then (right, full) the unmatched right rows. Rows are (key, label) pairs.
    static func reference(_ kind: JoinKind, _ l: [(Int64?, String)], _ r: [(Int64?, String)]) -> [[String]] {
        func text(_ k: Int64?) -> String { k.map(String.init) ?? "null" }
        var out: [[String]] = []
        var rightMatched = [Bool](repeating: false, count: r.count)
        for (lk, ll) in l {
            let matches = r.indices.filter { lk != nil && r[$0].0 == lk }
            switch kind {
            case .semi: if !matches.isEmpty { out.append([text(lk), ll]) }
            case .anti: if matches.isEmpty { out.append([text(lk), ll]) }
            default:
                for m in matches { out.append([text(lk), ll, r[m].1]); rightMatched[m] = true }
                if matches.isEmpty && (kind == .left || kind == .full) { out.append([text(lk), ll, "null"]) }
            }
        }
        if kind == .right || kind == .full {
            for (i, (rk, rl)) in r.enumerated() where !rightMatched[i] { out.append([text(rk), "null", rl]) }
        }
        return out
    }

    /// Left sides from empty to larger than the right one, so both build sides are used.
    @Test(arguments: [JoinKind.inner, .left, .right, .full, .semi, .anti])
    func buildSideDoesNotChangeTheResult(kind: JoinKind) throws {
        var state: UInt64 = 11
        func random(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for leftCount in [0, 1, 3, 10, 25, 60] {
            let rows = { (n: Int, tag: String) in
                (0..<n).map { i -> (Int64?, String) in (random(8) == 0 ? nil : Int64(random(12)), "\(tag)\(i)") }
            }
            let l = rows(leftCount, "l"), r = rows(40, "r")
            func batches(_ rows: [(Int64?, String)]) -> [Batch] {
                stride(from: 0, to: rows.count, by: 7).map { s in
                    let part = rows[s..<min(s + 7, rows.count)]
                    return batch(column(.int, part.map { $0.0.map(Value.int) ?? .null }), column(.string, part.map { .string($0.1) }))
                }
            }
            let semiOrAnti = kind == .semi || kind == .anti
            let output: [JoinColumn] = semiOrAnti ? [.left(0), .left(1)] : [.coalesce(left: 0, right: 0), .left(1), .right(1)]
            let plan = PhysicalPlan.hashJoin(HashJoinExec(
                left: scan("l", schema(.int, .string)), right: scan("r", schema(.int, .string)), kind: kind,
                leftKeys: [0], rightKeys: [0], output: output,
                schema: semiOrAnti ? schema(.int, .string) : schema(.int, .string, .string)))
            let got = try run(plan, ["l": batches(l), "r": batches(r)]).map { $0.map(\.description) }
            #expect(got == Self.reference(kind, l, r), "left rows \(leftCount)")
        }
    }
}
