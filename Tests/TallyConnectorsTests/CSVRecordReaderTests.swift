import Foundation
import Testing
@testable import TallyConnectors

/// The block reader (`next`) against the scalar reader (`nextScalar`): the same records, fields,
/// line numbers and problems on any input, including the ones the block path hands back.
@Suite struct CSVRecordReaderTests {
    /// One record as both readers report it.
    struct Read: Equatable, CustomStringConvertible {
        var start: Int, end: Int, line: Int
        var problem: UInt8, problemField: Int
        var fields: [String]

        var description: String { "line \(line) [\(start)..<\(end)] problem \(problem)@\(problemField) \(fields)" }
    }

    static func records(_ bytes: [UInt8], options: CSVOptions = CSVOptions(), start: Int = 0, end: Int? = nil,
                        scalar: Bool) -> [Read] {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = CSVRecordReader(bytes: buffer, options: options, start: start, end: end)
            var fields = CSVFieldBuffer()
            defer { fields.deallocate() }
            var out: [Read] = []
            while let r = scalar ? reader.nextScalar(fields: &fields) : reader.next(fields: &fields) {
                let texts = fields.array.map { f in
                    (f.quoted ? "Q" : "") + (f.escaped ? "E" : "") + ":" + String(decoding: buffer[f.start..<f.end], as: UTF8.self)
                }
                out.append(Read(start: r.start, end: r.end, line: r.line, problem: r.problemKind.rawValue,
                                problemField: r.problemField, fields: texts))
            }
            return out
        }
    }

    /// Random CSV text built from pieces that stress the block path: long and short fields, quoted
    /// delimiters, doubled quotes, line breaks inside quotes, stray and unterminated quotes, text after
    /// a closing quote, blank lines and every line ending.
    static func randomCSV(seed: UInt64, records: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let pieces = ["", "a", "SKU-000123", "Widget", "12.50", "2024-03-01 08:00:00", "Crème brûlée",
                      String(repeating: "x", count: 70), String(repeating: "long text ", count: 9)]
        var text = ""
        for _ in 0..<records {
            let count = rng.int(in: 1...9)
            for f in 0..<count {
                if f > 0 { text += "," }
                let piece = pieces[rng.below(pieces.count)]
                switch rng.below(20) {
                case 0...11: text += piece
                case 12, 13: text += "\"" + piece + ", with comma\""
                case 14: text += "\"" + piece + " \"\"quoted\"\" " + piece + "\""
                case 15: text += "\"two\nlines\r\n" + piece + "\""
                case 16: text += piece + "\"stray"
                case 17: text += "\"closed\"" + piece + "after"
                case 18: text += "\"\""
                default: text += "\"" + piece + "\""
                }
            }
            switch rng.below(8) {
            case 0: text += "\r\n"
            case 1: text += "\r"
            case 2: text += "\n\n"
            case 3: text += "\r\n\r\n"
            default: text += "\n"
            }
        }
        if rng.below(3) == 0 { text += "tail,\"unterminated" + String(repeating: " y", count: rng.below(50)) }
        return Array(text.utf8)
    }

    @Test(arguments: 0..<40)
    func blockReaderMatchesScalarReader(seed: Int) {
        let bytes = Self.randomCSV(seed: UInt64(seed), records: 60)
        let scalar = Self.records(bytes, scalar: true)
        let block = Self.records(bytes, scalar: false)
        #expect(block == scalar)
        #expect(scalar.count > 40)
    }

    @Test(arguments: 0..<10)
    func blockReaderMatchesScalarReaderOnByteRanges(seed: Int) {
        let bytes = Self.randomCSV(seed: UInt64(1000 + seed), records: 40)
        // Ranges that start at a record start found by the scalar reader, ending anywhere.
        let starts = Self.records(bytes, scalar: true).map(\.start)
        var rng = SplitMix64(seed: UInt64(seed))
        for _ in 0..<5 {
            let start = starts[rng.below(starts.count)]
            let end = rng.int(in: start...bytes.count)
            #expect(Self.records(bytes, start: start, end: end, scalar: false)
                    == Self.records(bytes, start: start, end: end, scalar: true))
        }
    }

    /// Well-formed records, quoted or not, stay on the block path.
    @Test func wellFormedRecordsStayOnTheBlockPath() {
        var text = ""
        for i in 0..<200 {
            text += "\(i),SKU-\(i),\"Dish soap, lemon #\(i)\",\"12\"\" ruler\",,\"\",Crème brûlée" + (i % 3 == 0 ? "\r\n" : "\n")
        }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var reader = CSVRecordReader(bytes: buffer, options: CSVOptions())
            var fields = CSVFieldBuffer()
            defer { fields.deallocate() }
            var count = 0
            while let r = reader.next(fields: &fields) {
                #expect(r.problemKind == .none && fields.count == 7)
                count += 1
            }
            #expect(count == 200)
            // Only the record running into the last 64 bytes of the input goes to the scalar path.
            #expect(reader.scalarRetries <= 1)
        }
        #expect(Self.records(bytes, scalar: false) == Self.records(bytes, scalar: true))
    }

    @Test func otherDelimiterAndQuote() {
        let text = Array("a;'b;c';'d''e'\n1;2;3\n".utf8) + Array(repeating: UInt8(ascii: "z"), count: 100) + Array(";';'\n".utf8)
        let options = CSVOptions(delimiter: UInt8(ascii: ";"), quote: UInt8(ascii: "'"))
        #expect(Self.records(text, options: options, scalar: false) == Self.records(text, options: options, scalar: true))
        #expect(Self.records(text, options: options, scalar: false).first?.fields == [":a", "Q:b;c", "QE:d''e"])
    }
}
