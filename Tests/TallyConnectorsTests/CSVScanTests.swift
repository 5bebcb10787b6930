import Foundation
import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct CSVScanTests {
    let schema = Schema([Field("id", .int, nullable: false), Field("name", .string), Field("price", .decimal(precision: 10, scale: 2))])

    @Test func readsQuotedFieldsWithDelimitersAndDoubledQuotes() throws {
        let text = "id,name,price\n1,\"Crème brûlée, 200g\",3.50\n2,\"12\"\" ruler\",1.00\n3,plain,2\n"
        let (rows, scan, _) = try scanText(text, schema: schema)
        #expect(rows == [
            [.int(1), .string("Crème brûlée, 200g"), dec("3.50", 2)],
            [.int(2), .string("12\" ruler"), dec("1.00", 2)],
            [.int(3), .string("plain"), dec("2", 2)],
        ])
        #expect(scan.rowsRead == 3 && scan.rowsPassed == 3 && scan.rowsRejected == 0)
    }

    @Test func embeddedNewlineKeepsLineNumbersRight() throws {
        let text = "id,name,price\n1,\"two\nlines\",1\n2,\"three\r\nphysical\nlines\",2\nx,bad,3\n4,ok,4\n"
        let (rows, scan, _) = try scanText(text, schema: schema)
        #expect(rows.count == 3)
        #expect(rows[0][1] == .string("two\nlines"))
        #expect(rows[1][1] == .string("three\r\nphysical\nlines"))
        #expect(scan.rejects.count == 1)
        #expect(scan.rejects[0].line == 7)
        #expect(scan.rejects[0].column == "id")
        #expect(scan.rejects[0].field == 1)
        #expect(scan.rejects[0].raw == "x,bad,3")
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ eol: String) throws {
        let text = ["id,name,price", "1,a,1.5", "2,b,2.5"].joined(separator: eol) + eol
        let (rows, _, _) = try scanText(text, schema: schema)
        #expect(rows == [[.int(1), .string("a"), dec("1.5", 2)], [.int(2), .string("b"), dec("2.5", 2)]])
    }

    @Test func lastLineWithoutNewline() throws {
        let (rows, _, _) = try scanText("id,name,price\n1,a,1", schema: schema)
        #expect(rows == [[.int(1), .string("a"), dec("1", 2)]])
    }

    @Test func utf8ByteOrderMarkIsStripped() throws {
        let dir = TempDir()
        let path = dir.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name,price\n7,x,1\n".utf8))
        let rows = try readAll(CSVScan(paths: [path], schema: schema))
        #expect(rows == [[.int(7), .string("x"), dec("1", 2)]])
    }

    @Test func headerMatchedByNameCaseInsensitiveWithExtraColumns() throws {
        let text = "PRICE,extra,Name,ID\n9.99,zzz,widget,5\n"
        let (rows, _, _) = try scanText(text, schema: schema)
        #expect(rows == [[.int(5), .string("widget"), dec("9.99", 2)]])
    }

    @Test func missingColumnIsAFileErrorWithSuggestion() throws {
        let dir = TempDir()
        let path = dir.write("pos.csv", "id,nme,price\n1,a,1\n")
        let scan = CSVScan(files: [SourceFile(path: path, name: "raw/pos.csv")], schema: schema)
        do {
            _ = try scan.next()
            Issue.record("expected an error")
        } catch let error as ConnectorError {
            #expect(error.path == "raw/pos.csv")
            #expect(error.message.contains("`name`"))
            #expect(error.hint?.contains("did you mean `nme`?") == true)
        }
    }

    @Test func missingColumnWithoutCloseMatchListsHeader() throws {
        let dir = TempDir()
        let path = dir.write("a.csv", "id,price\n1,1\n")
        do {
            _ = try CSVScan(paths: [path], schema: schema).next()
            Issue.record("expected an error")
        } catch let error as ConnectorError {
            #expect(error.message == "the header has no column `name` (line 1)")
            #expect(error.hint == "the header's columns are `id`, `price`")
        }
    }

    @Test func emptyFileWithHeaderExpectedIsAnError() throws {
        let dir = TempDir()
        let path = dir.write("e.csv", "")
        #expect(throws: ConnectorError.self) { _ = try CSVScan(paths: [path], schema: schema).next() }
    }

    @Test func headerOnlyFileGivesNoRows() throws {
        let (rows, scan, _) = try scanText("id,name,price\n", schema: schema)
        #expect(rows.isEmpty && scan.rowsRead == 0)
    }

    @Test func emptyVersusQuotedEmpty() throws {
        let s = Schema([Field("a", .string), Field("b", .int), Field("c", .string)])
        let (rows, _, _) = try scanText("a,b,c\n,,\"\"\n\"\",\"\",x\n", schema: s)
        #expect(rows == [[.null, .null, .string("")], [.string(""), .null, .string("x")]])
    }

    @Test func noHeaderUsesDeclaredOrder() throws {
        let (rows, _, _) = try scanText("1;a;2.5\n", schema: schema,
                                        options: CSVOptions(delimiter: UInt8(ascii: ";"), header: false))
        #expect(rows == [[.int(1), .string("a"), dec("2.5", 2)]])
    }

    @Test func projectionSkipsUnusedColumns() throws {
        // `price` is garbage but not projected, so it is never parsed and nothing is rejected.
        let text = "id,name,price\n1,a,not-a-number\n2,b,also bad\n"
        let (rows, scan, _) = try scanText(text, schema: schema, columns: [1, 0])
        #expect(rows == [[.string("a"), .int(1)], [.string("b"), .int(2)]])
        #expect(scan.outputSchema.names == ["name", "id"])
        #expect(scan.rowsRejected == 0)
    }

    @Test func rejectionReasonsAndLines() throws {
        let text = """
        id,name,price
        1,ok,1.00
        2,too,many,fields
        3,"multi
        line",2.00
        ,nullid,3
        4,x,12.345
        5,x,123456789.00
        6,"bad"quote,1
        99999999999999999999,big,1
        7,ok,7
        8,"unterminated,1

        """
        let (rows, scan, _) = try scanText(text, schema: schema)
        #expect(rows.map { $0[0] } == [.int(1), .int(3), .int(7)])
        let r = scan.rejects
        #expect(r.map(\.line) == [3, 6, 7, 8, 9, 10, 12])
        #expect(r[0].reason == "expected 3 fields, found 4")
        #expect(r[0].column == nil)
        #expect(r[1].column == "id" && r[1].reason.contains("non-nullable"))
        #expect(r[2].column == "price" && r[2].field == 3 && r[2].reason == "`12.345` has more than 2 decimal places")
        #expect(r[3].reason == "`123456789.00` has too many digits for decimal(10,2)")
        #expect(r[4].reason.contains("after the closing quote") && r[4].field == 2)
        #expect(r[5].reason == "`99999999999999999999` is out of range for int")
        #expect(r[6].reason.hasPrefix("unterminated quoted field"))
        #expect(r[6].raw == "8,\"unterminated,1\n")
        #expect(scan.rowsRead == 10)
        #expect(scan.rowsRead == scan.rowsPassed + scan.rowsRejected)
        #expect(r[1].description == "in.csv:6: column `id`: missing value in non-nullable column `id`")
    }

    @Test func rejectCallbackReceivesRowsInsteadOfList() throws {
        let dir = TempDir()
        let path = dir.write("a.csv", "id,name,price\nx,a,1\n2,b,2\n")
        let scan = CSVScan(paths: [path], schema: schema)
        var seen: [RejectedRow] = []
        scan.onReject = { seen.append($0) }
        let rows = try readAll(scan)
        #expect(rows.count == 1 && seen.count == 1 && scan.rejects.isEmpty)
    }

    @Test func longRawRecordIsTruncated() throws {
        let long = String(repeating: "é", count: 900)
        let (_, scan, _) = try scanText("id,name,price\nx,\(long),1\n", schema: schema)
        #expect(scan.rejects[0].raw.utf8.count <= RejectedRow.rawLimit + 3)
        #expect(scan.rejects[0].raw.hasSuffix("…"))
    }

    @Test func multipleFilesAndSmallBatches() throws {
        let dir = TempDir()
        let a = dir.write("a.csv", "id,name,price\n1,a,1\n2,b,2\n3,c,3\n")
        let b = dir.write("b.csv", "price,id,name\n4,4,d\nbad,5,e\n")
        let scan = CSVScan(files: [SourceFile(path: a, name: "a.csv"), SourceFile(path: b, name: "b.csv")],
                           schema: schema, batchSize: 2)
        var sizes: [Int] = []
        var ids: [Value] = []
        while let batch = try scan.next() {
            sizes.append(batch.count)
            for i in 0..<batch.count { ids.append(batch.columns[0].testValue(i)) }
        }
        #expect(sizes == [2, 2])
        #expect(ids == [.int(1), .int(2), .int(3), .int(4)])
        #expect(scan.rejects.map(\.file) == ["b.csv"])
        #expect(scan.rejects[0].line == 3)
        #expect(scan.filesRead == 2)
    }

    @Test func validityBitmapMarksNulls() throws {
        let s = Schema([Field("a", .int)])
        let dir = TempDir()
        let path = dir.write("n.csv", "a\n1\n\n\"\"\n3\n")
        let batch = try #require(try CSVScan(paths: [path], schema: s).next())
        // The blank line is skipped; `""` is null for an int.
        #expect(batch.count == 3)
        #expect(batch.columns[0].nullCount == 1)
        #expect(batch.columns[0].testValue(1) == .null)
    }

    @Test func duplicateHeaderColumnIsAnError() throws {
        let dir = TempDir()
        let path = dir.write("d.csv", "id,ID,name,price\n1,2,a,1\n")
        #expect(throws: ConnectorError.self) { _ = try CSVScan(paths: [path], schema: schema).next() }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: ConnectorError.self) { _ = try CSVScan(paths: ["/nonexistent/x.csv"], schema: schema).next() }
    }
}
