import Foundation
import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct CSVPartitionTests {
    let schema = Schema([Field("id", .int, nullable: false), Field("name", .string), Field("price", .decimal(precision: 10, scale: 2))])

    /// What a scan produced: rows, rejects and counters.
    struct Output: Equatable {
        var rows: [[Value]] = []
        var rejects: [RejectedRow] = []
        var read = 0, passed = 0, rejected = 0, files = 0
        var bytes: Int64 = 0

        mutating func add(_ scan: CSVScan) throws {
            rows += try readAll(scan)
            rejects += scan.rejects
            read += scan.rowsRead
            passed += scan.rowsPassed
            rejected += scan.rowsRejected
            files += scan.filesRead
            bytes += scan.bytesRead
        }
    }

    /// One scan over `files`, and the partitions' outputs concatenated in order (read one after the other).
    func compare(_ files: [SourceFile], count: Int, columns: [Int]? = nil, options: CSVOptions = CSVOptions(),
                 batchSize: Int = Batch.defaultSize, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [CSVScan] {
        var single = Output()
        try single.add(CSVScan(files: files, schema: schema, columns: columns, options: options, batchSize: batchSize))
        let parts = try CSVScan.partitions(files: files, schema: schema, columns: columns, options: options,
                                           count: count, batchSize: batchSize)
        #expect(parts.count >= 1 && parts.count <= count, sourceLocation: sourceLocation)
        var joined = Output()
        for p in parts { try joined.add(p) }
        #expect(joined == single, "count \(count)", sourceLocation: sourceLocation)
        return parts
    }

    /// A CSV text with quoted fields holding delimiters, doubled quotes and line breaks, blank lines and
    /// some bad records, deterministic for a seed.
    func sampleText(records: Int, seed: UInt64, eol: String = "\n") -> String {
        var rng = SplitMix64(seed: seed)
        var out = "id,name,price" + eol
        for i in 0..<records {
            let r = rng.next() % 100
            let name: String
            switch r {
            case 0..<30: name = "plain\(i)"
            case 30..<45: name = "\"comma, inside \(i)\""
            case 45..<55: name = "\"doubled \"\"quote\"\" \(i)\""
            case 55..<65: name = "\"two\nlines \(i)\""
            case 65..<70: name = "\"crlf\r\ninside\(eol)and more \(i)\""
            case 70..<72: name = "\"\(eol)\(eol)\""
            case 72..<74: name = ""
            case 74..<76: name = "\"\""
            default: name = "Crème brûlée #\(i)"
            }
            var id = String(i)
            var price = "\(i % 97).\(i % 10)5"
            switch rng.next() % 50 {
            case 0: id = "x\(i)"  // bad int
            case 1: price = "1.234"  // too many decimals
            case 2: out += eol  // blank line
            case 3: price += ",extra"  // field count
            case 4: id = ""  // null in a non-nullable column
            default: break
            }
            out += id + "," + name + "," + price + eol
        }
        return out
    }

    @Test func coversEveryRecordOnceInOrderAtAnyCount() throws {
        let dir = TempDir()
        let path = dir.write("a.csv", sampleText(records: 400, seed: 7))
        let files = [SourceFile(path: path, name: "a.csv")]
        var most = 0
        for count in 1...40 {
            most = max(most, try compare(files, count: count).count)
        }
        #expect(most > 20)  // the file really is cut, often inside quoted line breaks
    }

    @Test func crlfAndByteOrderMark() throws {
        let dir = TempDir()
        let text = sampleText(records: 300, seed: 11, eol: "\r\n")
        let path = dir.write("crlf.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let files = [SourceFile(path: path, name: "crlf.csv")]
        for count in [2, 3, 5, 8, 13, 31] { _ = try compare(files, count: count) }
    }

    @Test func loneCarriageReturnFilesAreNotCutButStayCorrect() throws {
        let dir = TempDir()
        let path = dir.write("cr.csv", ["id,name,price", "1,a,1", "x,b,2", "3,\"c\rd\",3"].joined(separator: "\r") + "\r")
        _ = try compare([SourceFile(path: path, name: "cr.csv")], count: 3)
    }

    @Test func rejectLinesAreRightInEveryPartition() throws {
        let dir = TempDir()
        let path = dir.write("a.csv", sampleText(records: 300, seed: 3))
        let single = CSVScan(files: [SourceFile(path: path, name: "a.csv")], schema: schema)
        _ = try readAll(single)
        let expected = single.rejects
        #expect(expected.count > 10)
        // Each reject's line really is where its raw text starts.
        // Physical lines: the sample's only line breaks are LF and CRLF.
        let lines = dir.read("a.csv").utf8.split(separator: 10, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        for r in expected where !r.raw.isEmpty {
            #expect(r.raw.utf8.starts(with: lines[r.line - 1].utf8.prefix(5)), "line \(r.line)")
        }
        for count in [2, 4, 7] {
            let parts = try CSVScan.partitions(files: [SourceFile(path: path, name: "a.csv")], schema: schema,
                                               count: count)
            var got: [RejectedRow] = []
            for p in parts {
                var seen: [RejectedRow] = []
                p.onReject = { seen.append($0) }
                _ = try readAll(p)
                #expect(p.rejects.isEmpty)
                #expect(p.rowsRejected == seen.count)
                got += seen
            }
            #expect(got == expected)
        }
    }

    @Test func multipleFilesAreGroupedWholeWhenSimilar() throws {
        let dir = TempDir()
        let files = (0..<4).map { i in
            SourceFile(path: dir.write("f\(i).csv", sampleText(records: 100, seed: UInt64(i))), name: "f\(i).csv")
        }
        let parts = try compare(files, count: 2)
        #expect(parts.count == 2)
        #expect(parts.map(\.files.count) == [2, 2])
        for count in 1...12 { _ = try compare(files, count: count) }
    }

    @Test func headerOrderDiffersBetweenFiles() throws {
        let dir = TempDir()
        let a = dir.write("a.csv", sampleText(records: 50, seed: 1))
        let b = dir.write("b.csv", "price,id,name\n" + (0..<60).map { "\($0).5,\($0),\"n\n\($0)\"" }.joined(separator: "\n"))
        let files = [SourceFile(path: a, name: "a.csv"), SourceFile(path: b, name: "b.csv")]
        for count in 1...9 {
            _ = try compare(files, count: count)
            _ = try compare(files, count: count, columns: [2, 0])
        }
    }

    @Test func tinyFilesAndMorePartitionsThanRecords() throws {
        let dir = TempDir()
        let files = [
            SourceFile(path: dir.write("one.csv", "id,name,price\n1,a,1\n"), name: "one.csv"),
            SourceFile(path: dir.write("header.csv", "id,name,price\n"), name: "header.csv"),
            SourceFile(path: dir.write("two.csv", "id,name,price\n2,b,2\n3,\"c\nc\",3"), name: "two.csv"),
        ]
        for count in [1, 2, 3, 5, 50] { _ = try compare(files, count: count) }
        _ = try compare([files[1]], count: 4)
        let none = try CSVScan.partitions(files: [], schema: schema, count: 3)
        #expect(none.count == 1)
        #expect(try none[0].next() == nil)
    }

    @Test func strayQuoteInUnquotedFieldStopsCutting() throws {
        let dir = TempDir()
        // `12" ruler` is an unquoted field holding a quote: quote parity is wrong after it.
        var text = "id,name,price\n"
        for i in 0..<100 { text += i == 10 ? "\(i),12\" ruler,1\n" : "\(i),\"x\n\(i)\",1\n" }
        let path = dir.write("s.csv", text)
        for count in [2, 3, 10] { _ = try compare([SourceFile(path: path, name: "s.csv")], count: count) }
        let mapped = try MappedFile(path: path, name: "s.csv")
        let splits = withExtendedLifetime(mapped) {
            CSVPartitioner.safeSplits(mapped.bytes, dataStart: 14, nominal: [20, 200, 400], options: CSVOptions())
        }
        #expect(splits.count == 1)
    }

    @Test func unterminatedQuoteAtTheEnd() throws {
        let dir = TempDir()
        let path = dir.write("u.csv", sampleText(records: 80, seed: 5) + "9,\"never closed\n1,a,1\n2,b,2\n")
        for count in [2, 3, 6] { _ = try compare([SourceFile(path: path, name: "u.csv")], count: count) }
    }

    @Test func smallBatchesAndOtherDelimiter() throws {
        let dir = TempDir()
        let text = sampleText(records: 200, seed: 9).replacingOccurrences(of: ",", with: ";")
        let path = dir.write("semi.csv", text)
        let options = CSVOptions(delimiter: UInt8(ascii: ";"))
        for count in [2, 5] {
            _ = try compare([SourceFile(path: path, name: "semi.csv")], count: count, options: options, batchSize: 7)
        }
        let noHeader = dir.write("nh.csv", String(sampleText(records: 100, seed: 2).drop { $0 != "\n" }.dropFirst()))
        for count in [2, 4] {
            _ = try compare([SourceFile(path: noHeader, name: "nh.csv")], count: count,
                            options: CSVOptions(header: false))
        }
    }

    @Test func lineNumbersCountEveryKindOfLineBreak() throws {
        let text = Array("a\r\nb\rc\nd\r\r\ne\n\nf\n".utf8)
        text.withUnsafeBufferPointer { b in
            // Positions right after each LF.
            let after = b.indices.filter { b[$0] == 10 }.map { $0 + 1 }
            let got = CSVPartitioner.lineNumbers(b, at: after, dataStart: 0, dataLine: 1)
            #expect(got == [2, 4, 6, 7, 8, 9])
        }
    }

    @Test func partitionsRunOnTheirOwnThreads() throws {
        let dir = TempDir()
        let path = dir.write("t.csv", sampleText(records: 3000, seed: 21))
        let files = [SourceFile(path: path, name: "t.csv")]
        var single = Output()
        try single.add(CSVScan(files: files, schema: schema, batchSize: 64))
        let parts = try CSVScan.partitions(files: files, schema: schema, count: 4, batchSize: 64)
        #expect(parts.count == 4)
        final class Slot: @unchecked Sendable {
            var output = Output()
            var error: Error?
        }
        let slots = parts.map { _ in Slot() }
        let boxes = UncheckedBox(parts)
        DispatchQueue.concurrentPerform(iterations: parts.count) { i in
            do { try slots[i].output.add(boxes.value[i]) } catch { slots[i].error = error }
        }
        var joined = Output()
        for s in slots {
            #expect(s.error == nil)
            joined.rows += s.output.rows
            joined.rejects += s.output.rejects
            joined.read += s.output.read
            joined.passed += s.output.passed
            joined.rejected += s.output.rejected
            joined.files += s.output.files
            joined.bytes += s.output.bytes
        }
        #expect(joined == single)
    }

    @Test func fileErrorsThrowFromPartitions() {
        let dir = TempDir()
        let path = dir.write("bad.csv", "id,nme,price\n1,a,1\n")
        #expect(throws: ConnectorError.self) {
            _ = try CSVScan.partitions(files: [SourceFile(path: path)], schema: schema, count: 2)
        }
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
