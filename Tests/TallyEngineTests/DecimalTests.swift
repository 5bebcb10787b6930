import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct DecimalTests {
    private func d(_ p: Int, _ s: Int) -> DataType { .decimal(precision: p, scale: s) }

    private func arith(_ op: ArithmeticOp, _ a: DataType, _ b: DataType, _ result: DataType) -> BoundExpr {
        .arithmetic(op, col(0, a), col(1, b), type: ty(result))
    }

    @Test func additionIsExact() throws {
        let input = batch(decimals(10, 2, "0.10", "-5.55", nil), decimals(10, 2, "0.20", "5.55", "1.00"))
        #expect(try eval(arith(.add, d(10, 2), d(10, 2), d(11, 2)), input) == [dec("0.30"), dec("0.00"), .null])
        #expect(try eval(arith(.subtract, d(10, 2), d(10, 2), d(11, 2)), input) == [dec("-0.10"), dec("-11.10"), .null])
    }

    @Test func multiplicationAddsScales() throws {
        // 1.005 * 3 (the int operand cast to decimal(19,0) by the type checker).
        let input = batch(decimals(10, 3, "1.005", "-2.500"), decimals(19, 0, "3", "3"))
        #expect(try eval(arith(.multiply, d(10, 3), d(19, 0), d(29, 3)), input) == [dec("3.015"), dec("-7.500")])
        let cents = batch(decimals(10, 2, "19.99"), decimals(10, 4, "0.0825"))
        #expect(try eval(arith(.multiply, d(10, 2), d(10, 4), d(21, 6)), cents) == [dec("1.649175")])
    }

    @Test func multiplicationRoundsHalfAwayWhenResultScaleIsSmaller() throws {
        let input = batch(decimals(10, 2, "19.99", "-19.99", "0.02"), decimals(10, 4, "0.0825", "0.0825", "0.25"))
        // 1.649175 -> 1.65, -1.649175 -> -1.65, 0.005 -> 0.01
        #expect(try eval(arith(.multiply, d(10, 2), d(10, 4), d(38, 2)), input) == [dec("1.65"), dec("-1.65"), dec("0.01")])
    }

    @Test func multiplicationUsesFullWidthIntermediates() throws {
        // 10^20 * 10^20 at scales 10+10 is 10^40 unscaled, but 10^20 at the result scale 0.
        let big = "10000000000.0000000000"
        let input = batch(decimals(38, 10, big), decimals(38, 10, big))
        #expect(try eval(arith(.multiply, d(38, 10), d(38, 10), d(38, 0)), input)
                == [dec("100000000000000000000")])
    }

    @Test func divisionRoundsHalfAwayFromZero() throws {
        // Result scale 6: 1/3 = 0.333333, 2/3 = 0.666667, -2/3 = -0.666667, 10.00/4 = 2.500000
        let input = batch(decimals(10, 2, "1.00", "2.00", "-2.00", "10.00"), decimals(10, 0, "3", "3", "3", "4"))
        #expect(try eval(arith(.divide, d(10, 2), d(10, 0), d(38, 6)), input)
                == [dec("0.333333"), dec("0.666667"), dec("-0.666667"), dec("2.500000")])
    }

    @Test func divisionByDecimalWithScale() throws {
        // 1.000 / 0.30 at scale 4 = 3.3333; 0.05 / 0.10 at scale 0 = 0.5 -> 1
        let input = batch(decimals(10, 3, "1.000"), decimals(10, 2, "0.30"))
        #expect(try eval(arith(.divide, d(10, 3), d(10, 2), d(20, 4)), input) == [dec("3.3333")])
        let half = batch(decimals(10, 2, "0.05", "-0.05"), decimals(10, 2, "0.10", "0.10"))
        #expect(try eval(arith(.divide, d(10, 2), d(10, 2), d(10, 0)), half) == [dec("1"), dec("-1")])
    }

    @Test func divisionByZeroIsAnError() {
        let input = batch(decimals(10, 2, "1.50"), decimals(10, 2, "0.00"))
        let error = engineError { try eval(arith(.divide, d(10, 2), d(10, 2), d(20, 6)), input) }
        #expect(error?.kind == .divisionByZero)
        #expect(error?.message == "division by zero in `/`: 1.50 / 0")
    }

    @Test func resultBeyondPrecisionIsAnError() {
        let input = batch(decimals(5, 2, "999.99"), decimals(5, 2, "0.01"))
        let error = engineError { try eval(arith(.add, d(5, 2), d(5, 2), d(5, 2)), input) }
        #expect(error?.kind == .decimalOverflow)
        #expect(error?.message == "decimal overflow in `+`: 999.99 + 0.01: result does not fit decimal(5,2)")
    }

    @Test func moduloKeepsDividendSign() throws {
        let input = batch(decimals(10, 2, "7.50", "-7.50"), decimals(10, 2, "2.00", "2.00"))
        #expect(try eval(arith(.modulo, d(10, 2), d(10, 2), d(10, 2)), input) == [dec("1.50"), dec("-1.50")])
    }

    @Test func comparisonAcrossScales() throws {
        let input = batch(decimals(10, 2, "1.50", "1.49"), decimals(10, 1, "1.5", "1.5"))
        let expr = BoundExpr.comparison(.equal, col(0, d(10, 2)), col(1, d(10, 1)), type: ty(.bool))
        #expect(try eval(expr, input) == [.bool(true), .bool(false)])
    }

    @Test(arguments: [
        ("1.25", 2, 1, "1.3"), ("-1.25", 2, 1, "-1.3"), ("1.24", 2, 1, "1.2"),
        ("1.5", 1, 0, "2"), ("-0.5", 1, 0, "-1"), ("123", 0, -1, "120"),
    ])
    func rescaleRoundsHalfAway(text: String, from: Int, to: Int, expected: String) {
        let v = DecimalFormat.parse(text, scale: from)!
        let r = DecimalMath.rescale(v, from: from, to: to)!
        #expect(DecimalFormat.format(to < 0 ? r * DecimalFormat.powersOfTen[-to] : r, scale: max(to, 0)) == expected)
    }
}
