import Testing
import TallyCompiler
@testable import TallyEngine

/// Filter, project, union, limit and distinct.
@Suite struct StreamingOperatorTests {
    let input = schema(.int, .string)
    let rows = [batch(ints(1, 2, 3), strings("a", "b", nil)), batch(ints(4, nil), strings("d", "e"))]

    private func filter(_ predicate: BoundExpr) -> PhysicalPlan {
        .filter(FilterExec(input: scan("t", input), predicate: predicate))
    }

    @Test func filterKeepsOnlyTrueRows() throws {
        let greater = BoundExpr.comparison(.greater, col(0, .int), lit(.int(1), .int), type: ty(.bool))
        #expect(try run(filter(greater), ["t": rows]) == [
            [.int(2), .string("b")], [.int(3), .null], [.int(4), .string("d")],
        ])
    }

    @Test func filterAllAndNone() throws {
        let all = try collect(FilterStream(input: MaterializedStream(rows), predicate: lit(.bool(true), .bool)))
        #expect(all == rows)  // batches pass through untouched
        #expect(try run(filter(lit(.bool(false), .bool)), ["t": rows]).isEmpty)
        #expect(try run(filter(lit(.null, .bool)), ["t": rows]).isEmpty)
        let none = try collect(FilterStream(input: MaterializedStream(rows), predicate: lit(.bool(false), .bool)))
        #expect(none.isEmpty)  // empty results are dropped, not emitted
    }

    @Test func projectComputesColumns() throws {
        let plus = BoundExpr.arithmetic(.add, col(0, .int), lit(.int(10), .int), type: ty(.int))
        let upper = BoundExpr.function(.upper, [col(1, .string)], type: ty(.string))
        let plan = PhysicalPlan.project(ProjectExec(input: scan("t", input), expressions: [upper, plus],
                                                    schema: schema(.string, .int)))
        #expect(try run(plan, ["t": rows]) == [
            [.string("A"), .int(11)], [.string("B"), .int(12)], [.null, .int(13)],
            [.string("D"), .int(14)], [.string("E"), .null],
        ])
    }

    @Test func unionConcatenatesInOrder() throws {
        let plan = PhysicalPlan.union(UnionExec(inputs: [scan("a", input), scan("b", input), scan("a", input)]))
        let result = try run(plan, ["a": [rows[1]], "b": [rows[0]]])
        #expect(result.map { $0[0] } == [.int(4), .null, .int(1), .int(2), .int(3), .int(4), .null])
    }

    @Test func limitStopsEarly() throws {
        let plan = PhysicalPlan.limit(LimitExec(input: scan("t", input), count: 4))
        #expect(try run(plan, ["t": rows]).map { $0[0] } == [.int(1), .int(2), .int(3), .int(4)])
        #expect(try run(.limit(LimitExec(input: scan("t", input), count: 0)), ["t": rows]).isEmpty)
        #expect(try run(.limit(LimitExec(input: scan("t", input), count: 100)), ["t": rows]).count == 5)
    }

    @Test func distinctKeepsFirstOccurrence() throws {
        let data = [batch(ints(1, 2, 1, nil), strings("a", "b", "c", "d")), batch(ints(nil, 3, 2), strings("e", "f", "g"))]
        let byKey = PhysicalPlan.distinct(DistinctExec(input: scan("t", input), keys: [0]))
        #expect(try run(byKey, ["t": data]) == [
            [.int(1), .string("a")], [.int(2), .string("b")], [.null, .string("d")], [.int(3), .string("f")],
        ])
        let dupes = [batch(ints(1, 1, 1, nil, nil), strings("a", "a", "b", nil, nil))]
        let allColumns = PhysicalPlan.distinct(DistinctExec(input: scan("t", input), keys: []))
        #expect(try run(allColumns, ["t": dupes]) == [[.int(1), .string("a")], [.int(1), .string("b")], [.null, .null]])
    }

    @Test func distinctTreatsDoubleZerosAndNaNsAsEqual() throws {
        let data = [batch(doubles(0.0, -0.0, .nan, .nan, 1))]
        let plan = PhysicalPlan.distinct(DistinctExec(input: scan("t", schema(.double)), keys: []))
        #expect(try run(plan, ["t": data]).count == 3)
    }
}
