// Engine micro-benchmark: hash aggregate and hash join over in-memory batches.
// Built by bench/engine/build.sh together with Sources/TallyEngine (one module), so it needs
// no package target. Usage: engine-bench [rows] [distinct] [threads]
import Foundation
import TallyCompiler

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let args = CommandLine.arguments
let rows = args.count > 1 ? Int(args[1])! : 2_000_000
let distinct = args.count > 2 ? Int(args[2])! : 200_000
let threads = args.count > 3 ? Int(args[3])! : 1
let categories = ["Beverages", "Snacks", "Dairy", "Bakery", "Produce", "Frozen", "Household", "Personal Care",
                  "Électronique", "Toys"]

let fixedNames = ProcessInfo.processInfo.environment["ENGINE_BENCH_NAMES"] == "fixed"
let names = ["Goat cheese", "Dish soap, lemon", "Sparkling water 6 x 1.5 l", "Crème fraîche \"light\"",
             "Whole grain bread", "Organic bananas, 1 kg", "Toothpaste", "Frozen peas, extra fine"]

func makeBatches(rows: Int, distinct: Int, seed: UInt64) -> [Batch] {
    var rng = Rng(s: seed)
    var batches: [Batch] = []
    var done = 0
    while done < rows {
        let n = min(Batch.defaultSize, rows - done)
        var sku = StringArray(), name = StringArray(), cat = StringArray()
        var qty = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            let k = Int(rng.next() % UInt64(distinct))
            let variant = rng.next() % 4
            sku.append("SKU-\(100000 + k)")
            // ENGINE_BENCH_NAMES=fixed: one name per key, as in the generated POS data (17-34 bytes).
            name.append(fixedNames ? "\(names[k % names.count]) #\(k)"
                                   : "Product \(k) \(variant == 0 ? "Deluxe" : "Classic") pack")
            cat.append(categories[(k + Int(variant / 3)) % categories.count])
            qty[i] = Int64(rng.next() % 12) - 1
        }
        batches.append(Batch(columns: [Column(type: .string, values: .string(sku)),
                                       Column(type: .string, values: .string(name)),
                                       Column(type: .string, values: .string(cat)),
                                       Column(type: .int, values: .int(qty))], count: n))
        done += n
    }
    return batches
}

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Best wall time and best CPU time (all threads) of `times` runs. The machine may be shared:
/// CPU time is the steadier number of the two when it is loaded.
func time<T>(_ label: String, rows: Int, repeat times: Int = 5, _ body: () throws -> T) rethrows -> T {
    var best = Double.infinity, bestCPU = Double.infinity
    var result: T?
    for _ in 0..<times {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let c0 = cpuSeconds()
        result = try body()
        bestCPU = min(bestCPU, cpuSeconds() - c0)
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        best = min(best, dt)
    }
    print(String(format: "%-44@ wall %7.3f s (%6.1f M rows/s)  cpu %7.3f s (%6.1f M rows/cpu-s)", label as NSString,
                 best, Double(rows) / best / 1e6, bestCPU, Double(rows) / bestCPU / 1e6))
    return result!
}

let inputSchema = Schema([Field("sku", .string), Field("product_name", .string), Field("category", .string),
                          Field("quantity", .int)])
let data = makeBatches(rows: rows, distinct: distinct, seed: 42)
let scanNode = ScanExec(source: "pos", columns: [0, 1, 2, 3], schema: inputSchema)
let aggPlan = PhysicalPlan.hashAggregate(HashAggregateExec(
    input: .scan(scanNode), groupKeys: [0],
    aggregates: [AggregateCall(.sum, argument: 3, type: ExprType(.int, nullable: true)),
                 AggregateCall(.max, argument: 1, type: ExprType(.string, nullable: true)),
                 AggregateCall(.max, argument: 2, type: ExprType(.string, nullable: true))],
    schema: Schema([Field("sku", .string), Field("q", .int), Field("p", .string), Field("c", .string)])))

/// Serves the data, split into `parts` contiguous partitions when asked.
final class BenchContext: ExecutionContext {
    let batches: [Batch]
    init(_ batches: [Batch]) { self.batches = batches }
    func scan(_ node: ScanExec) throws -> BatchStream { MaterializedStream(batches) }
    func node(_ ref: NodeRefExec) throws -> BatchStream { throw EngineError(.planMismatch, "none") }
#if PARTITIONS
    func scanPartitions(_ node: ScanExec, count: Int) throws -> [BatchStream] {
        let per = (batches.count + count - 1) / count
        return stride(from: 0, to: batches.count, by: max(per, 1)).map {
            MaterializedStream(Array(batches[$0..<min($0 + per, batches.count)]))
        }
    }
#endif
}

let context = BenchContext(data)
#if PARTITIONS
let executor = PlanExecutor(threads: threads)
#else
let executor = PlanExecutor()
#endif
let out = try time("aggregate \(rows) rows / \(distinct) keys t=\(threads)", rows: rows) {
    try executor.run(aggPlan, context: context)
}
print("  groups:", out.reduce(0) { $0 + $1.count })

// Join: inventory-like left side (one row per key) left-joined with the aggregate output.
let aggregated = Batch.concat(out, schema: aggPlan.schema)
var invSku = StringArray()
var invQty = [Int64]()
var rng = Rng(s: 7)
for k in 0..<distinct {
    invSku.append("SKU-\(100000 + (k * 7919) % distinct)")
    invQty.append(Int64(rng.next() % 100))
}
let inventory = [Batch(columns: [Column(type: .string, values: .string(invSku)), Column(type: .int, values: .int(invQty))],
                       count: distinct)]
let invSchema = Schema([Field("sku", .string), Field("opening", .int)])
let joinPlan = PhysicalPlan.hashJoin(HashJoinExec(
    left: .scan(ScanExec(source: "inv", columns: [0, 1], schema: invSchema)),
    right: .scan(ScanExec(source: "agg", columns: [0, 1, 2, 3], schema: aggPlan.schema)),
    kind: .left, leftKeys: [0], rightKeys: [0],
    output: [.left(0), .left(1), .right(1), .right(2)],
    schema: Schema([Field("sku", .string), Field("opening", .int), Field("q", .int), Field("p", .string)])))
let joinContext = ClosureExecutionContext(scan: { node in
    node.source == "inv" ? MaterializedStream(inventory.flatMap { chunked($0) }) : MaterializedStream(out)
})
let joined = try time("left join \(distinct) x \(aggregated.count)", rows: distinct + aggregated.count) {
    try PlanExecutor().run(joinPlan, context: joinContext)
}
print("  joined rows:", joined.reduce(0) { $0 + $1.count })
// Checksum so that optimizations can be verified to keep the output identical.
var h: UInt64 = 1469598103934665603
for b in out { for r in 0..<min(b.count, 50) { for v in b.row(r) { for c in "\(v)".utf8 { h = (h ^ UInt64(c)) &* 1099511628211 } } } }
let agg = Batch.concat(out, schema: aggPlan.schema)
var total: Int64 = 0
for v in agg.columns[1].values.ints { total &+= v }
print("  checksum:", h, "sum:", total, "last:", agg.row(agg.count - 1))
