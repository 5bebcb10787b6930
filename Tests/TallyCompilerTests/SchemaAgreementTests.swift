import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// `grammar/tally-spec.schema.json` and the linter agree on structure: every spec that lints clean passes the
/// schema, and every fixture the linter refuses for its structure (unknown key E103, wrong value type E104,
/// missing key E105, unknown enum-like value E106) fails it.
///
/// The schema is checked by python3 with the `jsonschema` and `PyYAML` modules (`pip install jsonschema pyyaml`,
/// or `apt-get install python3-jsonschema python3-yaml`). Without them these tests fail; they never pass silently.
@Suite(.serialized) struct SchemaAgreementTests {
    @Test func pythonSchemaCheckerIsAvailable() throws {
        let results = try SchemaChecker.shared()
        #expect(!results.isEmpty)
    }

    @Test func validSpecsPassTheSchema() throws {
        let valid = validSpecs()
        #expect(valid.count >= 3, "expected the seed pipeline, structural/valid_*.yaml and documentation examples")
        let results = try SchemaChecker.shared()
        for spec in valid {
            let (_, diags) = compileText(spec.text, file: spec.name)
            #expect(!diags.hasErrors, "\(spec.name) must lint clean:\n\(diags)")
            let result = try #require(results[spec.name], "\(spec.name) was not checked")
            #expect(result.valid, "the schema refuses \(spec.name), which the linter accepts (schema too strict):\n\(result.errors.joined(separator: "\n"))")
        }
    }

    @Test(arguments: structuralFixtureNames())
    func structuralFixturesFailTheSchema(name: String) throws {
        let results = try SchemaChecker.shared()
        let result = try #require(results["invalid/\(name).yaml"], "invalid/\(name).yaml was not checked")
        let reasons = structuralErrors(try invalidFixtureText(name), file: "invalid/\(name).yaml")
        #expect(!reasons.isEmpty)
        #expect(!result.valid, "the schema accepts invalid/\(name).yaml, which the linter refuses for its structure (schema too loose):\n\(reasons.joined(separator: "\n"))")
    }

    @Test func structuralFixturesExist() {
        #expect(structuralFixtureNames().count >= 15)
    }
}

// MARK: - Which specs

struct NamedSpec: Sendable {
    var name: String
    var text: String
}

/// Specs that lint clean: the seed pipeline, `Fixtures/structural/valid_*.yaml` and the complete examples of
/// docs/language.md (fragments of a spec are not complete and do not lint clean, so they are left out).
func validSpecs() -> [NamedSpec] {
    var specs: [NamedSpec] = []
    if let seed = try? seedPipelineText() { specs.append(NamedSpec(name: "pipelines/retail_inventory_reconciliation.yaml", text: seed)) }
    if let base = try? fixturesURL().appendingPathComponent("structural"),
       let files = try? FileManager.default.contentsOfDirectory(atPath: base.path) {
        for file in files.sorted() where file.hasPrefix("valid_") && file.hasSuffix(".yaml") {
            if let text = try? String(contentsOf: base.appendingPathComponent(file), encoding: .utf8) {
                specs.append(NamedSpec(name: "structural/\(file)", text: text))
            }
        }
    }
    for example in documentationExamples() where example.lintsClean {
        specs.append(NamedSpec(name: "docs/language.md:\(example.line)", text: example.text))
    }
    return specs
}

/// A fenced ```yaml block of docs/language.md, with the line its text starts on.
struct DocumentationExample: Sendable {
    var line: Int
    var text: String

    var lintsClean: Bool {
        let (pipeline, diags) = compileText(text, file: "docs/language.md")
        return pipeline != nil && !diags.hasErrors
    }
}

func repositoryRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

func documentationExamples() -> [DocumentationExample] {
    guard let doc = try? String(contentsOf: repositoryRoot().appendingPathComponent("docs/language.md"), encoding: .utf8)
    else { return [] }
    var examples: [DocumentationExample] = []
    var current: (line: Int, lines: [String])?
    for (i, line) in doc.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if current == nil, line.trimmingCharacters(in: .whitespaces) == "```yaml" {
            current = (i + 2, [])
        } else if let c = current {
            if line.trimmingCharacters(in: .whitespaces) == "```" {
                examples.append(DocumentationExample(line: c.line, text: c.lines.joined(separator: "\n") + "\n"))
                current = nil
            } else {
                current?.lines.append(String(line))
            }
        }
    }
    return examples
}

/// The linter's structural errors for `text`: E103, E104 and E105 from the decoder, and E106 for an
/// unknown enum-like value (format, sink type, join type, load mode, severity) from either stage.
func structuralErrors(_ text: String, file: String) -> [String] {
    let (spec, decodeDiags) = SpecDecoder.parse(text, file: file)
    var structural = decodeDiags.errors.filter { [.unknownKey, .wrongValueType, .missingKey].contains($0.code) }
    var all = decodeDiags
    if let spec { all.append(contentsOf: Compiler.compile(spec, options: .init(runDate: runDate)).1) }
    let enumLike = ["unknown source format", "unknown sink type", "unknown join type", "unknown load mode", "unknown severity"]
    structural += all.errors.filter { d in d.code == .invalidValue && enumLike.contains { d.message.hasPrefix($0) } }
    return structural.map(\.description)
}

/// Invalid fixtures with at least one structural error (YAML syntax errors and alias bombs are not about
/// structure: the schema never sees a document).
func structuralFixtureNames() -> [String] {
    invalidFixtureNames().filter { name in
        guard let text = try? invalidFixtureText(name) else { return false }
        return !structuralErrors(text, file: name).isEmpty
    }
}

// MARK: - The python checker

/// Runs python3 once over every spec of interest and caches the verdicts by name.
enum SchemaChecker {
    struct Result: Sendable {
        var valid: Bool
        var errors: [String]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// YAML is read as tally reads it: YAML 1.2 core scalars, so `on`, `yes` and `no` stay strings and dates stay text.
    static let script = #"""
    import json, re, sys
    try:
        import yaml
        import jsonschema
    except ImportError as e:
        print("MISSING-MODULE " + str(e))
        sys.exit(3)

    class Core12Loader(yaml.SafeLoader):
        pass

    Core12Loader.yaml_implicit_resolvers = {}
    for tag, regexp, first in [
        ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
        ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
    ]:
        Core12Loader.add_implicit_resolver(tag, re.compile(regexp), first)

    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    out = {}
    for name, path in zip(sys.argv[2::2], sys.argv[3::2]):
        try:
            document = yaml.load(open(path, encoding="utf-8").read(), Loader=Core12Loader)
        except yaml.YAMLError as e:
            out[name] = {"valid": False, "errors": ["YAML: " + str(e).splitlines()[0]]}
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        out[name] = {"valid": not errors,
                     "errors": ["/".join(str(p) for p in e.absolute_path) + ": " + e.message[:300] for e in errors[:8]]}
    print(json.dumps(out))
    """#

    nonisolated(unsafe) static var cache: [String: Result]?
    static let lock = NSLock()

    static func shared() throws -> [String: Result] {
        lock.lock()
        defer { lock.unlock() }
        if let cache { return cache }
        let results = try run()
        cache = results
        return results
    }

    static func run() throws -> [String: Result] {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("tally-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        var arguments = ["python3", "-c", script, repositoryRoot().appendingPathComponent("grammar/tally-spec.schema.json").path]
        var specs = validSpecs()
        for name in structuralFixtureNames() {
            specs.append(NamedSpec(name: "invalid/\(name).yaml", text: try invalidFixtureText(name)))
        }
        for (i, spec) in specs.enumerated() {
            let file = temp.appendingPathComponent("\(i).yaml")
            try spec.text.write(to: file, atomically: true, encoding: .utf8)
            arguments += [spec.name, file.path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run python3 (\(error)); install python3 with the jsonschema and PyYAML modules")
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let outText = String(decoding: out, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if outText.hasPrefix("MISSING-MODULE") {
                throw Failure(description: "python3 lacks a module (\(outText.trimmingCharacters(in: .whitespacesAndNewlines))): "
                              + "pip install jsonschema pyyaml (or apt-get install python3-jsonschema python3-yaml)")
            }
            throw Failure(description: "python3 schema check failed (status \(process.terminationStatus)):\n\(outText)\n\(String(decoding: err, as: UTF8.self))")
        }
        guard let json = try JSONSerialization.jsonObject(with: out) as? [String: [String: Any]] else {
            throw Failure(description: "unreadable output of the python schema check:\n\(outText)")
        }
        return json.mapValues { Result(valid: $0["valid"] as? Bool ?? false, errors: $0["errors"] as? [String] ?? []) }
    }
}
