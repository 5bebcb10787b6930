import Testing
import TallyCompiler
@testable import TallyConnectors

@Suite struct FieldParsersTests {
    func withBytes<T>(_ text: String, _ body: (FieldBytes) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// The fast paths must agree with CivilDate on every input.
    @Test(arguments: [
        "2024-01-01 00:00:00", "2024-02-29 23:59:59", "2023-02-29 10:00:00", "2024-13-01 00:00:00",
        "2024-01-01 24:00:00", "2024-01-01 10:60:00", "2024-01-01 10:00:60", "0001-01-01 00:00:00",
        "1969-12-31 23:59:59", "2024-01-01T10:00:00", "2024-01-01 10:00:00.5", "2024-01-01 10:00", "2024-01-01",
        "2024-1-01 10:00:00", "2024-01-01 1a:00:00", "2100-02-29 00:00:00", "2000-02-29 00:00:00",
    ])
    func timestampsAgreeWithCivilDate(_ text: String) {
        let expected = CivilDate.parseTimestamp(Array(text.utf8))
        let got: Int64? = withBytes(text) { if case .value(let v) = FieldParsers.timestamp($0) { v } else { nil } }
        #expect(got == expected)
    }

    @Test(arguments: ["2024-01-31", "2024-04-31", "2024-02-29", "2023-02-29", "2024-00-10", "2024-01-00", "20240101", "2024/01/01"])
    func datesAgreeWithCivilDate(_ text: String) {
        let expected = CivilDate.parseDate(text)
        let got: Int32? = withBytes(text) { if case .value(let v) = FieldParsers.date($0) { v } else { nil } }
        #expect(got == expected)
    }

    /// Where the text is accepted, the value is what DecimalFormat reads.
    @Test(arguments: [
        ("0", 2), ("-0.00", 2), ("1.", 2), ("+.5", 3), ("123.4500", 2), ("99999999999999999999999999999999999999", 0),
        ("-9999999999999999999999999999999999.9999", 4), ("007", 0),
    ])
    func decimalsAgreeWithDecimalFormat(_ text: String, _ scale: Int) {
        let got: Int128? = withBytes(text) {
            if case .value(let v) = FieldParsers.decimal($0, precision: 38, scale: scale) { v } else { nil }
        }
        #expect(got != nil)
        #expect(got == DecimalFormat.parse(text, precision: 38, scale: scale))
    }

    @Test(arguments: [".", "+", "-", "", "1e5", "1.2.3", "--1", "1 000", "999999999999999999999999999999999999999"])
    func malformedDecimalsAreRefused(_ text: String) {
        let refused = withBytes(text) {
            if case .invalid = FieldParsers.decimal($0, precision: 38, scale: 0) { true } else { false }
        }
        #expect(refused)
    }
}

/// The CSV scan's UTF-8 check against the standard library's, on valid and broken text.
@Suite struct UTF8ValidationTests {
    @Test(arguments: 0..<20)
    func agreesWithTheStandardLibrary(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        // Pieces: ASCII runs, every sequence length, and the edges that make a sequence invalid
        // (overlong, surrogates, past U+10FFFF, lone or missing continuation bytes).
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("é".utf8), Array("€".utf8), Array("𝄞".utf8), Array("Crème brûlée".utf8),
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xF0, 0x9D, 0x84], [0xFF], [0x00],
        ]
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.int(in: 0...6) { bytes += pieces[rng.below(pieces.count)] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let actual = bytes.withUnsafeBufferPointer { FieldParsers.isValidUTF8($0) }
            #expect(actual == expected, "\(bytes)")
        }
    }
}
