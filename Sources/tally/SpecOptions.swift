import ArgumentParser
import Foundation
import TallyRuntime

/// Flags shared by the commands that compile a spec.
struct SpecOptions: ParsableArguments {
    @Option(name: .long, help: "The run date (YYYY-MM-DD); `run_date` in the spec. Default: today (UTC).")
    var date: String?

    @Option(name: .customLong("param"), help: "Set a declared parameter: --param name=value (repeatable).")
    var params: [String] = []

    @Option(name: .long, help: "Data root: relative paths in the spec resolve against it.")
    var root: String = "."

    @Option(name: .long, help: "Warehouse URL overriding the spec's, e.g. sqlite:warehouse/tally.db.")
    var warehouse: String?

    @Flag(name: .long, help: "Allow spec paths outside the data root.")
    var allowOutsideRoot = false

    @Option(name: .long, help: "Colour diagnostics: auto, always or never (NO_COLOR is honoured).")
    var color: ColorChoice = .auto

    func validate() throws {
        for p in params where !p.contains("=") {
            throw ValidationError("--param takes name=value, got `\(p)`")
        }
        if let date, CLIInput.date(date) == nil {
            throw ValidationError("--date must be a date as YYYY-MM-DD, got `\(date)`")
        }
    }

    var compilerOptions: CompilerOptionsInput {
        CompilerOptionsInput(date: date, params: params, warehouse: warehouse, allowOutsideRoot: allowOutsideRoot)
    }

    var useColor: Bool { color.enabled }
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
