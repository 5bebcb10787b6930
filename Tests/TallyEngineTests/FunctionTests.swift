import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct FunctionTests {
    private func call(_ f: ScalarFunction, _ args: [BoundExpr], _ type: DataType, _ input: Batch) throws -> [Value] {
        try eval(.function(f, args, type: ty(type)), input)
    }

    @Test func absolute() throws {
        #expect(try call(.abs, [col(0, .int)], .int, batch(ints(-3, 4, nil))) == [.int(3), .int(4), .null])
        #expect(try call(.abs, [col(0, .decimal(precision: 5, scale: 2))], .decimal(precision: 5, scale: 2),
                         batch(decimals(5, 2, "-1.50"))) == [dec("1.50")])
        #expect(engineError { try call(.abs, [col(0, .int)], .int, batch(ints(Int64.min))) }?.kind == .integerOverflow)
    }

    @Test func roundDecimals() throws {
        let t = DataType.decimal(precision: 10, scale: 3)
        let input = batch(decimals(10, 3, "2.345", "-2.345", "2.344", nil))
        #expect(try call(.round, [col(0, t), lit(.int(2), .int)], .decimal(precision: 10, scale: 2), input)
                == [dec("2.35"), dec("-2.35"), dec("2.34"), .null])
        #expect(try call(.round, [col(0, t)], .decimal(precision: 10, scale: 0), input) == [dec("2"), dec("-2"), dec("2"), .null])
        #expect(try call(.round, [col(0, t), lit(.int(-1), .int)], .decimal(precision: 10, scale: 0),
                         batch(decimals(10, 3, "15.000", "-14.999"))) == [dec("20"), dec("-10")])
    }

    @Test func roundDoubles() throws {
        let input = batch(doubles(2.5, -2.5, 1.2345))
        #expect(try call(.round, [col(0, .double)], .double, input) == [.double(3), .double(-3), .double(1)])
        #expect(try call(.round, [col(0, .double), lit(.int(2), .int)], .double, input)[2] == .double(1.23))
    }

    @Test func caseMapping() throws {
        let input = batch(strings("Hello, World", "Straße", "ÉCOLE", nil))
        #expect(try call(.lower, [col(0, .string)], .string, input)
                == [.string("hello, world"), .string("straße"), .string("école"), .null])
        #expect(try call(.upper, [col(0, .string)], .string, input)
                == [.string("HELLO, WORLD"), .string("STRASSE"), .string("ÉCOLE"), .null])
    }

    @Test func trimAndLength() throws {
        let input = batch(strings("  a b \t\n", "\u{00A0}é\u{00A0}", "", nil))
        #expect(try call(.trim, [col(0, .string)], .string, input) == [.string("a b"), .string("é"), .string(""), .null])
        #expect(try call(.length, [col(0, .string)], .int, batch(strings("abc", "héllo", "🇫🇷", "", nil)))
                == [.int(3), .int(5), .int(1), .int(0), .null])
    }

    @Test func concatSkipsNulls() throws {
        let input = batch(strings("a", nil, nil), strings("b", "x", nil))
        #expect(try call(.concat, [col(0, .string), lit(.string("-"), .string), col(1, .string)], .string, input)
                == [.string("a-b"), .string("-x"), .string("-")])
    }

    @Test func dateFunctions() throws {
        let jan31 = CivilDate.days(year: 2024, month: 1, day: 31)
        let dates = column(.date, [.date(jan31), .null])
        #expect(try call(.dateAdd, [col(0, .date), col(1, .int)], .date, batch(dates, ints(29, 1)))
                == [.date(CivilDate.days(year: 2024, month: 2, day: 29)), .null])
        let starts = column(.date, [.date(CivilDate.days(year: 2023, month: 12, day: 25)), .date(0)])
        #expect(try call(.dateDiff, [col(0, .date), col(1, .date)], .int, batch(dates, starts)) == [.int(37), .null])
        let stamps = column(.timestamp, [.timestamp(Int64(jan31) * 86_400_000_000 + 1), .timestamp(-1)])
        #expect(try call(.toDate, [col(0, .timestamp)], .date, batch(stamps)) == [.date(jan31), .date(-1)])
        #expect(try call(.toDate, [col(0, .string)], .date, batch(strings("2024-01-31"))) == [.date(jan31)])
        #expect(engineError { try call(.toDate, [col(0, .string)], .date, batch(strings("31/01/2024"))) }?.kind == .invalidCast)
    }
}
