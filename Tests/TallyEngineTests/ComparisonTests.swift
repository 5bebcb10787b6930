import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct ComparisonTests {
    private func compare(_ op: ComparisonOp, _ a: Column, _ b: Column) throws -> [Value] {
        try eval(.comparison(op, col(0, a.type), col(1, b.type), type: ty(.bool)), batch(a, b))
    }

    @Test(arguments: [
        (ComparisonOp.equal, [true, false, false]),
        (.notEqual, [false, true, true]),
        (.less, [false, true, false]),
        (.lessOrEqual, [true, true, false]),
        (.greater, [false, false, true]),
        (.greaterOrEqual, [true, false, true]),
    ])
    func operatorsOnInts(op: ComparisonOp, expected: [Bool]) throws {
        #expect(try compare(op, ints(2, 1, 3, nil), ints(2, 2, 2, 2)) == expected.map(Value.bool) + [.null])
    }

    @Test func stringsCompareByUTF8Bytes() throws {
        // 'B' (0x42) < 'a' (0x61) < 'é' (0xC3 0xA9); a prefix sorts first.
        #expect(try compare(.less, strings("B", "a", "ab", "é"), strings("a", "é", "a", "z"))
                == [.bool(true), .bool(true), .bool(false), .bool(false)])
        #expect(try compare(.equal, strings("é", "e", nil), strings("é", "é", "x")) == [.bool(true), .bool(false), .null])
    }

    @Test func boolsAndDoubles() throws {
        #expect(try compare(.less, bools(false, true, true), bools(true, true, false)) == [.bool(true), .bool(false), .bool(false)])
        #expect(try compare(.equal, doubles(.nan, 0.0), doubles(.nan, -0.0)) == [.bool(false), .bool(true)])
    }

    @Test func datesCompareWithTimestamps() throws {
        let dates = column(.date, [.date(1), .date(1)])
        let stamps = column(.timestamp, [.timestamp(86_400_000_000), .timestamp(86_400_000_001)])
        #expect(try compare(.equal, dates, stamps) == [.bool(true), .bool(false)])
    }

    @Test func nullLiteralComparesToNull() throws {
        let expr = BoundExpr.comparison(.equal, col(0, .int), lit(.null, .null), type: ty(.bool))
        #expect(try eval(expr, batch(ints(1, nil))) == [.null, .null])
    }
}
