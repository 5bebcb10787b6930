#!/bin/sh
# Builds tally's libraries in release mode into .build-csv, links bench/scan/main.swift against them
# and runs it with the given arguments (see main.swift). Set NO_BUILD=1 to reuse the last build,
# DEFINES="-D HAS_PARTITIONS" when CSVScan.partitions exists.
set -e
cd "$(dirname "$0")/../.."
B=.build-csv
[ -n "$NO_BUILD" ] || swift build -c release --scratch-path $B --product tally >/dev/null
R=$B/release
OBJS=$(ls $R/TallyDiagnostics.build/*.o $R/TallySpec.build/*.o $R/TallyCompiler.build/*.o \
          $R/TallyEngine.build/*.o $R/TallyConnectors.build/*.o $R/CScanKernels.build/*.o)
swiftc -O ${DEFINES:--D HAS_PARTITIONS} -I $R/Modules -I Sources/CSQLite -I Sources/CYAML -I Sources/CScanKernels/include \
  bench/scan/main.swift $OBJS -lsqlite3 -lyaml -o $R/scanbench
exec $R/scanbench "$@"
