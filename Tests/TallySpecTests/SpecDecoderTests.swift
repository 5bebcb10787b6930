import Foundation
import Testing
import TallyDiagnostics
@testable import TallySpec

@Suite struct SeedSpecDecodingTests {
    let spec: PipelineSpec
    let diagnostics: Diagnostics

    init() throws {
        let (spec, diags) = SpecDecoder.parse(try seedPipelineText(), file: "pipelines/retail_inventory_reconciliation.yaml")
        self.spec = try #require(spec)
        diagnostics = diags
    }

    @Test func decodesWithoutDiagnostics() {
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func topLevelFields() {
        #expect(spec.version?.value == 1)
        #expect(spec.name?.value == "retail_inventory_reconciliation")
        #expect(spec.name.map { range($0.span) } == "6:7-6:38")
        #expect(spec.warehouse?.value == "sqlite:warehouse/tally.db")
        #expect(spec.maxRejects?.value == 0)
        #expect(spec.rejectsPath == nil)
        #expect(spec.description?.hasPrefix("Stage daily point-of-sale sales per SKU") == true)
        #expect(spec.file == "pipelines/retail_inventory_reconciliation.yaml")
    }

    @Test func counts() {
        #expect(spec.params.count == 1)
        #expect(spec.sources.map(\.name.value) == ["pos_sales", "inventory"])
        #expect(spec.transforms.map(\.name.value) == ["daily_sales", "products", "reconciliation", "sold_not_in_inventory"])
        #expect(spec.sinks.map(\.name.value) == ["dim_products", "fact_daily_sales", "fact_inventory_reconciliation",
                                                 "reconciliation_files", "discrepancy_alerts", "unknown_sku_alerts"])
    }

    @Test func param() throws {
        let p = try #require(spec.params.first)
        #expect(p.name.value == "min_abs_discrepancy")
        #expect(range(p.name.span) == "12:3-12:22")
        #expect(p.type.value == "int")
        #expect(p.defaultValue?.value == "1")
        #expect(p.defaultValue.map { pos($0.span.start) } == "14:14")
    }

    @Test func sourceColumns() throws {
        let pos_sales = try #require(spec.sources.first)
        #expect(pos_sales.path.value == "pos/date=${run_date}/*.csv")
        #expect(pos_sales.format.value == "csv")
        #expect(pos_sales.header)
        #expect(pos_sales.columns.map(\.name.value) == ["transaction_id", "store_id", "sku", "product_name", "category",
                                                        "quantity", "unit_price", "sold_at"])
        #expect(pos_sales.columns.map(\.type.value) == ["string", "string", "string", "string", "string", "int",
                                                        "decimal(10,2)", "timestamp"])
        #expect(pos_sales.columns.map(\.nullable) == [false, false, false, true, true, false, false, false])
        let inventory = try #require(spec.sources.last)
        #expect(inventory.columns.map(\.name.value) == ["sku", "opening_stock", "actual_closing_stock"])
    }

    @Test func reconciliationSteps() throws {
        let t = try #require(spec.transforms.first { $0.name.value == "reconciliation" })
        #expect(t.input.value == "inventory")
        #expect(t.steps.map(\.keyword.value) == ["join", "join", "derive", "select", "sort"])
        guard case .join(let j) = t.steps[0].kind else {
            Issue.record("first step is not a join")
            return
        }
        #expect(j.right.value == "daily_sales")
        #expect(j.kind.value == "left")
        #expect(j.on.map(\.left.value) == ["sku"])
        #expect(j.rightPrefix?.value == "sales_")
        #expect(j.rightPrefix.map { range($0.span) } == "73:25-73:31")
        guard case .derive(let entries) = t.steps[2].kind else {
            Issue.record("third step is not a derive")
            return
        }
        #expect(entries.map(\.name.value) == ["date_key", "quantity_sold", "expected_closing_stock", "discrepancy_amount"])
        #expect(entries[1].expr.text == "coalesce(sales_total_quantity_sold, 0)")
        #expect(pos(entries[1].expr.span.start) == "80:26")
        guard case .sort(let keys) = t.steps[4].kind else {
            Issue.record("last step is not a sort")
            return
        }
        #expect(keys.map(\.column.value) == ["sku"])
        #expect(keys.map(\.descending) == [false])
    }

    @Test func sinks() throws {
        let kinds = spec.sinks.map { sink -> String in
            switch sink.kind {
            case .csv: "csv"
            case .warehouse: "warehouse"
            case .alert: "alert"
            }
        }
        #expect(kinds == ["warehouse", "warehouse", "warehouse", "csv", "alert", "alert"])
        guard case .warehouse(let w) = spec.sinks[0].kind else { return }
        #expect(w.mode.value == "merge")
        #expect(w.key.map(\.value) == ["sku"])
        guard case .warehouse(let f) = spec.sinks[1].kind else { return }
        #expect(f.mode.value == "replace_partition")
        #expect(f.partitionBy?.value == "date_key")
        guard case .alert(let a) = spec.sinks[4].kind else { return }
        #expect(a.when?.text == "abs(discrepancy_amount) >= $min_abs_discrepancy")
        #expect(a.severity?.value == "warning")
        #expect(a.output?.value == "alerts/date=${run_date}/discrepancies.jsonl")
        guard case .csv(let c) = spec.sinks[3].kind else { return }
        #expect(c.partitioned)
        #expect(c.path.value == "curated/reconciliation")
    }
}

@Suite struct SpecDecoderErrorTests {
    static let minimal = """
    version: 1
    sources:
      s:
        path: in.csv
        columns: {id: int}
    sinks:
      out: {type: csv, from: s, path: out.csv}

    """

    func decode(_ text: String) -> (PipelineSpec?, [Diagnostic]) {
        let (spec, diags) = SpecDecoder.parse(text, file: "t.yaml")
        return (spec, diags.all)
    }

    @Test func minimalSpecDecodesCleanly() throws {
        let (spec, diags) = decode(Self.minimal)
        #expect(diags.isEmpty)
        #expect(try #require(spec).sources.first?.columns.first?.type.value == "int")
    }

    @Test(arguments: [
        // (text, code, position, message, hint)
        ("version: 1\nsorces: {}\nsinks: {}\n", "E103", "2:1", "unknown key `sorces` in the spec", "did you mean `sources`?"),
        ("version: 1\nsources:\n  s:\n    pth: in.csv\n    columns: {id: int}\nsinks: {}\n", "E103", "4:5",
         "unknown key `pth` in source `s`", "did you mean `path`?"),
        ("sources:\n  s:\n    path: x.csv\n    colums: {id: int}\nsinks: {}\n", "E103", "4:5",
         "unknown key `colums` in source `s`", "did you mean `columns`?"),
        ("sources: {}\ntransforms:\n  t:\n    from: s\n    steps:\n      - fliter: id > 1\nsinks: {}\n", "E103", "6:9",
         "unknown step `fliter` in transform `t`", "did you mean `filter`?"),
        ("sources: {}\nsinks:\n  o: {type: csv, from: s, path: o.csv, partitoned: true}\n", "E103", "3:40",
         "unknown key `partitoned` in sink `o`", "did you mean `partitioned`?"),
        ("sources: {}\nsinks: {}\nzzzz: 1\n", "E103", "3:1", "unknown key `zzzz` in the spec",
         "available keys: `version`, `name`, `description`, `params`, `warehouse`, `max_rejects`, `rejects_path`, `sources`, ..."),
    ])
    func unknownKeys(text: String, code: String, at position: String, message: String, hint: String) throws {
        let (_, diags) = decode(text)
        let d = try #require(diags.first { $0.code.rawValue == code }, "\(diags)")
        #expect(pos(d.span.start) == position)
        #expect(d.message == message)
        #expect(d.hint == hint)
    }

    @Test func misspeltSectionAlsoReportsTheMissingOne() {
        let (_, diags) = decode("version: 1\nsorces: {}\nsinks: {}\n")
        #expect(diags.map(\.code) == [.unknownKey, .missingKey])
        #expect(diags.last?.message == "the spec needs `sources`")
        #expect(diags.last.map { pos($0.span.start) } == "1:1")
    }

    @Test(arguments: [
        ("sources:\n  s:\n    columns: {id: int}\nsinks: {}\n", "3:5", "source `s` needs `path`"),
        ("sources:\n  s: {path: a.csv}\nsinks: {}\n", "2:6", "source `s` needs `columns`"),
        ("sources: {}\ntransforms:\n  t:\n    steps: []\nsinks: {}\n", "4:5", "transform `t` needs `from`"),
        ("sources: {}\nsinks:\n  o:\n    from: t\n    path: x.csv\n", "4:5", "sink `o` needs `type`"),
        ("sources: {}\nsinks:\n  o: {type: warehouse, from: t}\n", "3:6", "sink `o` needs `table`"),
        ("sources: {}\ntransforms:\n  t:\n    from: s\n    steps:\n      - aggregate: {group_by: [a]}\nsinks: {}\n", "6:20",
         "the `aggregate` step of transform `t` needs `measures`"),
        ("sources: {}\ntransforms:\n  t:\n    from: s\n    steps:\n      - join: {with: x}\nsinks: {}\n", "6:15",
         "the `join` step of transform `t` needs `on`"),
        ("sinks: {}\n", "1:1", "the spec needs `sources`"),
        ("", "1:1", "the spec is empty"),
    ])
    func missingKeys(text: String, at position: String, message: String) throws {
        let (_, diags) = decode(text)
        let d = try #require(diags.first { $0.code == .missingKey }, "\(diags)")
        #expect(pos(d.span.start) == position)
        #expect(d.message == message)
    }

    @Test(arguments: [
        ("max_rejects: many\nsources: {}\nsinks: {}\n", "1:14", "`max_rejects` of the spec must be an integer, found `many`"),
        ("sources: [a, b]\nsinks: {}\n", "1:10", "`sources` must be a mapping of names, found a list"),
        ("sources: {}\ntransforms:\n  t: {from: s, steps: {filter: x}}\nsinks: {}\n", "3:23",
         "`steps` of transform `t` must be a list, found a mapping"),
        ("sources: {}\ntransforms:\n  t:\n    from: s\n    steps:\n      - limit: -1\nsinks: {}\n", "6:16",
         "the `limit` step of transform `t` must be a non-negative integer, found `-1`"),
        ("sources:\n  s:\n    path: a.csv\n    header: maybe\n    columns: {id: int}\nsinks: {}\n", "4:13",
         "`header` of source `s` must be true or false, found `maybe`"),
    ])
    func wrongValueTypes(text: String, at position: String, message: String) throws {
        let (_, diags) = decode(text)
        let d = try #require(diags.first { $0.code == .wrongValueType }, "\(diags)")
        #expect(pos(d.span.start) == position)
        #expect(d.message == message)
    }

    @Test func allStructuralProblemsAreReportedTogether() {
        let (_, diags) = decode("""
        version: 2
        sources:
          s:
            pth: in.csv
            columns: {id: int}
        sinks:
          o: {type: cvs, from: s}

        """)
        #expect(diags.map(\.code.rawValue).sorted() == ["E103", "E105", "E106", "E108"])
        #expect(diags.first { $0.code == .invalidValue }?.hint == "did you mean `csv`?")
    }

    @Test func distinctFalseIsRefused() {
        let (_, diags) = decode("sources: {}\ntransforms:\n  t:\n    from: s\n    steps:\n      - distinct: false\nsinks: {}\n")
        #expect(diags.map(\.code) == [.invalidValue])
        #expect(diags.first.map { pos($0.span.start) } == "6:19")
        #expect(diags.first?.message == "`distinct: false` has no effect")
    }

    @Test func columnNotNullSpellings() throws {
        let (spec, diags) = decode("""
        sources:
          s:
            path: a.csv
            columns:
              a: int not null
              b: int!
              c: {type: string, nullable: false}
              d: {type: string}
              e: decimal(10, 2) NOT NULL
        sinks: {}

        """)
        #expect(diags.isEmpty)
        let columns = try #require(spec?.sources.first?.columns)
        #expect(columns.map(\.type.value) == ["int", "int", "string", "string", "decimal(10, 2)"])
        #expect(columns.map(\.nullable) == [false, false, false, true, false])
    }

    @Test func sortItems() throws {
        let (spec, diags) = decode("""
        sources: {}
        transforms:
          t:
            from: s
            steps:
              - sort: [a, b desc, c asc nulls first, d desc nulls last]
        sinks: {}

        """)
        #expect(diags.isEmpty)
        guard case .sort(let items)? = spec?.transforms.first?.steps.first?.kind else {
            Issue.record("no sort step")
            return
        }
        #expect(items.map(\.column.value) == ["a", "b", "c", "d"])
        #expect(items.map(\.descending) == [false, true, false, true])
        #expect(items.map(\.nullsFirst) == [nil, nil, true, false])
        #expect(items.map { range($0.column.span) } == ["6:16-6:17", "6:19-6:20", "6:27-6:28", "6:46-6:47"])
    }
}
