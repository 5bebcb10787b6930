import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

@Suite struct UnusedWarningTests {
    @Test func unusedSourceParamAndNode() throws {
        let (pipeline, diags) = try compileOK("""
        version: 1
        params:
          min_qty: {type: int, default: 1}
          prefix: {type: string, default: out}
        sources:
          used:
            path: in/a.csv
            columns: {id: int}
          spare:
            path: in/b.csv
            columns: {id: int}
        transforms:
          feeds_sink:
            from: used
          dead_end:
            from: used
            steps:
              - filter: id > 1
          dead_source_reader:
            from: used
        sinks:
          out: {type: csv, from: feeds_sink, path: "${prefix}/a.csv"}

        """)
        #expect(diags.errors.isEmpty)
        let warnings = diags.warnings.map { "\($0.code.rawValue)@\(pos($0.span.start))" }
        #expect(Set(warnings) == ["W101@9:3", "W102@3:3", "W103@15:3", "W103@19:3"])
        #expect(warnings.count == 4)
        #expect(pipeline.warnings.count == 4)
        let messages = Set(diags.warnings.map(\.message))
        #expect(messages == ["source `spare` is never read", "param `min_qty` is never used",
                             "transform `dead_end` feeds no sink", "transform `dead_source_reader` feeds no sink"])
    }

    @Test func nodesFeedingASinkThroughOthersAreUsed() throws {
        let (_, diags) = try compileOK("""
        params:
          limit_to: {type: int, default: 3}
        sources:
          s: {path: in.csv, columns: {id: int}}
        transforms:
          a: {from: s}
          b:
            from: a
            steps:
              - limit: 10
          c:
            from: b
            steps:
              - filter: id < $limit_to
        sinks:
          out: {type: csv, from: c, path: out.csv}

        """)
        #expect(diags.warnings.isEmpty, "\(diags)")
    }

    @Test func paramUsedOnlyInAnAlertConditionIsUsed() throws {
        let (_, diags) = try compileOK("""
        params:
          threshold: {type: int, default: 3}
        sources:
          s: {path: in.csv, columns: {id: int}}
        sinks:
          alert: {type: alert, from: s, when: id > $threshold}

        """)
        #expect(diags.warnings.isEmpty, "\(diags)")
    }

    @Test func warningsDoNotStopCompilation() throws {
        let (pipeline, diags) = try compileOK("""
        sources:
          s: {path: in.csv, columns: {id: int}}
          t: {path: in2.csv, columns: {id: int}}
        sinks:
          out: {type: csv, from: s, path: out.csv}

        """)
        #expect(diags.warnings.map(\.code) == [.unusedSource])
        #expect(pipeline.sinks.count == 1)
        #expect(diags.warnings.first?.severity == .warning)
    }
}
