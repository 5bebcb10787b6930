import ArgumentParser
import TallyRuntime

extension Explainer.Format: ExpressibleByArgument {}

/// `tally explain`: what a run would do.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show params, input files, logical and physical plans and the writes of a run; reads no data rows.")

    @Argument(help: "The spec file.")
    var specPath: String

    @OptionGroup var spec: SpecOptions

    @Option(help: "Output: text, json (versioned), dot (Graphviz) or mermaid (the node graph).")
    var format: Explainer.Format = .text

    func run() throws {
        let code = RunCommand.explain(specPath: specPath, options: spec.compilerOptions, root: spec.root, color: spec.useColor,
                                      format: format, out: { print($0) }, err: printError)
        if code != 0 { throw ExitCode(code) }
    }
}
