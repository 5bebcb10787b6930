import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

@Suite struct PathAndParamTests {
    func spec(path: String) -> String {
        """
        sources:
          s:
            path: \(path)
            columns: {id: int}
        sinks:
          out: {type: csv, from: s, path: out.csv}

        """
    }

    @Test func plainPathSubstitution() throws {
        let (pipeline, _) = try compileOK(spec(path: "raw/${run_date}/part-${run_date}.csv"))
        #expect(pipeline.sources.first?.path == "raw/2024-03-01/part-2024-03-01.csv")
    }

    @Test(arguments: [
        // (path as written, expected E207 column). `path: ` ends at column 11.
        ("raw/${nope}.csv", 15),
        ("raw/${run_date}/${nope}.csv", 27),
        ("${x}", 11),
    ])
    func unresolvedSubstitutionInAPlainPath(path: String, column: Int) {
        let (_, diags) = compileText(spec(path: path))
        #expect(errorKeys(diags) == ["E207@3:\(column)"])
    }

    @Test func unresolvedSubstitutionSpanCoversTheReference() throws {
        let (_, diags) = compileText(spec(path: "raw/${nope}.csv"))
        let d = try #require(diags.errors.first)
        #expect(d.span.end.column - d.span.start.column == "${nope}".count)
        #expect(d.message == "`${nope}` in path does not name a parameter")
    }

    /// In a quoted path the reference is reported at its `$`, inside the quotes.
    @Test func unresolvedSubstitutionInAQuotedPath() {
        let (_, diags) = compileText(spec(path: "\"raw/${nope}.csv\""))
        #expect(errorKeys(diags) == ["E207@3:16"])
        #expect(diags.errors.map(\.code) == [.unresolvedSubstitution])
    }

    @Test func unterminatedSubstitution() {
        let (_, diags) = compileText(spec(path: "raw/${run_date.csv"))
        #expect(errorKeys(diags) == ["E207@3:11"])
        #expect(diags.errors.first?.message == "unterminated `${` in path")
    }

    @Test func allowOutsideRootAcceptsEscapingPaths() throws {
        let (specValue, _) = SpecDecoder.parse(spec(path: "../shared/in.csv"), file: "t.yaml")
        let s = try #require(specValue)
        let (refused, d1) = Compiler.compile(s, options: .init(runDate: runDate))
        #expect(refused == nil)
        #expect(d1.errors.map(\.code) == [.pathOutsideRoot])
        let (allowed, d2) = Compiler.compile(s, options: .init(runDate: runDate, allowOutsideRoot: true))
        #expect(!d2.hasErrors)
        #expect(allowed?.sources.first?.path == "../shared/in.csv")
    }

    /// A required param that was not given is reported once (E105), not again as unknown (E204) at each use.
    @Test func missingRequiredParamIsReportedOnce() {
        let (_, diags) = compileText("""
        params:
          min_qty: int
        sources:
          s: {path: in.csv, columns: {id: int}}
        transforms:
          t:
            from: s
            steps:
              - filter: id > $min_qty
        sinks:
          out: {type: csv, from: t, path: out.csv}

        """)
        #expect(errorKeys(diags) == ["E105@2:3"])
    }

    @Test func runDateCannotBeDeclared() {
        let (_, diags) = compileText("""
        params:
          run_date: date
        sources:
          s: {path: in.csv, columns: {id: int}}
        sinks:
          out: {type: csv, from: s, path: out.csv}

        """)
        #expect(errorKeys(diags) == ["E205@2:3"])
    }
}

@Suite struct SchemaRuleTests {
    /// Column names are matched case-insensitively (select, rename, join and the warehouse all treat
    /// `quantity` and `Quantity` as one name), so a derive must not add a second column that differs only in case.
    @Test func deriveReplacesAColumnWhoseNameDiffersOnlyInCase() throws {
        let (pipeline, _) = try compileOK(deriveSpec(["Quantity": "quantity + 1"]))
        let schema = try #require(pipeline.schema(of: "t"))
        #expect(schema.names == ["transaction_id", "store_id", "sku", "product_name", "Quantity", "unit_price", "sold_at"])
    }

    /// The error points at the name inside its quotes.
    @Test func deriveOfAnInvalidColumnName() {
        let (_, diags) = compileText(deriveSpec(["\"bad name\"": "1"]))
        #expect(errorKeys(diags) == ["E106@16:12"])
    }

    @Test func selectingTheSameColumnTwiceIsAnError() {
        let (_, diags) = compileText(miniSpec("""
        transforms:
          t:
            from: inventory
            steps:
              - select: [sku, SKU]
        sinks:
          out: {type: csv, from: t, path: out.csv}
          p: {type: csv, from: pos_sales, path: p.csv}

        """))
        #expect(errorKeys(diags) == ["E205@15:23"])
    }

    @Test func renameClash() {
        let (_, diags) = compileText(miniSpec("""
        transforms:
          t:
            from: inventory
            steps:
              - rename: {opening_stock: sku}
        sinks:
          out: {type: csv, from: t, path: out.csv}
          p: {type: csv, from: pos_sales, path: p.csv}

        """))
        #expect(errorKeys(diags) == ["E205@15:33"])
    }

    @Test(arguments: [
        ("inner", "(sku: string not null, opening_stock: int not null, actual_closing_stock: int not null, r_opening_stock: int not null, r_actual_closing_stock: int not null)"),
        ("left", "(sku: string not null, opening_stock: int not null, actual_closing_stock: int not null, r_opening_stock: int, r_actual_closing_stock: int)"),
        ("right", "(sku: string not null, opening_stock: int, actual_closing_stock: int, r_opening_stock: int not null, r_actual_closing_stock: int not null)"),
        ("full", "(sku: string not null, opening_stock: int, actual_closing_stock: int, r_opening_stock: int, r_actual_closing_stock: int)"),
        ("semi", "(sku: string not null, opening_stock: int not null, actual_closing_stock: int not null)"),
        ("anti", "(sku: string not null, opening_stock: int not null, actual_closing_stock: int not null)"),
    ])
    func joinOutputSchemaAndNullability(kind: String, schema: String) throws {
        let (pipeline, _) = try compileOK(miniSpec("""
        transforms:
          t:
            from: inventory
            steps:
              - join: {with: inventory, type: \(kind), on: [sku], right_prefix: r_}
        sinks:
          out: {type: csv, from: t, path: out.csv}
          p: {type: csv, from: pos_sales, path: p.csv}

        """))
        #expect(pipeline.schema(of: "t")?.description == schema)
    }

    @Test func unionAlignsColumnsByNameAndWidensNullability() throws {
        let (pipeline, _) = try compileOK(miniSpec("""
        transforms:
          a:
            from: pos_sales
            steps:
              - select: [sku, product_name]
          b:
            from: pos_sales
            steps:
              - select: [product_name, sku]
              - derive: {product_name: "coalesce(product_name, '?')"}
          c:
            from: b
            steps:
              - union: [a]
        sinks:
          out: {type: csv, from: c, path: out.csv}
          inv: {type: csv, from: inventory, path: inv.csv}

        """))
        #expect(pipeline.schema(of: "c")?.description == "(product_name: string, sku: string not null)")
    }

    @Test func warehouseSinkNeedsAWarehouse() {
        let (_, diags) = compileText("""
        sources:
          s: {path: in.csv, columns: {id: int}}
        sinks:
          w: {type: warehouse, from: s, table: t}

        """)
        #expect(errorKeys(diags) == ["E405@4:3"])
    }

    @Test func replacePartitionNeedsPartitionBy() {
        let (_, diags) = compileText("""
        warehouse: sqlite:w.db
        sources:
          s: {path: in.csv, columns: {id: int}}
        sinks:
          w: {type: warehouse, from: s, table: t, mode: replace_partition}

        """)
        #expect(errorKeys(diags) == ["E105@5:49"])
    }
}

@Suite struct HintTextTests {
    @Test func suggestionForAMisspeltNode() {
        let (_, diags) = compileText(miniSpec("""
        transforms:
          t: {from: inventroy}
        sinks:
          out: {type: csv, from: t, path: out.csv}

        """))
        #expect(diags.errors.first?.hint == "did you mean `inventory`?")
    }

    /// `Suggestion.hint` makes the plural by appending "s" to the kind, which is wrong for some kinds.
    @Test func listOfAvailableNamesIsGrammatical() {
        let (_, severity) = compileText("""
        sources:
          s: {path: in.csv, columns: {id: int}}
        sinks:
          a: {type: alert, from: s, severity: urgent}

        """)
        let (_, node) = compileText(miniSpec("""
        transforms:
          t: {from: zzz}
        sinks:
          out: {type: csv, from: t, path: out.csv}

        """))
        #expect(severity.errors.first?.hint?.hasSuffix("`info`, `warning`, `critical`") == true)
        #expect(node.errors.first?.hint?.hasSuffix("`pos_sales`, `inventory`, `t`") == true)
        #expect(severity.errors.first?.hint == "available severities: `info`, `warning`, `critical`")
        #expect(node.errors.first?.hint == "available sources and transforms: `pos_sales`, `inventory`, `t`")
    }
}
