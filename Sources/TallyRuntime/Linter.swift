import Foundation
import TallyCompiler
import TallyDiagnostics

/// `tally lint`: compiles every spec under the given paths and collects their diagnostics.
public struct Linter {
    public var options: Compiler.Options

    public init(options: Compiler.Options) {
        self.options = options
    }

    /// The spec files named by `paths`: files as given, folders searched recursively for `*.yaml`/`*.yml`.
    public static func specFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw RuntimeError("no such file or folder `\(path)`")
            }
            if !isDir.boolValue {
                files.append(path)
                continue
            }
            let found = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
                .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            files.append(contentsOf: found)
        }
        return files
    }

    /// Lints each file; the result keeps the files in order.
    public func lint(_ paths: [String]) throws -> [SpecFile] {
        try Self.specFiles(paths).map { try SpecFile.load($0, options: options) }
    }
}
