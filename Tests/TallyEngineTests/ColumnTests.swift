import Testing
import TallyCompiler
@testable import TallyEngine

@Suite struct ColumnTests {
    @Test func builderRoundTripsValuesAndNulls() {
        let c = strings("a", nil, "ccc")
        #expect(c.count == 3)
        #expect(c.nullCount == 1)
        #expect(c.allValues == [.string("a"), .null, .string("ccc")])
        #expect(ints(1, 2).validity == nil)
    }

    @Test func takeGathersRowsAndNulls() {
        let c = strings("a", nil, "ccc")
        #expect(c.take([2, 0, 1, 2]).allValues == [.string("ccc"), .string("a"), .null, .string("ccc")])
        #expect(ints(5, 6).take(orNull: [1, -1, 0]).allValues == [.int(6), .null, .int(5)])
        #expect(ints(5, 6).take([]).count == 0)
        let words = strings("", "é", nil, "longer than sixteen bytes")
        #expect(words.take(orNull: [3, -1, 0, 1, 3, 2]).allValues
                == [.string("longer than sixteen bytes"), .null, .string(""), .string("é"),
                    .string("longer than sixteen bytes"), .null])
        #expect(words.take([]).allValues.isEmpty && words.take([0, 0]).allValues == [.string(""), .string("")])
    }

    @Test func sliceAndConcat() {
        let a = strings("x", nil, "zz"), b = strings("w")
        #expect(a.slice(1..<3).allValues == [.null, .string("zz")])
        let joined = Column.concat([a, b, a.slice(0..<1)], type: .string)
        #expect(joined.allValues == [.string("x"), .null, .string("zz"), .string("w"), .string("x")])
    }

    @Test func constantColumns() {
        #expect(Column.constant(dec("1.5"), type: .decimal(precision: 10, scale: 2), count: 2).allValues == [dec("1.50"), dec("1.50")])
        #expect(Column.constant(.string("é"), type: .string, count: 2).allValues == [.string("é"), .string("é")])
        #expect(Column.constant(.null, type: .int, count: 3).nullCount == 3)
    }

    @Test func batchHelpers() {
        let b = batch(ints(1, 2, 3), strings("a", "b", nil))
        #expect(b.take([2, 0]).rows == [[.int(3), .null], [.int(1), .string("a")]])
        #expect(b.slice(1..<2).rows == [[.int(2), .string("b")]])
        #expect(Batch.concat([b, b.slice(0..<1)], schema: schema(.int, .string)).count == 4)
        let empty = Batch.empty(schema: schema(.int, .decimal(precision: 5, scale: 2)))
        #expect(empty.count == 0 && empty.columns.count == 2 && empty.columns[1].type == .decimal(precision: 5, scale: 2))
    }

    @Test func bitmapOperations() {
        let a = Bitmap([true, false, true]), b = Bitmap([true, true, false])
        #expect((a & b) == Bitmap([true, false, false]))
        #expect((a | b) == Bitmap([true, true, true]))
        #expect((~a)[1] && !(~a)[0])
        #expect(Bitmap.intersect(nil, a) == a)
    }
}
