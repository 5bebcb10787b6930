import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// Every `Fixtures/invalid/NAME.yaml` is refused with exactly the errors of its `# expect:` line.
@Suite struct InvalidFixtureTests {
    @Test func fixturesArePresent() {
        #expect(invalidFixtureNames().count >= 20)
    }

    @Test(arguments: invalidFixtureNames())
    func reportsExactlyTheExpectedErrors(name: String) throws {
        let text = try invalidFixtureText(name)
        let expected = try expectations(of: text)
        let (pipeline, diags) = compileText(text, file: "invalid/\(name).yaml")
        #expect(pipeline == nil)
        #expect(diags.errors.allSatisfy { $0.span.file == "invalid/\(name).yaml" })
        if let issue = knownIssue(of: text) {
            withKnownIssue(Comment(rawValue: issue)) {
                #expect(errorKeys(diags) == expected, "\n\(diags)")
            }
        } else {
            #expect(errorKeys(diags) == expected, "\n\(diags)")
        }
    }

    @Test func multipleIndependentErrorsComeFromOneCompile() throws {
        let text = try invalidFixtureText("multiple_errors")
        let (spec, decodeDiags) = SpecDecoder.parse(text, file: "m.yaml")
        #expect(decodeDiags.isEmpty)
        let (pipeline, diags) = Compiler.compile(try #require(spec), options: .init(runDate: runDate))
        #expect(pipeline == nil)
        #expect(diags.errors.count == 8)
        #expect(Set(diags.errors.map(\.code)) == [.unknownColumn, .typeMismatch, .unknownFunction, .unknownSource,
                                                 .invalidValue, .pathOutsideRoot])
        // Errors come out in source order once sorted, whatever stage found them.
        #expect(diags.sorted.filter { $0.severity == .error }.map { $0.span.start.line } == [17, 22, 23, 25, 29, 34, 35, 36])
    }

    @Test(arguments: [
        ("unknown_column", "unknown column `quantty` in the filter of `big`", "did you mean `quantity`?"),
        ("unknown_function", "unknown function `sqroot`", nil),
        ("unknown_param", "unknown parameter `$min_qty`", "available parameters: `run_date` (declare parameters under `params:`)"),
        ("string_minus_int", "cannot apply `-` to string and int", "convert text with `cast(x as int)` first"),
        ("aggregate_outside_aggregate", "aggregate `sum` is only allowed in the measures of an `aggregate` step", nil),
        ("integer_out_of_range", "integer literal 9223372036854775808 is outside the 64-bit range", nil),
        ("cycle", "transforms form a cycle: a -> c -> b -> a", nil),
        ("join_key_type", "join key `quantity` is int on the left but `sku` is string in `inventory`", nil),
        ("join_name_clash", "column `opening_stock` of `inventory` clashes with `opening_stock` of the left side",
         "add `right_prefix: inventory_` to the join, or drop the column first"),
        ("partition_by_not_date", "partition column `date_key` is string, not date", nil),
        ("unknown_join_type", "unknown join type `outer`", "available join types: `inner`, `left`, `right`, `full`, `semi`, `anti`"),
        ("unknown_load_mode", "unknown load mode `upsert`", "available modes: `replace_partition`, `merge`, `replace`"),
    ])
    func messages(name: String, message: String, hint: String?) throws {
        let (_, diags) = compileText(try invalidFixtureText(name), file: "\(name).yaml")
        let first = try #require(diags.sorted.first { $0.severity == .error })
        #expect(first.message == message)
        if let hint { #expect(first.hint == hint) }
    }
}
