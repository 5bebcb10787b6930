import Foundation
import TallyCompiler

/// Command-line values as typed by the user, turned into compiler options.
public struct CompilerOptionsInput: Sendable {
    public var date: String?
    /// `name=value` strings.
    public var params: [String]
    public var warehouse: String?
    public var allowOutsideRoot: Bool

    public init(date: String?, params: [String], warehouse: String?, allowOutsideRoot: Bool) {
        self.date = date
        self.params = params
        self.warehouse = warehouse
        self.allowOutsideRoot = allowOutsideRoot
    }

    /// The compiler options; the date defaults to today (UTC).
    public var options: Compiler.Options {
        var values: [String: String] = [:]
        for p in params {
            let parts = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return Compiler.Options(runDate: date.flatMap(CLIInput.date) ?? CLIInput.today, params: values,
                                warehouse: warehouse, allowOutsideRoot: allowOutsideRoot)
    }
}

/// Parsing of command-line values.
public enum CLIInput {
    /// Days since 1970-01-01 of `YYYY-MM-DD`.
    public static func date(_ text: String) -> Int32? { CivilDate.parseDate(text) }

    /// Today in UTC.
    public static var today: Int32 { Int32((Date().timeIntervalSince1970 / 86_400).rounded(.down)) }
}
