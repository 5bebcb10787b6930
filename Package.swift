// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
        .library(name: "TallyRuntime", targets: ["TallyRuntime"]),
        // libFuzzer target for the spec front end; see docs/fuzzing.md for the fuzzing build.
        .executable(name: "tally-fuzz", targets: ["tally-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        // Vector byte classification for the CSV scan (SSE2 / NEON, portable fallback).
        .target(name: "CScanKernels"),
        // glibc's malloc.h (allocator tuning in the CLI).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Prefetch hints and mremap for the engine's hash tables and group states (header only).
        .systemLibrary(name: "CMemory", path: "Sources/CMemory"),

        // One library per stage; imports point one way, top to bottom.
        .target(name: "TallyDiagnostics"),
        .target(name: "TallySpec", dependencies: ["TallyDiagnostics", "CYAML"]),
        .target(name: "TallyCompiler", dependencies: ["TallyDiagnostics", "TallySpec"]),
        .target(name: "TallyEngine", dependencies: ["TallyDiagnostics", "TallyCompiler", "CMemory"]),
        .target(name: "TallyConnectors", dependencies: ["TallyDiagnostics", "TallyCompiler", "TallyEngine", "CSQLite", "CScanKernels"]),
        .target(
            name: "TallyRuntime",
            dependencies: ["TallyDiagnostics", "TallySpec", "TallyCompiler", "TallyEngine", "TallyConnectors"]),
        .executableTarget(
            name: "tally",
            dependencies: ["TallyRuntime", "CMalloc", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "tally-fuzz", dependencies: ["TallyDiagnostics", "TallySpec", "TallyCompiler"]),

        .testTarget(name: "TallyDiagnosticsTests", dependencies: ["TallyDiagnostics"]),
        .testTarget(name: "TallySpecTests", dependencies: ["TallySpec"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TallyCompilerTests", dependencies: ["TallyCompiler"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TallyEngineTests", dependencies: ["TallyEngine"]),
        .testTarget(name: "TallyConnectorsTests", dependencies: ["TallyConnectors"]),
        .testTarget(name: "TallyRuntimeTests", dependencies: ["TallyRuntime", "TallyConnectors", "TallyCompiler", "TallyEngine"], resources: [.copy("Fixtures")]),
    ]
)
