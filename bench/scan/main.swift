// Scan throughput harness: times CSVScan over the POS files of a generated day.
//   bench/scan/run.sh [--columns sku,product_name,category,quantity|all] [--partitions N] [--runs R] FILE...
// Prints MB/s (10^6 bytes per second of wall time) per run and the best run.
import Foundation
import TallyCompiler
import TallyConnectors
import TallyEngine

let pos = Schema([
    Field("transaction_id", .string, nullable: false), Field("store_id", .string, nullable: false),
    Field("sku", .string, nullable: false), Field("product_name", .string), Field("category", .string),
    Field("quantity", .int, nullable: false), Field("unit_price", .decimal(precision: 10, scale: 2), nullable: false),
    Field("sold_at", .timestamp, nullable: false),
])

var args = Array(CommandLine.arguments.dropFirst())
var columnNames = ["sku", "product_name", "category", "quantity"]
var partitions = 0
var runs = 3
var files: [String] = []
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--columns": let v = args.removeFirst(); columnNames = v == "all" ? pos.names : v.split(separator: ",").map(String.init)
    case "--partitions": partitions = Int(args.removeFirst())!
    case "--runs": runs = Int(args.removeFirst())!
    default: files.append(a)
    }
}
let columns = columnNames.map { n in pos.names.firstIndex(of: n)! }
let sources = files.map { p in
    SourceFile(path: p, name: p, size: Int64((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0))
}
let totalBytes = sources.reduce(Int64(0)) { $0 + $1.size }

final class Box: @unchecked Sendable {
    var rows = 0
    var rejected = 0
    let scan: CSVScan
    init(_ scan: CSVScan) { self.scan = scan }
    func drain() {
        while let b = try! scan.next() { rows += b.count }
        rejected = scan.rowsRejected
    }
}

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

var best = 0.0
var bestCPU = 0.0
for run in 1...runs {
    let c0 = cpuSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    var rows = 0
    var rejected = 0
    var label = "single"
    if partitions == 0 {
        let box = Box(CSVScan(files: sources, schema: pos, columns: columns))
        box.drain()
        rows = box.rows
        rejected = box.rejected
    } else {
#if HAS_PARTITIONS
        let p0 = DispatchTime.now().uptimeNanoseconds
        let scans = try! CSVScan.partitions(files: sources, schema: pos, columns: columns, options: CSVOptions(),
                                            count: partitions)
        let planned = Double(DispatchTime.now().uptimeNanoseconds - p0) / 1e9
        let boxes = scans.map(Box.init)
        DispatchQueue.concurrentPerform(iterations: boxes.count) { i in boxes[i].drain() }
        rows = boxes.reduce(0) { $0 + $1.rows }
        rejected = boxes.reduce(0) { $0 + $1.rejected }
        label = String(format: "%d partitions, planned in %.3f s", boxes.count, planned)
#else
        fatalError("built without partitions")
#endif
    }
    let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    let cpu = cpuSeconds() - c0
    let mbs = Double(totalBytes) / 1e6 / secs
    let perCPU = Double(totalBytes) / 1e6 / cpu
    best = max(best, mbs)
    bestCPU = max(bestCPU, perCPU)
    print(String(format: "run %d (%@, %d columns): %d rows, %d rejected, wall %.3f s = %.0f MB/s; CPU %.3f s = %.0f MB/s per CPU-second",
                 run, label, columns.count, rows, rejected, secs, mbs, cpu, perCPU))
}
print(String(format: "best over %.1f MB: %.0f MB/s wall, %.0f MB/s per CPU-second", Double(totalBytes) / 1e6, best, bestCPU))
