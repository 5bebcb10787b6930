import Foundation
import TallyCompiler
import TallyDiagnostics
import TallySpec

/// A spec file read from disk, decoded and (when it decodes) compiled.
public struct SpecFile: Sendable {
    public var path: String
    public var text: String
    public var spec: PipelineSpec?
    public var pipeline: CompiledPipeline?
    /// Every diagnostic of decoding and compiling, warnings included.
    public var diagnostics: Diagnostics

    /// Reads, decodes and compiles the spec at `path`. I/O failures throw; spec problems land in `diagnostics`.
    public static func load(_ path: String, options: Compiler.Options) throws -> SpecFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError("cannot read spec `\(path)`", hint: "check the path")
        }
        let text = String(decoding: data, as: UTF8.self)
        var (spec, diags) = SpecDecoder.parse(text, file: path)
        var pipeline: CompiledPipeline?
        if let spec, !diags.hasErrors {
            let (compiled, compileDiags) = Compiler.compile(spec, options: options)
            pipeline = compiled
            diags.append(contentsOf: compileDiags)
        } else if let spec {
            // Report semantic errors too, so one lint run shows everything it can.
            diags.append(contentsOf: Compiler.compile(spec, options: options).1)
        }
        return SpecFile(path: path, text: text, spec: spec, pipeline: diags.hasErrors ? nil : pipeline, diagnostics: diags)
    }

    /// A renderer that can show this file's source lines.
    public func renderer(color: Bool) -> TextRenderer {
        TextRenderer(sources: [path: text], color: color)
    }
}

/// A failure outside the spec: missing input files, I/O, a data error, too many rejected rows.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message + (hint.map { "\n  = hint: \($0)" } ?? "") }
}
