import Testing
import TallyDiagnostics
@testable import TallyCompiler

/// Sinks that load the same warehouse table must agree on its columns and load mode (E404).
@Suite struct SharedTableTests {
    static func spec(_ second: String) -> String {
        """
        version: 1
        warehouse: sqlite:w.db
        sources:
          a:
            path: a.csv
            columns: {id: int not null, v: int}
        transforms:
          b:
            from: a
            steps:
              - derive: {w: v * 2}
        sinks:
          one: {type: warehouse, from: a, table: facts, mode: replace}
          \(second)

        """
    }

    @Test func differentColumnsInOneTable() {
        let (_, diags) = compileText(Self.spec("two: {type: warehouse, from: b, table: facts, mode: replace}"))
        #expect(errorKeys(diags) == ["E404@14:8"])
        #expect(diags.errors.first?.message.hasPrefix("sinks `one` and `two` load table `facts` with different columns") == true)
    }

    @Test func differentModesForOneTable() {
        let (_, diags) = compileText(Self.spec("two: {type: warehouse, from: a, table: FACTS, mode: merge, key: [id]}"))
        #expect(errorKeys(diags) == ["E404@14:8"])
    }

    @Test func theSameLoadTwiceIsFine() {
        let (_, diags) = compileText(Self.spec("two: {type: csv, from: b, path: b.csv}"))
        #expect(!diags.hasErrors)
    }
}
