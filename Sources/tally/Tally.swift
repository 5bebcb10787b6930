import ArgumentParser
import Foundation
import CMalloc

/// The `tally` command: lint, explain and run pipeline specs.
@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Declarative data pipelines: lint, explain and run YAML specs.",
        subcommands: [Lint.self, Explain.self, Run.self, Generate.self, Demo.self, Fmt.self])

    /// Usage errors exit with 2, as documented; everything else keeps ArgumentParser's behaviour.
    static func main() {
        #if canImport(Glibc)
        // Blocks of 8 MiB and more get their own mappings and go back to the system when freed.
        // glibc otherwise raises this threshold after the first such free, and later large blocks
        // stay in the heap arenas of the threads that freed them: a run's peak memory would then be
        // the sum of its stages instead of the largest one. Below it, the columns of a few hundred
        // thousand rows that the sinks build and drop reuse heap pages instead of faulting in new
        // ones. (The engine's hash tables and group states map their own memory: `LargeMemory`.)
        mallopt(M_MMAP_THRESHOLD, 8 << 20)
        // Freed heap memory stays with the process (up to 64 MiB at the top of the heap) instead of
        // going back to the system at once, and all threads share one heap: the sinks' threads then
        // reuse the pages the scan and aggregate threads freed instead of faulting in fresh zeroed
        // pages (about a tenth of the 10M day's page faults and 5% of its CPU time on a 2-core VM).
        // The engine allocates per batch, not per row, so the threads hardly contend for the heap.
        mallopt(M_TRIM_THRESHOLD, 64 << 20)
        mallopt(M_ARENA_MAX, 1)
        #endif
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
