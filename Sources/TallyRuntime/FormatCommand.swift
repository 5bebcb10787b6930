import TallyDiagnostics
import TallySpec

/// The outcome of `tally fmt`: what to print and how to exit.
public struct FormatCommandResult: Sendable {
    /// One path per line: the files that were rewritten (or, with `--check`, that are not canonical).
    public var listing: [String]
    /// Diagnostics and notes for stderr.
    public var messages: [String]
    /// A one-line summary for stderr.
    public var summary: String
    /// 0, or 1 when a spec has YAML errors or (with `--check`) is not canonical.
    public var exitCode: Int32
    public var files: [SpecFileFormatter.Result]
}

/// `tally fmt` as a library call.
public enum FormatCommand {
    /// Formats the specs under `paths` (files, or folders searched for `*.yaml`/`*.yml`).
    /// Throws on usage and I/O errors (a missing path, an unreadable or unwritable file).
    public static func run(paths: [String], check: Bool, color: Bool) throws -> FormatCommandResult {
        var results: [SpecFileFormatter.Result] = []
        for path in try Linter.specFiles(paths) {
            do {
                results.append(try SpecFileFormatter.format(path: path, check: check))
            } catch {
                throw RuntimeError(error.description)
            }
        }
        var listing: [String] = []
        var messages: [String] = []
        var changed = 0
        var invalid = 0
        var failed = 0
        for r in results {
            switch r.status {
            case .unchanged:
                break
            case .reformatted:
                changed += 1
                listing.append(r.path)
            case .unsupported(let reason):
                messages.append("note: \(r.path): left unchanged: \(reason)")
            case .invalid(let diags):
                invalid += 1
                var rendered = TextRenderer(sources: [r.path: r.text], color: color).render(diags)
                while rendered.hasSuffix("\n") { rendered.removeLast() }
                messages.append(rendered)
                messages.append("\(r.path): not formatted: fix the YAML errors first")
            case .internalError(let reason):
                failed += 1
                messages.append("error: \(r.path): left unchanged: \(reason) (this is a bug in tally fmt)")
            }
        }
        let count = "\(results.count) spec\(results.count == 1 ? "" : "s")"
        var summary = check
            ? (changed == 0 && invalid + failed == 0 ? "checked \(count): all canonical" : "checked \(count): \(changed) not canonical" + (changed > 0 ? " (run `tally fmt` to rewrite)" : ""))
            : "formatted \(count): \(changed) rewritten"
        if invalid > 0 { summary += ", \(invalid) with YAML errors" }
        if failed > 0 { summary += ", \(failed) failed" }
        let exitCode: Int32 = invalid > 0 || failed > 0 || (check && changed > 0) ? 1 : 0
        return FormatCommandResult(listing: listing, messages: messages, summary: summary, exitCode: exitCode, files: results)
    }
}
