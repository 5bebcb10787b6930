import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// One mistake is reported once, and does not hide or fake others.
@Suite struct NoCascadeTests {
    static let base = """
        version: 1
        params:
          min_qty: {type: int, default: 1}
        sources:
          pos:
            path: pos.csv
            columns: {sku: string not null, qty: int not null}
        transforms:
          big:
            from: pos
            steps:
              - filter: qty >= $min_qty
              - derive:
                  doubled: qty * 2
                  quadrupled: doubled * 2
        sinks:
          out: {type: csv, from: big, path: out.csv}

        """

    func diagnostics(_ text: String) -> Diagnostics {
        let (spec, decodeDiags) = SpecDecoder.parse(text, file: "t.yaml")
        var all = decodeDiags
        if let spec { all.append(contentsOf: Compiler.compile(spec, options: .init(runDate: 0)).1) }
        return all
    }

    @Test func theBaseSpecIsClean() {
        #expect(diagnostics(Self.base).isEmpty)
    }

    @Test func aDuplicateKeyDoesNotHideOtherErrors() {
        let text = Self.base.replacingOccurrences(of: "  out: {type: csv", with: "  out: {type: csv, type: csv")
            .replacingOccurrences(of: "qty * 2", with: "qtty * 2")
        let codes = diagnostics(text).all.map(\.code)
        #expect(codes.contains(.duplicateKey))
        #expect(codes.contains(.unknownColumn))
    }

    @Test func aMisspeltColumnInADerivedColumnIsReportedOnce() {
        let d = diagnostics(Self.base.replacingOccurrences(of: "qty * 2", with: "qtty * 2"))
        #expect(d.all.map(\.message) == ["unknown column `qtty` in `doubled` in `big`"])
    }

    @Test func anUndecodableTransformIsNotReportedAsUnknownWhereItIsRead() {
        let d = diagnostics(Self.base.replacingOccurrences(of: "    from: pos\n", with: "    form: pos\n"))
        #expect(Set(d.errors.map(\.code)) == [.unknownKey, .missingKey])
        #expect(!d.all.contains { $0.code == .unknownSource })
    }

    @Test func aParamUsedOnlyByAFailingNodeIsNotUnused() {
        let d = diagnostics(Self.base.replacingOccurrences(of: "qty * 2", with: "qtty * 2"))
        #expect(!d.all.contains { $0.code == .unusedParam })
    }

    @Test func aCycleIsReportedOnce() {
        let text = Self.base.replacingOccurrences(of: "sinks:", with: """
              a: {from: b}
              b: {from: a}
            sinks:
            """)
        #expect(diagnostics(text).errors.filter { $0.code == .cycle }.count == 1)
    }
}
