// A libFuzzer target for the spec front end: bytes -> YAML parser -> spec decoder -> compiler -> renderer,
// and for specs that compile, the physical planner and the plan printer (what `tally lint` and `tally explain` do).
//
// Built normally (`swift build`) this is a tiny executable that explains how to build it for fuzzing.
// Built with `-DTALLY_FUZZ -sanitize=fuzzer -parse-as-library`, `main` hands over to libFuzzer's driver,
// which calls `LLVMFuzzerTestOneInput`. See docs/fuzzing.md for the exact commands.
import TallyCompiler
import TallyDiagnostics
import TallySpec

/// Runs one input through the front end. Any input must come back as a spec or diagnostics; a crash,
/// a hang or a broken invariant (a trap) is a finding.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    let file = "fuzz.yaml"
    let (spec, decodeDiags) = SpecDecoder.parse(text, file: file)
    var diags = decodeDiags
    if let spec {
        let runDate = CivilDate.days(year: 2024, month: 3, day: 1)
        let (pipeline, compileDiags) = Compiler.compile(spec, options: .init(runDate: runDate))
        diags.append(contentsOf: compileDiags)
        precondition((pipeline == nil) == compileDiags.hasErrors, "a pipeline must come back exactly when there is no error")
        if let pipeline, !decodeDiags.hasErrors {
            let planner = PhysicalPlanner(pipeline)
            for node in pipeline.nodes { _ = PlanPrinter.logical(node.plan) }
            for sink in pipeline.sinks { _ = PlanPrinter.physical(planner.planSink(sink)) }
            for name in planner.shared.sorted() { _ = PlanPrinter.physical(planner.planShared(name)) }
        }
    } else {
        precondition(decodeDiags.hasErrors, "a spec that does not decode must have an error")
    }
    let rendered = TextRenderer(sources: [file: text], color: false).render(diags)
    precondition(diags.isEmpty || !rendered.isEmpty, "diagnostics must render")
    _ = TextRenderer(sources: [file: text], color: true).render(diags)
}

#if TALLY_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// libFuzzer's entry point for programs that have their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM links an executable's `main` to `<module>_main`; hand control to libFuzzer from there.
@_cdecl("tally_fuzz_main")
public func tallyFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in LLVMFuzzerTestOneInput(data, size) }
}
#else
// Without libFuzzer: run each file named on the command line through the front end once (to replay a crash).
import Foundation

@main struct TallyFuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.isEmpty {
            print("tally-fuzz: built without libFuzzer. Build it with (see docs/fuzzing.md):")
            print("  swift build -c release --scratch-path .build-fuzz --product tally-fuzz \\")
            print("    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DTALLY_FUZZ")
            print("or pass files to replay them: tally-fuzz FILE...")
        }
        for path in arguments {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                continue
            }
            data.withUnsafeBytes { raw in fuzzOne(raw.bindMemory(to: UInt8.self)) }
            print("ok \(path)")
        }
    }
}
#endif
