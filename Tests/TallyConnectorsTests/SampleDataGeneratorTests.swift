import Foundation
import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

@Suite struct SampleDataGeneratorTests {
    let start = CivilDate.days(year: 2024, month: 1, day: 1)
    let posSchema = Schema([
        Field("transaction_id", .int, nullable: false), Field("store_id", .int, nullable: false),
        Field("sku", .string, nullable: false), Field("product_name", .string), Field("category", .string),
        Field("quantity", .int, nullable: false), Field("unit_price", .decimal(precision: 10, scale: 2), nullable: false),
        Field("sold_at", .timestamp, nullable: false),
    ])
    let inventorySchema = Schema([
        Field("sku", .string, nullable: false), Field("opening_stock", .int, nullable: false),
        Field("actual_closing_stock", .int, nullable: false),
    ])

    /// Every file under `root`, relative path to contents.
    func snapshot(_ root: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for f in files {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + f, isDirectory: &isDir), !isDir.boolValue {
                result[f] = FileManager.default.contents(atPath: root + "/" + f)
            }
        }
        return result
    }

    @Test func sameSeedGivesIdenticalBytes() throws {
        let a = TempDir(), b = TempDir(), c = TempDir()
        let sa = try SampleDataGenerator.generate(out: a.path, from: start, days: 3, skus: 60, rowsPerDay: 300, seed: 42)
        let sb = try SampleDataGenerator.generate(out: b.path, from: start, days: 3, skus: 60, rowsPerDay: 300, seed: 42)
        _ = try SampleDataGenerator.generate(out: c.path, from: start, days: 3, skus: 60, rowsPerDay: 300, seed: 43)
        #expect(sa == sb)
        let snapA = snapshot(a.path)
        #expect(snapA == snapshot(b.path))
        #expect(snapA != snapshot(c.path))
        #expect(Set(snapA.keys) == Set(sa.files))
        #expect(sa.days.count == 3)
        #expect(sa.days.allSatisfy { (2...4).contains($0.posFiles) && $0.posRows == 300 && $0.missingInventory >= 1 })
    }

    @Test func expectedFindingsAgreeWithTheGeneratedFiles() throws {
        let dir = TempDir()
        let days = 4
        let summary = try SampleDataGenerator.generate(out: dir.path, from: start, days: days, skus: 200,
                                                       rowsPerDay: 1500, seed: 7)
        var previousClosing: [String: Int64] = [:]
        var names = Set<String>()
        for k in 0..<days {
            let day = CivilDate.format(days: start + Int32(k))

            // Net quantity sold per SKU, read back from the POS files.
            let posFiles = FileMatcher.match("pos/date=\(day)/*.csv", root: dir.path)
            #expect(posFiles.count == summary.days[k].posFiles)
            let pos = CSVScan(files: posFiles, schema: posSchema, columns: [2, 3, 5])
            var sold: [String: Int64] = [:]
            for row in try readAll(pos) {
                guard case .string(let sku) = row[0], case .string(let name) = row[1], case .int(let q) = row[2] else {
                    Issue.record("unexpected row \(row)")
                    continue
                }
                sold[sku, default: 0] += q
                names.insert(name)
            }
            #expect(pos.rowsRejected == 0 && pos.rowsPassed == 1500)

            let inventory = CSVScan(files: FileMatcher.match("inventory/date=\(day)/*.csv", root: dir.path),
                                    schema: inventorySchema)
            var discrepancies: [String] = []
            var listed = Set<String>()
            var closing: [String: Int64] = [:]
            for row in try readAll(inventory) {
                guard case .string(let sku) = row[0], case .int(let opening) = row[1], case .int(let actual) = row[2]
                else { continue }
                listed.insert(sku)
                #expect(actual >= 0)
                if let prev = previousClosing[sku] {
                    // Opening is yesterday's actual closing plus whole restocks of 100.
                    #expect(opening >= prev && (opening - prev) % 100 == 0)
                }
                closing[sku] = actual
                let diff = actual - (opening - sold[sku, default: 0])
                if diff != 0 { discrepancies.append("\(sku),\(diff)") }
            }
            // Only SKUs listed yesterday can be checked against yesterday's closing.
            previousClosing = closing
            let missing = sold.keys.filter { !listed.contains($0) }.sorted()
            #expect(listed.count + missing.count == 200)

            #expect(dir.read("expected/date=\(day)/discrepancies.csv")
                == (["sku,discrepancy_amount"] + discrepancies.sorted()).joined(separator: "\n") + "\n")
            #expect(dir.read("expected/date=\(day)/missing_inventory.csv")
                == (["sku"] + missing).joined(separator: "\n") + "\n")
            #expect(discrepancies.count == summary.days[k].discrepancies && !discrepancies.isEmpty)
            #expect(missing.count == summary.days[k].missingInventory)
        }
        #expect(names.contains("Crème brûlée, 200g"))
        #expect(names.contains("12\" ruler"))
        #expect(names.contains("Jalapeño \"hot\" sauce"))
    }

    @Test func posFilesLookRight() throws {
        let dir = TempDir()
        _ = try SampleDataGenerator.generate(out: dir.path, from: start, days: 1, skus: 30, rowsPerDay: 200, seed: 1)
        let files = FileMatcher.match("pos/date=2024-01-01/pos_store_*.csv", root: dir.path)
        let text = dir.read(files[0].name)
        #expect(text.hasPrefix("transaction_id,store_id,sku,product_name,category,quantity,unit_price,sold_at\n"))
        let rows = try readAll(CSVScan(files: files, schema: posSchema))
        #expect(rows.contains { if case .int(let q) = $0[5] { q < 0 } else { false } })
        #expect(rows.allSatisfy { if case .string(let s) = $0[2] { s.hasPrefix("SKU-0000") && s.count == 10 } else { false } })
        #expect(rows.allSatisfy { if case .decimal(_, let s) = $0[6] { s == 2 } else { false } })
    }
}
