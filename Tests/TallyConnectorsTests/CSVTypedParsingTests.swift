import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct CSVTypedParsingTests {
    /// Parses one field of `type`; returns the value or the reject reason.
    func parse(_ text: String, _ type: DataType) throws -> Result<Value, RejectedRowReason> {
        let (rows, scan, _) = try scanText("v\n\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"\n",
                                           schema: Schema([Field("v", type)]))
        if let r = scan.rejects.first { return .failure(RejectedRowReason(text: r.reason)) }
        return .success(rows[0][0])
    }

    @Test(arguments: [
        ("0", Int64(0)), ("-42", -42), ("+7", 7), (" 12 ", 12),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
    ])
    func intsParse(_ text: String, _ expected: Int64) throws {
        #expect(try parse(text, .int) == .success(.int(expected)))
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "99999999999999999999999"])
    func intOverflowIsRejected(_ text: String) throws {
        #expect(try parse(text, .int) == .failure(RejectedRowReason(text: "`\(text)` is out of range for int")))
    }

    @Test(arguments: ["1.5", "abc", "-", "1e3", "0x10", "1 2"])
    func nonIntegersAreRejected(_ text: String) throws {
        #expect(try parse(text, .int) == .failure(RejectedRowReason(text: "`\(text)` is not a valid int")))
    }

    @Test(arguments: [
        ("12.34", "12.34"), ("12.3", "12.30"), ("-0.05", "-0.05"), ("7", "7.00"), (".5", "0.50"),
        ("12.340000", "12.34"), ("+1.10", "1.10"), ("999999.99", "999999.99"), ("000123.45", "123.45"),
    ])
    func decimalsParseExactly(_ text: String, _ canonical: String) throws {
        let v = try parse(text, .decimal(precision: 8, scale: 2))
        #expect(v == .success(dec(canonical, 2)))
        if case .success(let value) = v { #expect(value.description == canonical) }
    }

    @Test func decimalScaleAndPrecisionAreEnforced() throws {
        let t = DataType.decimal(precision: 8, scale: 2)
        #expect(try parse("12.345", t) == .failure(RejectedRowReason(text: "`12.345` has more than 2 decimal places")))
        #expect(try parse("1234567.00", t)
            == .failure(RejectedRowReason(text: "`1234567.00` has too many digits for decimal(8,2)")))
        #expect(try parse("1,000.00", t) == .failure(RejectedRowReason(text: "`1,000.00` is not a valid decimal")))
        #expect(try parse("1.2.3", t) == .failure(RejectedRowReason(text: "`1.2.3` is not a valid decimal")))
    }

    @Test(arguments: [("1.5", 1.5), ("-2e3", -2000.0), ("0.1", 0.1), ("1e-05", 1e-05), ("inf", Double.infinity)])
    func doublesParse(_ text: String, _ expected: Double) throws {
        #expect(try parse(text, .double) == .success(.double(expected)))
    }

    @Test(arguments: ["0x1p3", "1.5x", "e"])
    func badDoublesAreRejected(_ text: String) throws {
        #expect(try parse(text, .double) == .failure(RejectedRowReason(text: "`\(text)` is not a valid double")))
    }

    @Test(arguments: [
        ("true", true), ("FALSE", false), ("1", true), ("0", false), ("t", true), ("F", false), ("Yes", true), ("no", false),
    ])
    func boolsParse(_ text: String, _ expected: Bool) throws {
        #expect(try parse(text, .bool) == .success(.bool(expected)))
    }

    @Test func badBoolIsRejected() throws {
        guard case .failure(let r) = try parse("maybe", .bool) else { Issue.record("accepted"); return }
        #expect(r.text.hasPrefix("`maybe` is not a valid bool"))
    }

    @Test func datesAndTimestamps() throws {
        #expect(try parse("2024-02-29", .date) == .success(.date(CivilDate.days(year: 2024, month: 2, day: 29))))
        guard case .failure = try parse("2023-02-29", .date) else { Issue.record("accepted"); return }
        let ts = CivilDate.parseTimestamp(Array("2024-01-01 10:11:12.5".utf8))!
        #expect(try parse("2024-01-01 10:11:12.5", .timestamp) == .success(.timestamp(ts)))
        guard case .failure = try parse("2024-01-01 25:00:00", .timestamp) else { Issue.record("accepted"); return }
    }

    @Test func invalidUTF8StringIsRejected() throws {
        let dir = TempDir()
        let path = dir.write("u.csv", bytes: Array("s\n".utf8) + [0xC3, 0x28, 10] + Array("ok\n".utf8))
        let scan = CSVScan(paths: [path], schema: Schema([Field("s", .string)]))
        let rows = try readAll(scan)
        #expect(rows == [[.string("ok")]])
        #expect(scan.rejects.first?.reason == "the text is not valid UTF-8")
        #expect(scan.rejects.first?.line == 2)
    }
}

/// A reject reason, as a comparable result error.
struct RejectedRowReason: Error, Equatable {
    var text: String
}
