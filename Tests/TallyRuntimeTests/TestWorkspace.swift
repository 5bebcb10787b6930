import Foundation
import TallyCompiler
import TallyConnectors
import TallyRuntime

/// A temporary data root seeded from a fixture folder, with helpers to run the seed pipeline in it.
final class TestWorkspace {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let retailSpec = repository.appendingPathComponent("pipelines/retail_inventory_reconciliation.yaml").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    let root: String

    init(fixture: String? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tally-test-" + UUID().uuidString).path
        if let fixture {
            try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent(fixture).path, toPath: root)
        } else {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path(relative))), as: UTF8.self)
    }

    /// Compiles the spec for `date`; fails the caller on spec errors.
    func compile(_ spec: String = TestWorkspace.retailSpec, date: String, params: [String] = []) throws -> CompiledPipeline {
        let input = CompilerOptionsInput(date: date, params: params, warehouse: nil, allowOutsideRoot: false)
        let file = try SpecFile.load(spec, options: input.options)
        guard let pipeline = file.pipeline else { throw RuntimeError("spec errors:\n\(file.diagnostics)") }
        return pipeline
    }

    /// Runs the spec for `date` and returns the report and the lines the run printed.
    @discardableResult
    func run(_ spec: String = TestWorkspace.retailSpec, date: String, params: [String] = [],
             threads: Int = RunOptions.defaultThreads) throws -> RunReport {
        try Runner(pipeline: compile(spec, date: date, params: params),
                   options: RunOptions(root: root, threads: threads, stdout: { _ in })).run()
    }

    /// Rows of a warehouse query, each rendered as `a|b|c` (NULL for nulls).
    func query(_ sql: String) throws -> [String] {
        let db = try SQLiteWarehouse(path: path("warehouse/tally.db"))
        return try db.rows(sql).map { $0.map(\.description).joined(separator: "|") }
    }

    /// Every file under the root with its bytes, for before/after comparisons.
    func snapshot() throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = URL(fileURLWithPath: root)
        for case let relative as String in FileManager.default.enumerator(atPath: root) ?? FileManager.DirectoryEnumerator() {
            let url = base.appendingPathComponent(relative)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                result[relative] = try Data(contentsOf: url)
            }
        }
        return result
    }
}
