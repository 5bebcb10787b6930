import Foundation
import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct CSVWriterTests {
    let schema = Schema([
        Field("id", .int, nullable: false), Field("name", .string), Field("amount", .decimal(precision: 12, scale: 2)),
        Field("ratio", .double), Field("ok", .bool), Field("day", .date), Field("at", .timestamp),
    ])

    func sampleBatch() -> Batch {
        var names = StringArray()
        for s in ["plain", "Crème brûlée, 200g", "12\" ruler", " padded ", "two\nlines", ""] { names.append(s) }
        var nameValidity = Bitmap(count: 7, value: true)
        names.append("")
        nameValidity[6] = false
        let d = CivilDate.days(year: 2024, month: 3, day: 9)
        let t = Int64(d) * 86_400_000_000 + 3_600_000_000 + 123
        var nulls = Bitmap(count: 7, value: true)
        nulls[5] = false
        return Batch(columns: [
            Column(type: .int, values: .int([1, 2, 3, 4, 5, 6, -7])),
            Column(type: .string, values: .string(names), validity: nameValidity),
            Column(type: .decimal(precision: 12, scale: 2), values: .decimal([1234, -5, 0, 100, 99, 0, 1]), validity: nulls),
            Column(type: .double, values: .double([0.1, 1e-5, 2, -0.5, 1e300, 0, 3.25])),
            Column(type: .bool, values: .bool([true, false, true, false, true, false, true])),
            Column(type: .date, values: .date([d, d, d, d, d, d, d])),
            Column(type: .timestamp, values: .timestamp([t, t, t, t, t, t, Int64(d) * 86_400_000_000])),
        ], count: 7)
    }

    @Test func quotesOnlyWhenNeeded() throws {
        let dir = TempDir()
        let writer = try CSVWriter(path: dir.path + "/out/x.csv", schema: schema)
        try writer.write(sampleBatch())
        #expect(!dir.exists("out/x.csv"))
        try writer.commit()
        let lines = dir.read("out/x.csv")
        #expect(lines == """
        id,name,amount,ratio,ok,day,at
        1,plain,12.34,0.1,true,2024-03-09,2024-03-09 01:00:00.000123
        2,"Crème brûlée, 200g",-0.05,1e-05,false,2024-03-09,2024-03-09 01:00:00.000123
        3,"12"" ruler",0.00,2.0,true,2024-03-09,2024-03-09 01:00:00.000123
        4," padded ",1.00,-0.5,false,2024-03-09,2024-03-09 01:00:00.000123
        5,"two
        lines",0.99,1e+300,true,2024-03-09,2024-03-09 01:00:00.000123
        6,"",,0.0,false,2024-03-09,2024-03-09 01:00:00.000123
        -7,,0.01,3.25,true,2024-03-09,2024-03-09 00:00:00

        """)
        #expect(dir.list("out") == ["x.csv"])
    }

    /// Lines are assembled from each column's encoded fields: a null first field, empty strings and
    /// batches of different sizes one after the other keep every field in its place.
    @Test func assemblesLinesAcrossBatches() throws {
        let dir = TempDir()
        let schema = Schema([Field("a", .string), Field("b", .int), Field("c", .string)])
        func batch(_ rows: [(String?, Int64?, String?)]) -> Batch {
            var a = StringArray(), c = StringArray()
            var va = Bitmap(count: rows.count, value: true), vb = va, vc = va
            for (i, r) in rows.enumerated() {
                a.append(r.0 ?? ""); c.append(r.2 ?? "")
                if r.0 == nil { va[i] = false }
                if r.1 == nil { vb[i] = false }
                if r.2 == nil { vc[i] = false }
            }
            return Batch(columns: [
                Column(type: .string, values: .string(a), validity: va),
                Column(type: .int, values: .int(rows.map { $0.1 ?? 0 }), validity: vb),
                Column(type: .string, values: .string(c), validity: vc),
            ], count: rows.count)
        }
        let writer = try CSVWriter(path: dir.path + "/x.csv", schema: schema)
        try writer.write(batch([(nil, nil, nil), ("x", 1, ""), ("", nil, "y,z")]))
        try writer.write(batch([("long value", -20, nil)]))
        try writer.write(batch([]))
        try writer.write(batch([(nil, 3, "q"), ("r", nil, nil)]))
        try writer.commit()
        #expect(writer.rowsWritten == 6)
        #expect(dir.read("x.csv") == """
        a,b,c
        ,,
        x,1,""
        "",,"y,z"
        long value,-20,
        ,3,q
        r,,

        """)
    }

    @Test func roundTripsThroughTheScan() throws {
        let dir = TempDir()
        let path = dir.path + "/rt.csv"
        let writer = try CSVWriter(path: path, schema: schema)
        let batch = sampleBatch()
        try writer.write(batch)
        try writer.commit()
        let back = try #require(try CSVScan(paths: [path], schema: schema).next())
        #expect(back.count == batch.count)
        for c in 0..<schema.count {
            for r in 0..<batch.count { #expect(back.columns[c].testValue(r) == batch.columns[c].testValue(r)) }
        }
    }

    @Test func abortLeavesThePreviousFile() throws {
        let dir = TempDir()
        dir.write("keep.csv", "old\n")
        let writer = try CSVWriter(path: dir.path + "/keep.csv", schema: schema)
        try writer.write(sampleBatch())
        writer.abort()
        #expect(dir.read("keep.csv") == "old\n")
        #expect(dir.list() == ["keep.csv"])
    }

    @Test func commitReplacesThePreviousFile() throws {
        let dir = TempDir()
        dir.write("r.csv", "old\n")
        let writer = try CSVWriter(path: dir.path + "/r.csv", schema: Schema([Field("a", .int)]))
        try writer.write(Batch(columns: [Column(type: .int, values: .int([1]))], count: 1))
        try writer.commit()
        #expect(dir.read("r.csv") == "a\n1\n")
    }

    @Test func rejectsReport() throws {
        let dir = TempDir()
        let rows = [
            RejectedRow(file: "raw/a.csv", line: 3, column: "qty", field: 2, reason: "`x` is not a valid int", raw: "1,x"),
            RejectedRow(file: "raw/a.csv", line: 9, reason: "expected 2 fields, found 1", raw: "\"a,b"),
        ]
        try RejectsWriter.write(rows.map { (source: "pos", row: $0) }, to: dir.path + "/rejects/pos.csv")
        #expect(dir.read("rejects/pos.csv") == """
        source,file,line,column,reason,record
        pos,raw/a.csv,3,qty,`x` is not a valid int,"1,x"
        pos,raw/a.csv,9,,expected 2 fields, found 1,\"""a,b"

        """.replacingOccurrences(of: "expected 2 fields, found 1", with: "\"expected 2 fields, found 1\""))
    }
}

@Suite struct PartitionedCSVSinkTests {
    let schema = Schema([Field("sku", .string), Field("qty", .int)])
    let day = CivilDate.days(year: 2024, month: 1, day: 2)

    func batch(_ skus: [String]) -> Batch {
        var s = StringArray()
        for k in skus { s.append(k) }
        return Batch(columns: [Column(type: .string, values: .string(s)),
                               Column(type: .int, values: .int(skus.indices.map { Int64($0) }))], count: skus.count)
    }

    @Test func writesAndReplacesThePartition() throws {
        let dir = TempDir()
        let base = dir.path + "/out/stock"
        let first = try PartitionedCSVSink(base: base, date: day, schema: schema)
        #expect(first.filePath == base + "/date=2024-01-02/part-00000.csv")
        try first.write(batch(["A", "B"]))
        try first.commit()
        #expect(dir.read("out/stock/date=2024-01-02/part-00000.csv") == "sku,qty\nA,0\nB,1\n")

        dir.write("out/stock/date=2024-01-02/stale.csv", "leftover\n")
        let second = try PartitionedCSVSink(base: base, date: day, schema: schema)
        try second.write(batch(["C"]))
        try second.commit()
        #expect(dir.list("out/stock/date=2024-01-02") == ["part-00000.csv"])
        #expect(dir.read("out/stock/date=2024-01-02/part-00000.csv") == "sku,qty\nC,0\n")
        #expect(dir.list("out/stock") == ["date=2024-01-02"])
    }

    @Test func abortedWriteKeepsTheOldPartition() throws {
        let dir = TempDir()
        let base = dir.path + "/stock"
        let first = try PartitionedCSVSink(base: base, date: day, schema: schema)
        try first.write(batch(["A"]))
        try first.commit()

        let failing = try PartitionedCSVSink(base: base, date: day, schema: schema)
        try failing.write(batch(["X", "Y"]))
        failing.abort()
        #expect(dir.read("stock/date=2024-01-02/part-00000.csv") == "sku,qty\nA,0\n")
        #expect(dir.list("stock") == ["date=2024-01-02"])

        // A sink dropped without commit (for example after an error) behaves the same.
        do {
            let dropped = try PartitionedCSVSink(base: base, date: day, schema: schema)
            try dropped.write(batch(["Z"]))
        }
        #expect(dir.read("stock/date=2024-01-02/part-00000.csv") == "sku,qty\nA,0\n")
        #expect(dir.list("stock") == ["date=2024-01-02"])
    }

    @Test func otherPartitionsAreUntouched() throws {
        let dir = TempDir()
        let base = dir.path + "/stock"
        for d in [day, day + 1] {
            let sink = try PartitionedCSVSink(base: base, date: d, schema: schema)
            try sink.write(batch(["A"]))
            try sink.commit()
        }
        #expect(dir.list("stock") == ["date=2024-01-02", "date=2024-01-03"])
    }
}

@Suite struct FileMatcherTests {
    @Test func expandsWildcardsInAnySegment() throws {
        let dir = TempDir()
        dir.write("raw/pos/date=2024-01-02/pos_store_002.csv", "a\n")
        dir.write("raw/pos/date=2024-01-02/pos_store_001.csv", "abc\n")
        dir.write("raw/pos/date=2024-01-01/pos_store_001.csv", "a\n")
        dir.write("raw/pos/date=2024-01-01/notes.txt", "a\n")
        dir.write("raw/pos/date=2024-01-01/.pos_store_009.csv.tmp-1", "a\n")
        dir.write("raw/pos/.date=2024-01-03.new-x/pos_store_001.csv", "a\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/raw/pos/date=2024-01-01/dir.csv",
                                                withIntermediateDirectories: true)

        let all = FileMatcher.match("raw/pos/date=*/*.csv", root: dir.path)
        #expect(all.map(\.name) == [
            "raw/pos/date=2024-01-01/pos_store_001.csv",
            "raw/pos/date=2024-01-02/pos_store_001.csv",
            "raw/pos/date=2024-01-02/pos_store_002.csv",
        ])
        #expect(all[1].size == 4)
        #expect(all[1].path == dir.path + "/raw/pos/date=2024-01-02/pos_store_001.csv")

        let one = FileMatcher.match("raw/pos/date=2024-01-02/pos_store_00?.csv", root: dir.path)
        #expect(one.count == 2)
        #expect(FileMatcher.match("raw/pos/date=2024-01-01/pos_store_001.csv", root: dir.path).count == 1)
        #expect(FileMatcher.match("raw/pos/date=2025-*/*.csv", root: dir.path).isEmpty)
        #expect(FileMatcher.match("missing/*.csv", root: dir.path).isEmpty)
        #expect(FileMatcher.match(dir.path + "/raw/*/date=2024-01-01/*", root: "/elsewhere").count == 2)
    }

    @Test(arguments: [
        ("a.csv", "*.csv", true), ("a.csv", "*", true), ("a.csv", "?.csv", true), ("ab.csv", "?.csv", false),
        ("pos_1.csv", "pos_*.csv", true), ("pos.csv.bak", "*.csv", false), (".hidden.csv", "*.csv", false),
        ("a.b.c", "*.*.*", true), ("abc", "a*b*c", true), ("abc", "a*c*", true), ("ab", "a*b*c", false),
    ])
    func segmentMatching(_ name: String, _ pattern: String, _ expected: Bool) {
        #expect(FileMatcher.matches(name, pattern: pattern) == expected)
    }
}
