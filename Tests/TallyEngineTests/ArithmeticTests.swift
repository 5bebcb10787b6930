import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct ArithmeticTests {
    private func arith(_ op: ArithmeticOp, _ type: DataType = .int) -> BoundExpr {
        .arithmetic(op, col(0, type), col(1, type), type: ty(type))
    }

    @Test(arguments: [
        (ArithmeticOp.add, Int64(7), Int64(-3), Int64(4)),
        (.subtract, 7, -3, 10),
        (.multiply, 7, -3, -21),
        (.divide, 7, 2, 3),
        (.divide, -7, 2, -3),
        (.divide, 7, -2, -3),
        (.modulo, 7, 3, 1),
        (.modulo, -7, 3, -1),
        (.modulo, 7, -3, 1),
        (.modulo, Int64.min, -1, 0),
    ])
    func integerResults(op: ArithmeticOp, a: Int64, b: Int64, expected: Int64) throws {
        #expect(try eval(arith(op), batch(ints(a), ints(b))) == [.int(expected)])
    }

    @Test(arguments: [
        (ArithmeticOp.add, Int64.max, Int64(1)),
        (.subtract, Int64.min, 1),
        (.multiply, Int64.max / 2 + 1, 2),
        (.divide, Int64.min, -1),
    ])
    func integerOverflowIsAnError(op: ArithmeticOp, a: Int64, b: Int64) {
        let error = engineError { try eval(arith(op), batch(ints(a), ints(b))) }
        #expect(error?.kind == .integerOverflow)
        #expect(error?.message == "integer overflow in `\(op.rawValue)`: \(a) \(op.rawValue) \(b)")
    }

    @Test func addOverflowMessage() {
        let error = engineError { try eval(arith(.add), batch(ints(9_223_372_036_854_775_807), ints(1))) }
        #expect(error?.description == "integer overflow in `+`: 9223372036854775807 + 1")
    }

    @Test(arguments: [ArithmeticOp.divide, .modulo])
    func integerDivisionByZero(op: ArithmeticOp) {
        let error = engineError { try eval(arith(op), batch(ints(1, 5), ints(1, 0))) }
        #expect(error?.kind == .divisionByZero)
        #expect(error?.message == "division by zero in `\(op.rawValue)`: 5 \(op.rawValue) 0")
    }

    @Test func nullsPropagateAndAreNeverComputed() throws {
        // The null row holds garbage that would overflow; it must not be evaluated.
        var left = ints(1, Int64.max)
        left.validity = Bitmap([true, false])
        #expect(try eval(arith(.add), batch(left, ints(2, 1))) == [.int(3), .null])
        #expect(try eval(arith(.divide), batch(ints(4, nil), ints(nil, 0))) == [.null, .null])
    }

    @Test func negateChecksOverflow() throws {
        let neg = BoundExpr.negate(col(0, .int), type: ty(.int))
        #expect(try eval(neg, batch(ints(5, nil))) == [.int(-5), .null])
        #expect(engineError { try eval(neg, batch(ints(Int64.min))) }?.kind == .integerOverflow)
    }

    @Test func doublesFollowIEEE() throws {
        let input = batch(doubles(1.5, 1, -1, 0, 7.5), doubles(0.25, 0, 0, 0, 2))
        #expect(try eval(arith(.add, .double), input).first == .double(1.75))
        let quotients = try eval(arith(.divide, .double), input)
        #expect(quotients[1] == .double(.infinity))
        #expect(quotients[2] == .double(-.infinity))
        if case .double(let nan) = quotients[3] { #expect(nan.isNaN) } else { Issue.record("expected a double") }
        #expect(try eval(arith(.modulo, .double), input)[4] == .double(1.5))
    }
}
