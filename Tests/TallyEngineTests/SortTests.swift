import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct SortTests {
    let data = [batch(ints(3, nil, 1, 3), strings("a", "b", "c", "d")), batch(ints(1, nil, 2), strings("e", "f", "g"))]

    private func sorted(_ keys: [SortKey]) throws -> [String] {
        let plan = PhysicalPlan.sort(SortExec(input: scan("t", schema(.int, .string)), keys: keys))
        return try run(plan, ["t": data]).map { $0[1].description }
    }

    @Test(arguments: [
        (true, false, "c e g a d b f"),
        (true, true, "b f c e g a d"),
        (false, false, "a d g c e b f"),
        (false, true, "b f a d g c e"),
    ])
    func nullsAndDirectionAreStable(ascending: Bool, nullsFirst: Bool, expected: String) throws {
        #expect(try sorted([SortKey(column: 0, ascending: ascending, nullsFirst: nullsFirst)]).joined(separator: " ") == expected)
    }

    @Test func multipleKeys() throws {
        let keys = [SortKey(column: 0, ascending: true, nullsFirst: false), SortKey(column: 1, ascending: false, nullsFirst: false)]
        #expect(try sorted(keys) == ["e", "c", "g", "d", "a", "f", "b"])
    }

    @Test func stringsAndDoubles() throws {
        let words = [batch(strings("b", "B", "é", "a", "ab"))]
        let byWord = PhysicalPlan.sort(SortExec(input: scan("t", schema(.string)), keys: [SortKey(column: 0, ascending: true, nullsFirst: true)]))
        #expect(try run(byWord, ["t": words]).map { $0[0].description } == ["B", "a", "ab", "b", "é"])
        let numbers = [batch(doubles(2, .nan, -1, nil))]
        let byNumber = PhysicalPlan.sort(SortExec(input: scan("t", schema(.double)), keys: [SortKey(column: 0, ascending: true, nullsFirst: false)]))
        #expect(try run(byNumber, ["t": numbers]).map { $0[0].description } == ["-1.0", "2.0", "nan", "null"])
    }

    /// Sorting on a string key first compares 16-byte prefixes; ties (shared long prefixes, embedded
    /// NUL bytes, duplicates) fall back to the full comparison. Checked against a byte-wise reference.
    @Test(arguments: [true, false])
    func stringPrefixOrderMatchesByteOrder(ascending: Bool) throws {
        var rng = ParallelAggregateTests.Rng(s: ascending ? 7 : 8)
        let stems = ["", "a", "SKU-", "ab\u{0}", "ab", "product-name-longer-than-16-", "é", "Z"]
        var words: [String] = []
        var numbers: [Int64] = []
        for _ in 0..<3000 {
            var word = stems[Int(rng.next() % UInt64(stems.count))]
            for _ in 0..<Int(rng.next() % 4) { word += ["0", "1", "\u{0}", "x", "ü"][Int(rng.next() % 5)] }
            words.append(word)
            numbers.append(Int64(rng.next() % 3))
        }
        let data = [batch(column(.string, words.map(Value.string)), column(.int, numbers.map(Value.int)))]
        let keys = [SortKey(column: 0, ascending: ascending, nullsFirst: true), SortKey(column: 1, ascending: false, nullsFirst: true)]
        let plan = PhysicalPlan.sort(SortExec(input: scan("t", schema(.string, .int)), keys: keys))
        let got = try run(plan, ["t": data]).map { [$0[0].description, $0[1].description] }
        let expected = words.indices.sorted { a, b in
            let x = Array(words[a].utf8), y = Array(words[b].utf8)
            if x != y { return x.lexicographicallyPrecedes(y) == ascending }
            if numbers[a] != numbers[b] { return numbers[a] > numbers[b] }
            return a < b
        }.map { [Value.string(words[$0]).description, Value.int(numbers[$0]).description] }
        #expect(got == expected)
    }

    /// The radix sort orders on the 128-bit prefix and keeps ties in input order, whichever bytes vary.
    @Test(arguments: [0, 1, 2, 5000])
    func prefixRadixSortIsStable(count: Int) {
        var rng = ParallelAggregateTests.Rng(s: UInt64(count) + 3)
        var entries = (0..<count).map { row in
            // Few distinct values, spread over both words, some bytes shared by all entries.
            PrefixEntry(high: 0x534B_552D_0000_0000 | (rng.next() % 4) << 24, low: (rng.next() % 3) << 56 | rng.next() % 5, row: row)
        }
        let expected = entries.sorted { ($0.high, $0.low, $0.row) < ($1.high, $1.low, $1.row) }.map(\.row)
        PrefixEntry.radixSort(&entries)
        #expect(entries.map(\.row) == expected)
    }

    @Test func largeInputComesOutInBatches() throws {
        let n = Batch.defaultSize + 10
        let values = (0..<n).map { Value.int(Int64(n - $0)) }
        let plan = PhysicalPlan.sort(SortExec(input: scan("t", schema(.int)), keys: [SortKey(column: 0, ascending: true, nullsFirst: false)]))
        let stream = try PlanExecutor().makeStream(plan, context: ClosureExecutionContext(scan: { _ in
            MaterializedStream([batch(column(.int, values))])
        }))
        let batches = try collect(stream)
        #expect(batches.map(\.count) == [Batch.defaultSize, 10])
        #expect(batches[0].row(0) == [.int(1)])
        #expect(batches[1].row(9) == [.int(Int64(n))])
    }
}
