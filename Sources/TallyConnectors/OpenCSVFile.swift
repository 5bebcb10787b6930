import TallyCompiler
import TallyDiagnostics

/// A CSV file opened for scanning: its bytes, where its records begin (past the BOM and header), and
/// where each declared column is in its records.
struct OpenCSVFile {
    let file: SourceFile
    let mapped: MappedFile
    /// First byte after the header line (after the BOM without a header).
    let dataStart: Int
    /// Physical line number at `dataStart`.
    let dataLine: Int
    /// Fields every record must have.
    let fieldCount: Int
    /// For each declared column, the 0-based field holding it.
    let declaredToField: [Int]

    init(file: SourceFile, schema: Schema, options: CSVOptions) throws {
        self.file = file
        mapped = try MappedFile(path: file.path, name: file.name)
        let bytes = mapped.bytes
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let start = bytes.count >= 3 && bytes.prefix(3).elementsEqual(bom) ? 3 : 0
        var reader = CSVRecordReader(bytes: bytes, options: options, start: start)

        guard options.header else {
            dataStart = start
            dataLine = 1
            fieldCount = schema.count
            declaredToField = Array(0..<schema.count)
            return
        }
        var buffer = CSVFieldBuffer()
        defer { buffer.deallocate() }
        guard let header = reader.next(fields: &buffer) else {
            throw ConnectorError("the file is empty; expected a header line naming the columns "
                                 + schema.names.joined(separator: ", "), path: file.name)
        }
        if let problem = header.problem {
            throw ConnectorError("malformed header on line \(header.line): \(problem)", path: file.name)
        }
        let names = buffer.array.map { f in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[f.start..<f.end]), as: UTF8.self)
                .replacingOccurrences(of: "\"\"", with: "\"", when: f.escaped)
                .trimmingSpaces()
        }
        dataStart = reader.position
        dataLine = reader.line
        fieldCount = names.count
        declaredToField = try Self.resolve(header: names, schema: schema, file: file.name)
    }

    /// The whole file as one segment producing the declared `columns`.
    func segment(columns: [Int]) -> CSVSegment {
        CSVSegment(file: file, mapped: mapped, start: dataStart, end: mapped.bytes.count, line: dataLine,
                   fieldCount: fieldCount, fieldIndex: columns.map { declaredToField[$0] },
                   accountedBytes: mapped.bytes.count, lastOfFile: true)
    }

    /// Finds each declared column in the header by case-insensitive name.
    private static func resolve(header: [String], schema: Schema, file: String) throws -> [Int] {
        var positions: [String: [Int]] = [:]
        for (i, name) in header.enumerated() { positions[name.lowercased(), default: []].append(i) }

        var result: [Int] = []
        var missing: [String] = []
        var hints: [String] = []
        for field in schema.fields {
            let found = positions[field.name.lowercased()] ?? []
            if found.count > 1 {
                throw ConnectorError(
                    "the header names column `\(field.name)` more than once (fields "
                        + found.map { String($0 + 1) }.joined(separator: " and ") + ")", path: file)
            }
            if let i = found.first {
                result.append(i)
            } else {
                missing.append(field.name)
                if let close = Suggestion.closest(to: field.name, in: header) {
                    hints.append("for `\(field.name)`, did you mean `\(close)`?")
                }
                result.append(-1)
            }
        }
        guard missing.isEmpty else {
            let list = missing.map { "`\($0)`" }.joined(separator: ", ")
            let message = missing.count == 1
                ? "the header has no column \(list)"
                : "the header has no columns \(list)"
            let hint = hints.isEmpty
                ? "the header's columns are " + header.map { "`\($0)`" }.joined(separator: ", ")
                : hints.joined(separator: "; ")
            throw ConnectorError(message + " (line 1)", path: file, hint: hint)
        }
        return result
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String, when condition: Bool) -> String {
        guard condition else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    fileprivate func trimmingSpaces() -> String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
