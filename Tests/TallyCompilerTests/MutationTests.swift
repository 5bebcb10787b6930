import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// Mutation testing of the front end: valid specs (and a few invalid ones) are damaged in thousands of
/// deterministic ways, and every result must come back as a spec or as diagnostics — never a crash or a hang.
///
/// Each mutant goes through `SpecDecoder.parse`, `Compiler.compile`, the text renderer (plain and coloured)
/// and, when it compiles, the physical planner and the plan printer, like `tally lint` and `tally explain`.
/// Hangs are excluded by construction: a mutant is at most a few kilobytes longer than its seed and
/// nesting is bounded (see `MutationEngine`), so each input is small and every stage is linear or close to it.
@Suite struct MutationTests {
    /// Mutants per seed spec. With about a dozen seeds this is several thousand inputs.
    static let mutantsPerSeed = 200
    /// `TALLY_MUTATION_TRACE=/tmp/trace` writes each mutant to `/tmp/trace-SEED.txt` before it runs.
    static let trace = ProcessInfo.processInfo.environment["TALLY_MUTATION_TRACE"]

    @Test(arguments: mutationSeeds().indices)
    func mutantsYieldDiagnosticsOrASpec(seedIndex: Int) throws {
        let seed = mutationSeeds()[seedIndex]
        var engine = MutationEngine(seed: 0x7A11_0000 &+ UInt64(seedIndex))
        var stats = MutationStats()
        for i in 0..<Self.mutantsPerSeed {
            // Most mutants apply one change; some stack several so errors compound.
            var text = seed.text
            let rounds = i % 5 == 4 ? 1 + Int(engine.rng.next() % 4) : 1
            var applied: [String] = []
            for _ in 0..<rounds {
                let (mutant, name) = engine.mutate(text)
                text = mutant
                applied.append(name)
            }
            if let trace = Self.trace {
                // Debugging aid: the input being processed, so a crashing one is left behind.
                try? Data("\(seed.name) mutant #\(i) (\(applied.joined(separator: "+")))\n\(text)".utf8)
                    .write(to: URL(fileURLWithPath: "\(trace)-\(seedIndex).txt"))
            }
            let outcome = exerciseFrontEnd(text, file: "mutant.yaml")
            stats.record(outcome)
            for problem in outcome.problems {
                Issue.record("\(seed.name) mutant #\(i) (\(applied.joined(separator: "+"))): \(problem)\n--- input ---\n\(text)")
            }
        }
        // The mutants must reach past the YAML parser: some decode, some compile.
        #expect(stats.decoded > 0, "no mutant of \(seed.name) decoded")
        #expect(stats.total == Self.mutantsPerSeed)
    }

    /// Fixed nasty inputs that are not derived from a seed.
    @Test(arguments: [
        "", "\0", "\u{FFFD}", "---", "--- \n---\n", "...", "~", "null", "[]", "{}", "- - -", "? : ?",
        "version: 1\nsources: {}\nsinks: {}", "version: 1\nsources: ~\nsinks: ~",
        "sources: {a: {path: '', columns: {}}}\nsinks: {o: {type: csv, from: a, path: ''}}",
        "sources: {a: {path: x, columns: {b: int}}}\nsinks: {o: {type: alert, from: a, message: '{', when: ''}}",
        "sources: {a: {path: '${', columns: {b: int}}}\nsinks: {o: {type: csv, from: a, path: '${}'}}",
        "sources: {a: {path: x, columns: {b: 'decimal(99999999999999999999,1)'}}}\nsinks: {o: {type: csv, from: a, path: y}}",
        "sources: {a: {path: x, columns: {b: 'decimal(38,39)'}}}\nsinks: {o: {type: csv, from: a, path: y}}",
        "sources: {a: {path: x, columns: {b: int}}}\ntransforms: {t: {from: a, steps: [{limit: 99999999999999999999999}]}}\nsinks: {o: {type: csv, from: t, path: y}}",
        "sources: {a: {path: x, columns: {b: int}}}\ntransforms: {t: {from: a, steps: [{filter: \"b = '\\u0000'\"}]}}\nsinks: {o: {type: csv, from: t, path: y}}",
        "sources: {a: {path: x, columns: {b: int}}}\ntransforms: {t: {from: a, steps: [{sort: ['']}, {sort: ' '}, {select: ['']}]}}\nsinks: {o: {type: csv, from: t, path: y}}",
        "a: &a [*a]", "a: &a {b: *a}", "<<: *x", "<<: [1, 2]", "a: !!binary aGVsbG8=", "%YAML 1.1\n---\na: 1",
        "%TAG ! tag:x,2000:\n---\na: !foo 1", "a: |\n  \u{0}\n", "a: \"\\x00\\uD800\\U0010FFFF\"",
        "\u{FEFF}version: 1", "version: 1\r\nsources: {}\r\nsinks: {}\r\n", "\t", "a:\tb", "a:\n\t- b",
    ])
    func fixedNastyInputs(text: String) {
        let outcome = exerciseFrontEnd(text, file: "nasty.yaml")
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    }

    /// Deep nesting that the front end survives today, at depths a hand-written or generated spec could reach.
    @Test(arguments: [
        ("yaml flow lists", MutationEngine.nestedFlowLists(depth: 2_000)),
        ("yaml flow mappings", MutationEngine.nestedFlowMappings(depth: 2_000)),
        ("yaml block lists", MutationEngine.nestedBlockLists(depth: 300)),
        ("parentheses", MutationEngine.expressionSpec(String(repeating: "(", count: 150) + "a > 0" + String(repeating: ")", count: 150))),
        ("operator chain", MutationEngine.expressionSpec("a > 0" + String(repeating: " + 1", count: 500))),
        ("unary minus", MutationEngine.expressionSpec(String(repeating: "-", count: 500) + "a > 0")),
        ("not chain", MutationEngine.expressionSpec(String(repeating: "not ", count: 500) + "a > 0")),
        ("case chain", MutationEngine.expressionSpec("case " + String(repeating: "when a > 0 then 1 ", count: 500) + "else 0 end > 0")),
        ("in list", MutationEngine.expressionSpec("a in (" + (0..<3_000).map(String.init).joined(separator: ", ") + ")")),
        ("many columns", MutationEngine.wideSpec(columns: 2_000)),
    ])
    func boundedNesting(name: String, text: String) {
        let outcome = exerciseFrontEnd(text, file: "\(name).yaml")
        #expect(outcome.problems.isEmpty, "\(name): \(outcome.problems)")
    }

    /// Inputs that once overflowed the stack through unbounded recursion; expressions and YAML now have a
    /// nesting limit, so each is refused with a diagnostic.
    @Test(arguments: [
              ("expression parentheses, depth 1000 (ExprParser recursion)",
               MutationEngine.expressionSpec(String(repeating: "(", count: 1_000) + "a > 0" + String(repeating: ")", count: 1_000))),
              ("operator chain of 5000 `+` (TypeChecker.check/checkBinary recursion)",
               MutationEngine.expressionSpec("a > 0" + String(repeating: " + 1", count: 5_000))),
              ("unary minus chain of 10000 (ExprParser.unary and TypeChecker recursion)",
               MutationEngine.expressionSpec(String(repeating: "-", count: 10_000) + "a > 0")),
              ("YAML flow lists nested 100000 deep (recursive release of YAMLNode)",
               MutationEngine.nestedFlowLists(depth: 100_000)),
          ])
    func deepNestingIsRefused(name: String, text: String) {
        let outcome = exerciseFrontEnd(text, file: "crasher.yaml")
        #expect(outcome.problems.isEmpty, "\(name): \(outcome.problems)")
    }

    @Test func mutationEngineIsDeterministic() {
        let seed = mutationSeeds()[0].text
        var a = MutationEngine(seed: 42)
        var b = MutationEngine(seed: 42)
        for _ in 0..<200 { #expect(a.mutate(seed).0 == b.mutate(seed).0) }
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // Reference values of SplitMix64 seeded with 1234567.
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
        #expect(rng.next() == 9_817_491_932_198_370_423)
    }
}

// MARK: - Running one input

struct FrontEndOutcome {
    var decoded = false
    var compiled = false
    /// Broken invariants (not crashes: those end the process).
    var problems: [String] = []
}

struct MutationStats {
    var total = 0, decoded = 0, compiled = 0
    mutating func record(_ o: FrontEndOutcome) {
        total += 1
        if o.decoded { decoded += 1 }
        if o.compiled { compiled += 1 }
    }
}

/// Decodes, compiles, renders and (when it compiles) plans `text`, checking the invariants every input keeps:
/// a refused spec has at least one error, a compiled one has none, and every diagnostic in the file points
/// at a line of it.
func exerciseFrontEnd(_ text: String, file: String) -> FrontEndOutcome {
    var outcome = FrontEndOutcome()
    let (spec, decodeDiags) = SpecDecoder.parse(text, file: file)
    var diags = decodeDiags
    var pipeline: CompiledPipeline?
    if let spec {
        outcome.decoded = true
        let (p, compileDiags) = Compiler.compile(spec, options: .init(runDate: runDate, params: [:]))
        diags.append(contentsOf: compileDiags)
        pipeline = decodeDiags.hasErrors ? nil : p
        if p != nil, compileDiags.hasErrors { outcome.problems.append("a pipeline came back together with errors") }
        if p == nil, !compileDiags.hasErrors { outcome.problems.append("no pipeline but no compile error:\n\(compileDiags)") }
    } else if !decodeDiags.hasErrors {
        outcome.problems.append("no spec but no decode error:\n\(decodeDiags)")
    }
    let plain = TextRenderer(sources: [file: text], color: false).render(diags)
    _ = TextRenderer(sources: [file: text], color: true).render(diags)
    if !diags.isEmpty, plain.isEmpty { outcome.problems.append("diagnostics rendered as nothing") }
    // libyaml also breaks lines at a lone CR, NEL, LS and PS; lines are counted its way here.
    let lineCount = text.unicodeScalars.split(omittingEmptySubsequences: false) {
        ["\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0)
    }.reduce(0) { $0 + $1.split(separator: "\n", omittingEmptySubsequences: false).count }
    for d in diags.all where d.span.file == file {
        let s = d.span.start
        if s.line < 1 || s.line > lineCount + 1 || s.column < 1 {
            outcome.problems.append("diagnostic outside the file (\(lineCount) lines): \(d)")
        }
        if d.span.end < s { outcome.problems.append("span ends before it starts: \(d) (end \(d.span.end))") }
    }
    if let pipeline {
        outcome.compiled = true
        let planner = PhysicalPlanner(pipeline)
        for node in pipeline.nodes { _ = PlanPrinter.logical(node.plan) }
        for sink in pipeline.sinks { _ = PlanPrinter.physical(planner.planSink(sink)) }
        for name in planner.shared.sorted() { _ = PlanPrinter.physical(planner.planShared(name)) }
    }
    return outcome
}

// MARK: - Seeds

struct MutationSeed: Sendable {
    var name: String
    var text: String
}

/// The specs mutants are made from: the seed pipeline, the examples of docs/language.md that compile, two
/// small specs of this test target, and a few invalid fixtures (so mutants also start from broken specs).
func mutationSeeds() -> [MutationSeed] {
    var seeds: [MutationSeed] = []
    if let seed = try? seedPipelineText() { seeds.append(MutationSeed(name: "seed pipeline", text: seed)) }
    for example in documentationExamples() where example.lintsClean {
        seeds.append(MutationSeed(name: "docs/language.md:\(example.line)", text: example.text))
    }
    seeds.append(MutationSeed(name: "deriveSpec", text: deriveSpec(["total": "quantity * unit_price", "big": "quantity > 10"],
                                                                    steps: "      - filter: sku <> 'x'\n")))
    seeds.append(MutationSeed(name: "miniSpec join", text: miniSpec("""
        transforms:
          t:
            from: pos_sales
            steps:
              - join: {with: inventory, type: left, on: [sku], right_prefix: inv_}
              - aggregate: {group_by: [store_id], measures: {n: count(*), q: sum(quantity), s: max(inv_opening_stock)}}
              - sort: [n desc, store_id]
              - limit: 10
        sinks:
          out: {type: warehouse, from: t, table: t, mode: merge, key: [store_id]}
          alerts: {type: alert, from: t, when: "n > 1", message: "store {store_id}: {n}"}

        """)))
    for name in ["multiple_errors", "seed_typo_keys", "union_mismatch", "yaml_unclosed_flow_mapping"] {
        if let text = try? invalidFixtureText(name) { seeds.append(MutationSeed(name: "invalid/\(name)", text: text)) }
    }
    return seeds
}

// MARK: - Mutations

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, well-mixed generator, seeded for reproducibility.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Makes mutants of spec text. Every mutation adds at most `maxGrowth` bytes and nesting stays within the
/// depths `boundedNesting` shows safe, so each mutant is processed quickly.
struct MutationEngine {
    static let maxGrowth = 4_096
    /// The longest run of one fragment (an operator repeated this often nests expressions this deep).
    static let maxRun = 100
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// Characters and fragments that mean something to YAML, to the expression language or to paths.
    static let fragments: [String] = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "#", " #", "&a ", "*a", "!", "!!str ", "|", ">", "'", "\"", "%",
        "@", "`", "?", "? ", "\t", "\n", "\r\n", " ", "  ", "\\", "${", "}", "${run_date}", "${nope}", "$", "$run_date",
        "$min_abs_discrepancy", "(", ")", "*", "/", "/ 0", "% 0", "+", "||", "=", "<>", "..", "../", "/", "~", "null",
        "~", "true", "no", "on", "0", "-1", "1e999", "99999999999999999999", "0.000000000000000000000000000000000000001",
        "'2024-02-30'", "date '2024-13-01'", "timestamp 'x'", "cast(", " as ", " and ", " or ", " not ", " is null",
        " between 1 and ", " in (", "case when ", " then ", " else ", " end", "sum(", "count(*)", "count(", "max(",
        "coalesce(", "abs(", "\u{0}", "\u{7}", "\u{FEFF}", "\u{FFFD}", "é", "→", "😀", "\u{202E}", "\u{0301}",
        "<<: *a", "---\n", "...\n", "%YAML 1.2\n", "&x [*x]",
    ]

    /// Words of the spec language, swapped in for other words to make mutants that parse but mean something else.
    static let vocabulary: [String] = [
        "version", "name", "description", "params", "warehouse", "max_rejects", "rejects_path", "sources", "transforms",
        "sinks", "type", "default", "format", "path", "header", "delimiter", "columns", "nullable", "from", "steps",
        "filter", "derive", "select", "drop", "rename", "aggregate", "join", "union", "distinct", "sort", "limit",
        "group_by", "measures", "with", "on", "right_prefix", "left", "right", "inner", "full", "semi", "anti", "csv",
        "alert", "table", "mode", "key", "partition_by", "merge", "replace", "replace_partition", "partitioned",
        "when", "severity", "message", "output", "int", "decimal(10,2)", "double", "string", "bool", "date",
        "timestamp", "not null", "sku", "quantity", "pos_sales", "inventory", "daily_sales", "products",
        "reconciliation", "date_key", "run_date", "critical", "info", "warning", "stdout", "true", "false",
    ]

    /// One random mutation of `text`, and its name.
    mutating func mutate(_ text: String) -> (String, String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let n = lines.count
        switch int(16) {
        case 0:
            guard n > 1 else { return (text, "none") }
            lines.remove(at: int(n))
            return (lines.joined(separator: "\n"), "delete line")
        case 1:
            guard n > 1 else { return (text, "none") }
            lines.swapAt(int(n), int(n))
            return (lines.joined(separator: "\n"), "swap lines")
        case 2:
            let i = int(n)
            lines.insert(lines[i], at: int(n + 1))
            return (lines.joined(separator: "\n"), "duplicate line")
        case 3:
            // Re-indent a line: YAML structure changes.
            let i = int(n)
            let indent = String(repeating: pick([" ", "\t"]), count: int(9))
            lines[i] = indent + lines[i].drop { $0 == " " }
            return (lines.joined(separator: "\n"), "reindent line")
        case 4:
            var s = Array(text.unicodeScalars)
            guard !s.isEmpty else { return (text, "none") }
            let at = int(s.count)
            s.removeSubrange(at..<min(s.count, at + 1 + int(pick([1, 4, 40]))))
            return (String(String.UnicodeScalarView(s)), "delete characters")
        case 5, 6:
            return (insert(pick(Self.fragments), into: text), "insert fragment")
        case 7:
            var s = Array(text.unicodeScalars)
            guard !s.isEmpty else { return (text, "none") }
            s[int(s.count)] = pick(Array(Self.fragments.joined().unicodeScalars))
            return (String(String.UnicodeScalarView(s)), "replace character")
        case 8:
            // Raw bytes, including invalid UTF-8 (decoded as U+FFFD), NUL and control characters.
            var bytes = Array(text.utf8)
            let junk: [UInt8] = (0..<(1 + int(8))).map { _ in
                pick([0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF,
                      UInt8(truncatingIfNeeded: rng.next())])
            }
            bytes.insert(contentsOf: junk, at: int(bytes.count + 1))
            return (String(decoding: bytes, as: UTF8.self), "insert bytes")
        case 9:
            return (swapWord(text), "swap word")
        case 10:
            return (replaceNumber(text), "huge number")
        case 11:
            let depth = 1 + int(pick([8, 64, Self.maxRun]))
            let nest = pick([
                String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                String(repeating: "{a: ", count: depth) + "x" + String(repeating: "}", count: depth),
                String(repeating: "[", count: depth),
                String(repeating: "(", count: min(depth, 40)) + "1" + String(repeating: ")", count: min(depth, 40)),
                String(repeating: "(", count: min(depth, 40)),
                String(repeating: "- ", count: min(depth, 100)) + "x",
            ])
            return (insert(nest, into: text), "deep nesting")
        case 12:
            return (insert(pick(["\"", "'", "[", "]", "{", "}", "(", ")", "'''", "\"\\", "{{", "}}", "${", "`"]), into: text),
                    "unbalanced quote or bracket")
        case 13:
            // Replace a value after `: ` on some line with another value from the text.
            let i = int(n)
            guard let colon = lines[i].range(of: ": ") else { return (text, "none") }
            let other = lines[int(n)]
            let value = other.range(of: ": ").map { String(other[$0.upperBound...]) } ?? other
            lines[i] = String(lines[i][..<colon.upperBound]) + value
            return (lines.joined(separator: "\n"), "replace value")
        case 14:
            // A long run of one character or fragment.
            let piece = pick(Self.fragments)
            // At most `maxRun` repeats: longer runs of an operator overflow the stack today (see `knownCrashers`).
            let count = min(Self.maxGrowth / max(piece.utf8.count, 1), 1 + int(pick([10, 50, Self.maxRun])))
            return (insert(String(repeating: piece, count: count), into: text), "long run")
        default:
            // Truncate: an unfinished file.
            let s = Array(text.unicodeScalars)
            return (String(String.UnicodeScalarView(s.prefix(int(s.count + 1)))), "truncate")
        }
    }

    mutating func insert(_ piece: String, into text: String) -> String {
        var s = Array(text.unicodeScalars)
        s.insert(contentsOf: piece.unicodeScalars, at: int(s.count + 1))
        return String(String.UnicodeScalarView(s))
    }

    mutating func swapWord(_ text: String) -> String {
        let words = text.matches(of: /[A-Za-z_][A-Za-z0-9_]*/)
        guard !words.isEmpty else { return text }
        let w = words[int(words.count)]
        let replacement = int(3) == 0 ? String(words[int(words.count)].output) : pick(Self.vocabulary)
        return text.replacingCharacters(in: w.range, with: replacement)
    }

    mutating func replaceNumber(_ text: String) -> String {
        let numbers = text.matches(of: /[0-9]+/)
        let huge = pick(["9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                         String(repeating: "9", count: 1 + int(300)), "1e308", "1e309", "0.\(String(repeating: "0", count: 60))1",
                         "-0", "00", "0x10", "1_000", "1.", ".5", "1e", "NaN", "inf"])
        guard !numbers.isEmpty else { return insert(huge, into: text) }
        return text.replacingCharacters(in: numbers[int(numbers.count)].range, with: huge)
    }

    // MARK: Generated specs

    /// A spec whose only transform filters with `predicate`.
    static func expressionSpec(_ predicate: String) -> String {
        """
        version: 1
        sources:
          s:
            path: s/*.csv
            columns: {a: int}
        transforms:
          t:
            from: s
            steps:
              - filter: "\(predicate)"
        sinks:
          o: {type: csv, from: t, path: o.csv}
        """
    }

    static func nestedFlowLists(depth: Int) -> String {
        "version: 1\nx: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\nsources: {}\nsinks: {}\n"
    }

    static func nestedFlowMappings(depth: Int) -> String {
        "version: 1\nx: " + String(repeating: "{a: ", count: depth) + "b" + String(repeating: "}", count: depth) + "\nsources: {}\nsinks: {}\n"
    }

    static func nestedBlockLists(depth: Int) -> String {
        var text = "version: 1\nx:\n"
        for i in 0..<depth { text += String(repeating: " ", count: 2 * i + 2) + "-\n" }
        return text + "sources: {}\nsinks: {}\n"
    }

    static func wideSpec(columns: Int) -> String {
        let cols = (0..<columns).map { "c\($0): int" }.joined(separator: ", ")
        let sum = (0..<min(columns, 200)).map { "c\($0)" }.joined(separator: " + ")
        return """
        version: 1
        sources:
          s:
            path: s/*.csv
            columns: {\(cols)}
        transforms:
          t:
            from: s
            steps:
              - derive: {total: "\(sum)"}
              - aggregate: {group_by: [c0, c1], measures: {n: count(*), t: sum(total)}}
        sinks:
          o: {type: csv, from: t, path: o.csv}
        """
    }
}
