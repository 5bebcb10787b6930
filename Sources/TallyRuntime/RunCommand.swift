import TallyCompiler
import TallyDiagnostics

/// `tally run` and `tally explain` as library calls returning the process exit code
/// (0 success, 1 spec or run failure, 2 I/O or usage).
public enum RunCommand {
    /// Loads and compiles a spec, printing its diagnostics; nil when it has errors.
    static func compile(_ specPath: String, _ input: CompilerOptionsInput, color: Bool, err: (String) -> Void) -> (CompiledPipeline?, Int32) {
        let file: SpecFile
        do {
            file = try SpecFile.load(specPath, options: input.options)
        } catch {
            err("error: \(error)")
            return (nil, 2)
        }
        if !file.diagnostics.isEmpty { err(file.renderer(color: color).render(file.diagnostics)) }
        guard let pipeline = file.pipeline else {
            err("error: \(specPath) has \(file.diagnostics.errors.count) error(s); nothing was run")
            return (nil, 1)
        }
        return (pipeline, 0)
    }

    public static func explain(specPath: String, options: CompilerOptionsInput, root: String, color: Bool,
                               format: Explainer.Format = .text, out: (String) -> Void, err: (String) -> Void) -> Int32 {
        let (pipeline, code) = compile(specPath, options, color: color, err: err)
        guard let pipeline else { return code }
        let explainer = Explainer(pipeline: pipeline, root: root)
        out(explainer.render(format))
        let missing = explainer.missingInputs
        for s in missing { err("error: source `\(s.name)`: no files match `\(s.path)` under `\(root)`") }
        return missing.isEmpty ? 0 : 1
    }

    public static func run(specPath: String, options: CompilerOptionsInput, root: String, color: Bool,
                           threads: Int = RunOptions.defaultThreads,
                           out: @escaping @Sendable (String) -> Void, err: (String) -> Void) -> Int32 {
        let (pipeline, code) = compile(specPath, options, color: color, err: err)
        guard let pipeline else { return code }
        do {
            let report = try Runner(pipeline: pipeline, options: RunOptions(root: root, threads: threads, stdout: out)).run()
            err(report.summary)
            return 0
        } catch {
            err("error: run failed: \(error)")
            return 1
        }
    }
}
