import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct LogicTests {
    // Truth tables over (a, b) with nil as SQL null.
    static let pairs: [(Bool?, Bool?)] = [
        (true, true), (true, false), (true, nil), (false, true), (false, false),
        (false, nil), (nil, true), (nil, false), (nil, nil),
    ]

    static func sqlAnd(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }

    static func sqlOr(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == true || b == true { return true }
        if a == nil || b == nil { return nil }
        return false
    }

    private func values(_ v: [Bool?]) -> [Value] { v.map { $0.map(Value.bool) ?? .null } }

    @Test(arguments: [true, false])
    func andOrTruthTable(isAnd: Bool) throws {
        let a = Self.pairs.map(\.0), b = Self.pairs.map(\.1)
        let input = batch(column(.bool, values(a)), column(.bool, values(b)))
        let expr = BoundExpr.logical(isAnd: isAnd, col(0, .bool), col(1, .bool), type: ty(.bool))
        let expected = Self.pairs.map { isAnd ? Self.sqlAnd($0.0, $0.1) : Self.sqlOr($0.0, $0.1) }
        #expect(try eval(expr, input) == values(expected))
    }

    @Test func notKeepsNull() throws {
        #expect(try eval(.not(col(0, .bool)), batch(bools(true, false, nil))) == [.bool(false), .bool(true), .null])
    }

    @Test func isNullNeverNull() throws {
        let input = batch(ints(1, nil, 3))
        #expect(try eval(.isNull(col(0, .int), negated: false), input) == [.bool(false), .bool(true), .bool(false)])
        #expect(try eval(.isNull(col(0, .int), negated: true), input) == [.bool(true), .bool(false), .bool(true)])
    }

    @Test func andSkipsRightSideWhereLeftIsFalse() throws {
        // d <> 0 and 10 / d > 1 must not divide by zero on the row where d = 0.
        let input = batch(ints(0, 5, 20, nil))
        let guardExpr = BoundExpr.comparison(.notEqual, col(0, .int), lit(.int(0), .int), type: ty(.bool))
        let division = BoundExpr.arithmetic(.divide, lit(.int(10), .int), col(0, .int), type: ty(.int))
        let test = BoundExpr.comparison(.greater, division, lit(.int(1), .int), type: ty(.bool))
        let expr = BoundExpr.logical(isAnd: true, guardExpr, test, type: ty(.bool))
        #expect(try eval(expr, input) == [.bool(false), .bool(true), .bool(false), .null])
    }

    @Test func inListSemantics() throws {
        let input = batch(ints(1, 2, nil, 4))
        let list = [lit(.int(1), .int), lit(.int(3), .int)]
        let plain = BoundExpr.inList(col(0, .int), list, negated: false, type: ty(.bool))
        #expect(try eval(plain, input) == [.bool(true), .bool(false), .null, .bool(false)])
        let negated = BoundExpr.inList(col(0, .int), list, negated: true, type: ty(.bool))
        #expect(try eval(negated, input) == [.bool(false), .bool(true), .null, .bool(true)])
        // A null item: no match gives null, a match still gives true.
        let withNull = BoundExpr.inList(col(0, .int), list + [lit(.null, .int)], negated: false, type: ty(.bool))
        #expect(try eval(withNull, input) == [.bool(true), .null, .null, .null])
        let notInWithNull = BoundExpr.inList(col(0, .int), list + [lit(.null, .int)], negated: true, type: ty(.bool))
        #expect(try eval(notInWithNull, input) == [.bool(false), .null, .null, .null])
    }

    @Test func inListOnStrings() throws {
        let input = batch(strings("a", "b", "é"))
        let expr = BoundExpr.inList(col(0, .string), [lit(.string("é"), .string), lit(.string("a"), .string)],
                                    negated: false, type: ty(.bool))
        #expect(try eval(expr, input) == [.bool(true), .bool(false), .bool(true)])
    }

    @Test func caseWhenTakesFirstTrueBranch() throws {
        // case when x > 10 then 'big' when x > 0 then 'small' else 'other' end; null x -> else.
        let input = batch(ints(50, 5, -1, nil))
        let big = CaseBranch(condition: .comparison(.greater, col(0, .int), lit(.int(10), .int), type: ty(.bool)),
                             result: lit(.string("big"), .string))
        let small = CaseBranch(condition: .comparison(.greater, col(0, .int), lit(.int(0), .int), type: ty(.bool)),
                               result: lit(.string("small"), .string))
        let expr = BoundExpr.caseWhen([big, small], otherwise: lit(.string("other"), .string), type: ty(.string))
        #expect(try eval(expr, input) == [.string("big"), .string("small"), .string("other"), .string("other")])
        let noElse = BoundExpr.caseWhen([big, small], otherwise: nil, type: ty(.string))
        #expect(try eval(noElse, input) == [.string("big"), .string("small"), .null, .null])
    }

    @Test func caseWhenEvaluatesResultsOnlyOnTheirRows() throws {
        // case when d <> 0 then n / d else 0 end
        let input = batch(ints(10, 7, nil), ints(0, 2, 1))
        let branch = CaseBranch(condition: .comparison(.notEqual, col(1, .int), lit(.int(0), .int), type: ty(.bool)),
                                result: .arithmetic(.divide, col(0, .int), col(1, .int), type: ty(.int)))
        let expr = BoundExpr.caseWhen([branch], otherwise: lit(.int(0), .int), type: ty(.int))
        #expect(try eval(expr, input) == [.int(0), .int(3), .null])
    }

    @Test func coalescePicksFirstNonNull() throws {
        let input = batch(ints(1, nil, nil), ints(10, 20, nil))
        let expr = BoundExpr.function(.coalesce, [col(0, .int), col(1, .int), lit(.int(-1), .int)], type: ty(.int))
        #expect(try eval(expr, input) == [.int(1), .int(20), .int(-1)])
        let allNull = BoundExpr.function(.coalesce, [col(0, .int), col(1, .int)], type: ty(.int))
        #expect(try eval(allNull, input) == [.int(1), .int(20), .null])
    }

    @Test func coalesceDoesNotEvaluateLaterArgumentsNeedlessly() throws {
        // coalesce(a, 1 / b) where b = 0 only on rows where a is set.
        let input = batch(ints(5, nil), ints(0, 4))
        let expr = BoundExpr.function(.coalesce, [col(0, .int), .arithmetic(.divide, lit(.int(8), .int), col(1, .int), type: ty(.int))],
                                      type: ty(.int))
        #expect(try eval(expr, input) == [.int(5), .int(2)])
    }

    @Test func untypedNullOperandsGiveNull() throws {
        let input = batch(ints(1, 2))
        #expect(try eval(.arithmetic(.add, col(0, .int), lit(.null, .null), type: ty(.int)), input) == [.null, .null])
        #expect(try eval(.function(.abs, [lit(.null, .null)], type: ty(.int)), input) == [.null, .null])
        #expect(try eval(.negate(lit(.null, .null), type: ty(.int)), input) == [.null, .null])
        // A null branch result takes the case's type.
        let branch = CaseBranch(condition: .comparison(.equal, col(0, .int), lit(.int(1), .int), type: ty(.bool)),
                                result: lit(.null, .null))
        let expr = BoundExpr.caseWhen([branch], otherwise: col(0, .int), type: ty(.int))
        #expect(try eval(expr, input) == [.null, .int(2)])
    }

    @Test func caseBranchesOfDifferentScalesAreConformed() throws {
        let input = batch(bools(true, false))
        let branch = CaseBranch(condition: col(0, .bool), result: lit(dec("1.5"), .decimal(precision: 2, scale: 1)))
        let expr = BoundExpr.caseWhen([branch], otherwise: lit(.int(2), .int), type: ty(.decimal(precision: 10, scale: 2)))
        #expect(try eval(expr, input) == [dec("1.50"), dec("2.00")])
    }
}
