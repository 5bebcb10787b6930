import Testing
import TallyCompiler
@testable import TallyConnectors

@Suite struct TextDigitsTests {
    func text(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [Int64.min, -1_000_000, -7, -1, 0, 1, 9, 10, 123_456_789, Int64.max])
    func intsMatchString(_ v: Int64) {
        #expect(text { TextDigits.appendInt(v, to: &$0) } == String(v))
    }

    @Test(arguments: [0, 1, 2, 6, 19, 20, 38])
    func decimalsMatchDecimalFormat(_ scale: Int) {
        let values: [Int128] = [0, 1, -1, 5, -5, 1234, -1234, 10_000_000_000_000_000_000, -99_999_999_999_999_999_999,
                                DecimalFormat.powersOfTen[38] - 1, -(DecimalFormat.powersOfTen[38] - 1), Int128(Int64.max) * 1000]
        for v in values {
            #expect(text { TextDigits.appendDecimal(v, scale: scale, to: &$0) } == DecimalFormat.format(v, scale: scale))
        }
    }

    @Test func datesAndTimestampsMatchCivilDate() {
        for d in stride(from: Int32(-719_162), through: 2_932_896, by: 9_973) {
            #expect(text { TextDigits.appendDate(d, to: &$0) } == CivilDate.format(days: d))
        }
        let micros: [Int64] = [0, 1, -1, 86_399_999_999, -86_400_000_000, 1_704_067_200_000_000, 1_704_067_261_500_000,
                               -62_135_596_800_000_000, 253_402_300_799_999_999]
        for t in micros {
            #expect(text { TextDigits.appendTimestamp(t, to: &$0) } == CivilDate.format(micros: t))
        }
    }
}
