import TallyCompiler

/// What `SampleDataGenerator.generate` wrote for one day.
public struct SampleDaySummary: Sendable, Hashable {
    public var date: Int32
    public var posFiles: Int
    public var posRows: Int
    /// POS rows with a negative quantity (returns).
    public var returns: Int
    public var inventoryRows: Int
    /// SKUs whose actual closing stock differs from the book value (injected deltas).
    public var discrepancies: Int
    /// SKUs sold that day but left out of that day's inventory file.
    public var missingInventory: Int
}

/// What `SampleDataGenerator.generate` wrote.
public struct GenerationSummary: Sendable, Hashable {
    /// Paths of the files written, relative to the output folder, in writing order.
    public var files: [String]
    public var days: [SampleDaySummary]
}

/// Generates a deterministic sample shop: point-of-sale exports, daily inventory counts and the
/// expected findings (ground truth for end-to-end tests, computed here without tally's engine).
///
/// For each date D (`YYYY-MM-DD`) it writes, under `out`:
/// - `pos/date=D/pos_store_NNN.csv` for 2–4 stores: `transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at`.
///   Quantities are mostly 1–5; about 3% of rows are returns with quantity -1 or -2.
/// - `inventory/date=D/inventory.csv`: `sku,opening_stock,actual_closing_stock` for every catalogue SKU
///   except 1–3 SKUs that were sold that day (left out on purpose).
/// - `expected/date=D/discrepancies.csv`: `sku,discrepancy_amount` and
///   `expected/date=D/missing_inventory.csv`: `sku`.
///
/// Stock model: `book_closing = opening_stock - net_quantity_sold` (returns count negative), and
/// `actual_closing_stock = book_closing + delta`, where `delta` is non-zero for about 2% of the listed
/// SKUs (−5…−1 or +1…+3) and zero otherwise; `discrepancy_amount = actual_closing_stock - book_closing = delta`.
/// The next day's opening stock is the previous actual closing stock plus any restock: the shop adds
/// 100 units at a time before opening until the book closing of the day would be at least 20, so stock
/// never goes negative. The same seed always produces byte-identical files.
public enum SampleDataGenerator {
    public static func generate(out: String, from: Int32, days: Int, skus: Int, rowsPerDay: Int,
                                seed: UInt64) throws -> GenerationSummary {
        precondition(days >= 0 && skus > 0 && rowsPerDay >= 0, "invalid sample data size")
        var rng = SplitMix64(seed: seed)
        let prices = (0..<skus).map { _ in Int128(99 + rng.below(5000)) }
        var stock = (0..<skus).map { _ in 50 + rng.below(150) }
        var nextTransaction = 1
        var summary = GenerationSummary(files: [], days: [])

        for k in 0..<days {
            let date = from + Int32(k)
            let day = CivilDate.format(days: date)

            // Sales, grouped by store.
            let stores = rng.sample(Array(1...8), count: rng.int(in: 2...4))
            var sales: [[Sale]] = Array(repeating: [], count: stores.count)
            var sold = [Int](repeating: 0, count: skus)
            var soldPositive = [Bool](repeating: false, count: skus)
            var returns = 0
            for _ in 0..<rowsPerDay {
                let store = rng.below(stores.count)
                let sku = rng.below(skus)
                let quantity = rng.chance(3) ? -rng.int(in: 1...2) : [1, 1, 1, 2, 2, 3, 4, 5][rng.below(8)]
                let second = 8 * 3600 + rng.below(14 * 3600)
                sales[store].append(Sale(transaction: nextTransaction, sku: sku, quantity: quantity, second: second))
                nextTransaction += 1
                sold[sku] += quantity
                if quantity > 0 { soldPositive[sku] = true } else { returns += 1 }
            }

            // Inventory: a few sold SKUs are missing; ~2% of the rest get a counting difference.
            let soldSkus = (0..<skus).filter { soldPositive[$0] }
            let missing = Set(rng.sample(soldSkus, count: min(3, max(1, soldSkus.count / 50))))
            let listed = (0..<skus).filter { !missing.contains($0) }
            var delta = [Int](repeating: 0, count: skus)
            for sku in rng.sample(listed, count: max(1, listed.count * 2 / 100)) {
                delta[sku] = rng.chance(70) ? -rng.int(in: 1...5) : rng.int(in: 1...3)
            }
            var opening = [Int](repeating: 0, count: skus)
            for sku in 0..<skus {
                var open = stock[sku]
                while open - sold[sku] < 20 { open += 100 }
                opening[sku] = open
                stock[sku] = open - sold[sku] + delta[sku]
            }

            // Files.
            var writer = SampleFileWriter(out: out)
            for (s, store) in stores.enumerated() {
                let rows = sales[s].sorted { ($0.second, $0.transaction) < ($1.second, $1.transaction) }
                let storeId = String(store)
                let name = "pos/date=\(day)/pos_store_\(String(repeating: "0", count: 3 - storeId.count) + storeId).csv"
                try writer.write(name, header: ["transaction_id", "store_id", "sku", "product_name", "category",
                                                "quantity", "unit_price", "sold_at"],
                                 rows: rows.map { sale in
                    let product = SampleDataCatalogue.product(sale.sku)
                    return [String(sale.transaction), storeId, SampleDataCatalogue.sku(sale.sku), product.name,
                            product.category, String(sale.quantity), DecimalFormat.format(prices[sale.sku], scale: 2),
                            day + " " + clock(sale.second)]
                })
            }
            try writer.write("inventory/date=\(day)/inventory.csv",
                             header: ["sku", "opening_stock", "actual_closing_stock"],
                             rows: listed.map { [SampleDataCatalogue.sku($0), String(opening[$0]), String(stock[$0])] })
            let discrepant = listed.filter { delta[$0] != 0 }
            try writer.write("expected/date=\(day)/discrepancies.csv", header: ["sku", "discrepancy_amount"],
                             rows: discrepant.map { [SampleDataCatalogue.sku($0), String(delta[$0])] })
            try writer.write("expected/date=\(day)/missing_inventory.csv", header: ["sku"],
                             rows: missing.sorted().map { [SampleDataCatalogue.sku($0)] })

            summary.files += writer.written
            summary.days.append(SampleDaySummary(
                date: date, posFiles: stores.count, posRows: rowsPerDay, returns: returns, inventoryRows: listed.count,
                discrepancies: discrepant.count, missingInventory: missing.count))
        }
        return summary
    }

    private struct Sale {
        var transaction: Int
        var sku: Int
        var quantity: Int
        var second: Int
    }

    /// `HH:MM:SS` of a second of the day.
    private static func clock(_ second: Int) -> String {
        [second / 3600, second / 60 % 60, second % 60]
            .map { $0 < 10 ? "0" + String($0) : String($0) }
            .joined(separator: ":")
    }
}

/// Writes the generator's small CSV files atomically, quoting fields as RFC 4180 requires.
private struct SampleFileWriter {
    let out: String
    var written: [String] = []
    private let encoder = CSVFieldEncoder(options: CSVOptions())

    init(out: String) { self.out = out }

    mutating func write(_ name: String, header: [String], rows: [[String]]) throws {
        var bytes: [UInt8] = []
        for fields in [header] + rows {
            for (i, field) in fields.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                encoder.appendField(field, to: &bytes)
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        let file = try AtomicFileWriter(path: out + "/" + name)
        try file.write(bytes)
        try file.commit()
        written.append(name)
    }
}
