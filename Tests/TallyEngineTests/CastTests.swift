import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct CastTests {
    private func cast(_ input: Column, to type: DataType) throws -> [Value] {
        try eval(.cast(col(0, input.type), type: ty(type)), batch(input))
    }

    @Test func intConversions() throws {
        #expect(try cast(ints(12, nil, -3), to: .decimal(precision: 10, scale: 2)) == [dec("12.00"), .null, dec("-3.00")])
        #expect(try cast(ints(12, -3), to: .double) == [.double(12), .double(-3)])
        #expect(try cast(ints(12, nil, Int64.min), to: .string) == [.string("12"), .null, .string("-9223372036854775808")])
        #expect(engineError { try cast(ints(1000), to: .decimal(precision: 4, scale: 2)) }?.kind == .decimalOverflow)
    }

    @Test func decimalConversions() throws {
        let x = decimals(10, 3, "1.005", "-2.5", "2.4994")
        #expect(try cast(x, to: .decimal(precision: 10, scale: 2)) == [dec("1.01"), dec("-2.50"), dec("2.50")])
        #expect(try cast(x, to: .int) == [.int(1), .int(-3), .int(2)])
        #expect(try cast(x, to: .double) == [.double(1.005), .double(-2.5), .double(2.499)])
        #expect(try cast(x, to: .string) == [.string("1.005"), .string("-2.500"), .string("2.499")])
        #expect(engineError { try cast(decimals(10, 2, "1000.00"), to: .decimal(precision: 5, scale: 2)) }?.kind == .decimalOverflow)
    }

    @Test func doubleConversions() throws {
        #expect(try cast(doubles(2.5, -2.5, 2.4), to: .int) == [.int(3), .int(-3), .int(2)])
        #expect(try cast(doubles(0.1, 1.005, 1e-7), to: .decimal(precision: 10, scale: 2)) == [dec("0.10"), dec("1.01"), dec("0.00")])
        #expect(try cast(doubles(1.5), to: .string) == [.string("1.5")])
        #expect(engineError { try cast(doubles(1e19), to: .int) }?.kind == .integerOverflow)
        #expect(engineError { try cast(doubles(.nan), to: .int) }?.kind == .integerOverflow)
        #expect(engineError { try cast(doubles(.infinity), to: .decimal(precision: 10, scale: 2)) }?.kind == .invalidCast)
    }

    @Test func stringParsing() throws {
        #expect(try cast(strings(" 42 ", "-7", "+3", nil), to: .int) == [.int(42), .int(-7), .int(3), .null])
        #expect(try cast(strings("-9223372036854775808"), to: .int) == [.int(Int64.min)])
        #expect(try cast(strings("12.345", "-0.5"), to: .decimal(precision: 10, scale: 2)) == [dec("12.35"), dec("-0.50")])
        #expect(try cast(strings("1e3", "-0.25"), to: .double) == [.double(1000), .double(-0.25)])
        #expect(try cast(strings("true", "F", "yes", "0"), to: .bool) == [.bool(true), .bool(false), .bool(true), .bool(false)])
        #expect(try cast(strings("2024-02-29", "2024-03-01 23:59"), to: .date)
                == [.date(CivilDate.days(year: 2024, month: 2, day: 29)), .date(CivilDate.days(year: 2024, month: 3, day: 1))])
        #expect(try cast(strings("1970-01-01T00:00:01.5"), to: .timestamp) == [.timestamp(1_500_000)])
    }

    @Test(arguments: [
        ("abc", DataType.int, "cannot convert 'abc' to int"),
        ("12.5", .int, "cannot convert '12.5' to int"),
        ("99999999999999999999", .int, "cannot convert '99999999999999999999' to int"),
        ("1.2.3", .decimal(precision: 10, scale: 2), "cannot convert '1.2.3' to decimal(10,2)"),
        ("maybe", .bool, "cannot convert 'maybe' to bool"),
        ("2023-02-29", .date, "cannot convert '2023-02-29' to date"),
        ("", .double, "cannot convert '' to double"),
    ])
    func badStringsAreErrors(text: String, type: DataType, message: String) {
        let error = engineError { try cast(strings(nil, text), to: type) }
        #expect(error?.kind == .invalidCast)
        #expect(error?.message == message)
    }

    @Test func badStringInNullRowIsIgnored() throws {
        var input = strings("1", "abc")
        input.validity = Bitmap([true, false])
        #expect(try cast(input, to: .int) == [.int(1), .null])
    }

    @Test func datesAndTimestamps() throws {
        let day = CivilDate.days(year: 2024, month: 1, day: 31)
        let dates = column(.date, [.date(day), .date(-1)])
        #expect(try cast(dates, to: .timestamp) == [.timestamp(Int64(day) * 86_400_000_000), .timestamp(-86_400_000_000)])
        #expect(try cast(dates, to: .string) == [.string("2024-01-31"), .string("1969-12-31")])
        let stamps = column(.timestamp, [.timestamp(-1), .timestamp(Int64(day) * 86_400_000_000 + 3_600_000_000)])
        #expect(try cast(stamps, to: .date) == [.date(-1), .date(day)])
        #expect(try cast(stamps, to: .string) == [.string("1969-12-31 23:59:59.999999"), .string("2024-01-31 01:00:00")])
        #expect(try cast(bools(true, nil), to: .string) == [.string("true"), .null])
    }

    @Test func literalsOfAnotherKindAreConverted() throws {
        let input = batch(ints(1, 2))
        #expect(try eval(lit(.int(3), .decimal(precision: 5, scale: 2)), input) == [dec("3.00"), dec("3.00")])
        #expect(try eval(lit(.int(3), .double), input) == [.double(3), .double(3)])
        #expect(try eval(lit(dec("1.5"), .decimal(precision: 5, scale: 2)), input) == [dec("1.50"), dec("1.50")])
    }

    @Test func nullLiteralCastsToAnyType() throws {
        let expr = BoundExpr.cast(lit(.null, .null), type: ty(.decimal(precision: 5, scale: 1)))
        let c = try ExpressionEvaluator().evaluate(expr, on: batch(ints(1, 2)))
        #expect(c.type == .decimal(precision: 5, scale: 1))
        #expect(c.allValues == [.null, .null])
    }
}
