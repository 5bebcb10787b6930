import Foundation
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

/// A fresh temporary directory, removed when the value is dropped.
final class TempDir {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-conn-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` (creating folders) and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let full = path + "/" + name
        let dir = (full as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    func read(_ name: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path + "/" + name) ?? Data(), as: UTF8.self)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }

    func list(_ name: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + name)) ?? []).sorted()
    }
}

extension Column {
    /// Row `i` as a `Value` (tests only).
    func testValue(_ i: Int) -> Value {
        if isNull(i) { return .null }
        switch values {
        case .int(let v): return .int(v[i])
        case .decimal(let v): return .decimal(v[i], scale: type.scale)
        case .double(let v): return .double(v[i])
        case .bool(let v): return .bool(v[i])
        case .string(let v): return .string(v.string(at: i))
        case .date(let v): return .date(v[i])
        case .timestamp(let v): return .timestamp(v[i])
        }
    }
}

/// Every row of every batch of `scan`, as values.
func readAll(_ scan: CSVScan) throws -> [[Value]] {
    var rows: [[Value]] = []
    while let batch = try scan.next() {
        for r in 0..<batch.count { rows.append(batch.columns.map { $0.testValue(r) }) }
    }
    return rows
}

/// Scans one CSV text with a schema.
func scanText(_ text: String, schema: Schema, columns: [Int]? = nil, options: CSVOptions = CSVOptions(),
              batchSize: Int = Batch.defaultSize) throws -> (rows: [[Value]], scan: CSVScan, dir: TempDir) {
    let dir = TempDir()
    let path = dir.write("in.csv", text)
    let scan = CSVScan(files: [SourceFile(path: path, name: "in.csv")], schema: schema, columns: columns,
                       options: options, batchSize: batchSize)
    return (try readAll(scan), scan, dir)
}

func dec(_ text: String, _ scale: Int) -> Value { .decimal(DecimalFormat.parse(text, scale: scale)!, scale: scale) }
