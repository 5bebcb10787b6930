#!/bin/sh
# Builds bench/engine/engine-bench from Sources/TallyEngine + main.swift, linking the compiler
# modules from a release build (run `swift build -c release --scratch-path .build-eng` first).
# Pass -DPARTITIONS once PlanExecutor(threads:) exists. ENGINE_BENCH_BUILD=DIR uses another scratch path.
set -e
cd "$(dirname "$0")/../.."
B=${ENGINE_BENCH_BUILD:-.build-eng}/release
swiftc -O -wmo -module-name EngineBench "$@" \
  -I $B/Modules -I Sources/CYAML Sources/TallyEngine/*.swift bench/engine/main.swift \
  $B/TallyCompiler.build/*.o $B/TallySpec.build/*.o $B/TallyDiagnostics.build/*.o \
  -lyaml -o bench/engine/engine-bench 2>&1 | grep -v "^$" || true
