import Testing
import TallyDiagnostics
@testable import TallyCompiler

/// W302: a column that only an outer join can leave null, written by a sink without `coalesce`.
@Suite struct OuterJoinNullTests {
    static func spec(derive: String, joinType: String = "left") -> String {
        """
        version: 1
        warehouse: sqlite:w.db
        sources:
          inventory:
            path: inv.csv
            columns: {sku: string not null, opening_stock: int not null}
          sales:
            path: s.csv
            columns: {sku: string not null, qty: int not null}
        transforms:
          totals:
            from: sales
            steps:
              - aggregate: {group_by: [sku], measures: {sold: sum(qty), n: count(*)}}
          recon:
            from: inventory
            steps:
              - join: {with: totals, type: \(joinType), on: [sku]}
              - derive:
                  \(derive)
        sinks:
          out: {type: warehouse, from: recon, table: recon, mode: replace}

        """
    }

    func warnings(_ text: String) throws -> [Diagnostic] {
        try compileOK(text).1.all.filter { $0.code == .outerJoinNull }
    }

    @Test func aCountFromTheRightSideOfALeftJoinIsFlagged() throws {
        let found = try warnings(Self.spec(derive: "left_over: opening_stock - sold"))
        #expect(found.map(\.message) == ["column `n` written by sink `out` is null wherever the outer join found no match"])
        #expect(found.first.map { pos($0.span.start) } == "22:32")
        #expect(found.first?.notes.first?.span.map { pos($0.start) } == "18:9")
    }

    @Test func coalesceClearsIt() throws {
        #expect(try warnings(Self.spec(derive: "n: coalesce(n, 0)")).isEmpty)
    }

    @Test func derivedValuesKeepTheOrigin() throws {
        let found = try warnings(Self.spec(derive: "n: n + 1"))
        #expect(found.map(\.message) == ["column `n` written by sink `out` is null wherever the outer join found no match"])
    }

    @Test func anInnerJoinLeavesNothingNull() throws {
        #expect(try warnings(Self.spec(derive: "x: 1", joinType: "inner")).isEmpty)
    }

    @Test func aRightJoinFlagsTheLeftSide() throws {
        let found = try warnings(Self.spec(derive: "x: 1", joinType: "right"))
        #expect(found.map(\.message) == ["column `opening_stock` written by sink `out` is null wherever the outer join found no match"])
    }
}
