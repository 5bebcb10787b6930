import Foundation
import Testing
import TallyDiagnostics
import TallySpec
@testable import TallyCompiler

/// Result types of expressions, read from the schema of a `derive` over
/// `pos_sales(transaction_id, store_id, sku: string not null, product_name: string, quantity: int not null,
/// unit_price: decimal(10,2) not null, sold_at: timestamp not null)`.
@Suite struct TypeCheckerGoodTests {
    func derivedField(_ expr: String, sourceLocation: TestLoc = #_sourceLocation) throws -> Field {
        let (pipeline, _) = try compileOK(deriveSpec(["x": expr]), sourceLocation: sourceLocation)
        let schema = try #require(pipeline.schema(of: "t"), sourceLocation: sourceLocation)
        return try #require(schema.fields.last, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        // int widens to decimal(19,0); + and - add a digit: max(19-0, 10-2) + 2 + 1 = 22.
        ("quantity + unit_price", "decimal(22,2) not null"),
        ("unit_price - quantity", "decimal(22,2) not null"),
        // * adds precisions and scales.
        ("quantity * unit_price", "decimal(29,2) not null"),
        ("unit_price * unit_price", "decimal(20,4) not null"),
        // / gives decimal(38, max(6, scales)).
        ("unit_price / quantity", "decimal(38,6) not null"),
        ("unit_price % 3", "decimal(21,2) not null"),
        ("quantity + 1.5", "decimal(21,1) not null"),
        ("1.25 + 10.5", "decimal(5,2) not null"),
        ("quantity + 1", "int not null"),
        ("quantity / 2", "int not null"),
        ("quantity * 1e2", "double not null"),
        ("-9223372036854775808", "int not null"),
        ("-quantity", "int not null"),
        ("product_name", "string"),
        ("coalesce(product_name, 'n/a')", "string not null"),
        ("coalesce(product_name, null)", "string"),
        ("coalesce(null, quantity, unit_price)", "decimal(21,2) not null"),
        ("quantity > unit_price", "bool not null"),
        ("cast(store_id as int) > 3", "bool not null"),
        ("cast(unit_price as int) + quantity", "int not null"),
        ("sold_at >= '2024-03-01 08:00:00'", "bool not null"),
        ("date(sold_at) = $run_date", "bool not null"),
        ("quantity > null", "bool"),
        ("product_name = 'x'", "bool"),
        ("product_name is null", "bool not null"),
        ("quantity in (1, 2.5)", "bool not null"),
        ("quantity not between 1 and 10", "bool not null"),
        ("case when quantity > 0 then 'sale' end", "string"),
        ("case when quantity > 0 then 'sale' else 'return' end", "string not null"),
        ("if(quantity > 0, unit_price, 0)", "decimal(21,2) not null"),
        ("round(unit_price, 1)", "decimal(10,1) not null"),
        ("round(unit_price)", "decimal(10,0) not null"),
        ("length(sku)", "int not null"),
        ("upper(product_name)", "string"),
        ("sku || '-' || store_id", "string not null"),
        ("date_add($run_date, 1)", "date not null"),
        ("date_diff(date(sold_at), $run_date)", "int not null"),
        ("date '2024-02-29'", "date not null"),
        ("null", "string"),
    ])
    func resultType(expr: String, type: String) throws {
        let field = try derivedField(expr)
        #expect(field.name == "x")
        #expect(field.description == "x: \(type)")
    }

    @Test func aggregateResultTypes() throws {
        let (pipeline, _) = try compileOK(miniSpec("""
        transforms:
          t:
            from: pos_sales
            steps:
              - aggregate:
                  group_by: [sku, product_name]
                  measures:
                    n: count(*)
                    named: count(product_name)
                    total: sum(quantity)
                    revenue: sum(unit_price)
                    mean_qty: avg(quantity)
                    mean_price: avg(unit_price)
                    top_name: max(product_name)
                    last_sold: max(sold_at)
                    stores: count_distinct(store_id)
                    extended: sum(quantity * unit_price)
                    mixed: sum(quantity) + count(*)
                    any_store: any(store_id)
        sinks:
          out: {type: csv, from: t, path: out/t.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """))
        let schema = try #require(pipeline.schema(of: "t"))
        #expect(schema.fields.map(\.description) == [
            "sku: string not null", "product_name: string",
            "n: int not null", "named: int not null", "total: int", "revenue: decimal(38,2)",
            "mean_qty: decimal(38,6)", "mean_price: decimal(38,6)", "top_name: string", "last_sold: timestamp",
            "stores: int not null", "extended: decimal(38,2)", "mixed: int", "any_store: string",
        ])
    }

    @Test func sameAggregateIsComputedOnce() throws {
        let (pipeline, _) = try compileOK(miniSpec("""
        transforms:
          t:
            from: pos_sales
            steps:
              - aggregate:
                  group_by: [sku]
                  measures:
                    a: sum(quantity)
                    b: sum(quantity) * 2
        sinks:
          out: {type: csv, from: t, path: out/t.csv}
          inv: {type: csv, from: inventory, path: out/inv.csv}

        """))
        let node = try #require(pipeline.nodes.first)
        guard case .project(let p) = node.plan, case .aggregate(let agg) = p.input else {
            Issue.record("unexpected plan \(node.plan)")
            return
        }
        #expect(agg.calls.map(\.function) == [.sum])
    }

    @Test func lossyCastIsAWarningNotAnError() throws {
        let (_, diags) = try compileOK(deriveSpec(["x": "cast(unit_price as int)"]))
        #expect(diags.warnings.map(\.code) == [.lossyCast])
        // The derive entry `x: "..."` is on line 16; the expression starts at column 15.
        #expect(diags.warnings.map { pos($0.span.start) } == ["16:15"])
        let (_, exact) = try compileOK(deriveSpec(["x": "cast(quantity as decimal(19,0))"]))
        #expect(exact.warnings.isEmpty)
    }

    @Test func laterDeriveEntriesSeeEarlierOnes() throws {
        let (pipeline, _) = try compileOK(deriveSpec(["a_total": "quantity * unit_price", "b_double": "a_total * 2"]))
        let schema = try #require(pipeline.schema(of: "t"))
        #expect(schema.fields.suffix(2).map(\.description) == ["a_total: decimal(29,2) not null", "b_double: decimal(38,2) not null"])
    }

    @Test func deriveReplacesAColumnInPlace() throws {
        let (pipeline, _) = try compileOK(deriveSpec(["quantity": "cast(quantity as string)"]))
        let schema = try #require(pipeline.schema(of: "t"))
        #expect(schema.names == ["transaction_id", "store_id", "sku", "product_name", "quantity", "unit_price", "sold_at"])
        #expect(schema[4].type == .string)
    }
}

/// Bad expressions: the error code and exact position. The derive entry is on line 16 and the
/// expression text starts at column 15 (`          x: "`), so offset k is column 15 + k.
@Suite struct TypeCheckerBadTests {
    @Test(arguments: [
        ("sku - 1", "E302", 0, "cannot apply `-` to string and int"),
        ("quantity + 'a'", "E302", 0, "cannot apply `+` to int and string"),
        ("sold_at > 5", "E302", 0, "cannot compare timestamp with int"),
        ("not quantity", "E302", 4, "`not` needs a bool operand, found int"),
        ("if(quantity, 1, 2)", "E302", 3, "`when` needs a bool operand, found int"),
        ("case when quantity > 0 then 'a' else 1 end", "E302", 37, "the `else` is int but the branches are string"),
        ("quantity in ('a', 'b')", "E302", 13, "`in` list item is string but the value tested is int"),
        ("abs(sku)", "E302", 4, "`abs` expects a number, found string"),
        ("round(unit_price, quantity)", "E302", 18, "the digits of `round` must be an integer literal between 0 and 38"),
        ("cast(sold_at as bool)", "E302", 0, "cannot cast timestamp to bool"),
        ("cast(quantity as money)", "E304", 17, "unknown type `money`"),
        ("lower(sku, 1)", "E303", 0, "`lower` takes 1 argument, found 2"),
        ("sum(quantity)", "E305", 0, "aggregate `sum` is only allowed in the measures of an `aggregate` step"),
        ("quantity / 0", "E307", 11, "division by zero"),
        ("quantity % -0", "E307", 11, "division by zero"),
        ("unit_price / 0.0", "E307", 13, "division by zero"),
        ("nope(1)", "E203", 0, "unknown function `nope`"),
        ("$nope", "E204", 0, "unknown parameter `$nope`"),
        ("quantty", "E202", 0, "unknown column `quantty` in `x` in `t`"),
        ("9223372036854775808", "E306", 0, "integer literal 9223372036854775808 is outside the 64-bit range"),
        ("-9223372036854775809", "E306", 0, "integer literal -9223372036854775809 is outside the 64-bit range"),
        ("date '2024-02-30'", "E106", 0, "`2024-02-30` is not a valid date"),
        ("quantity +", "E301", 10, "expected an expression, found the end of the expression"),
    ])
    func badExpression(expr: String, code: String, offset: Int, message: String) throws {
        let (pipeline, diags) = compileText(deriveSpec(["x": expr]))
        #expect(pipeline == nil)
        #expect(errorKeys(diags) == ["\(code)@16:\(15 + offset)"], "\(diags)")
        #expect(diags.errors.first?.message == message)
    }

    /// `-(-5)` and `-(-1.5)` are valid literals.
    @Test func doubleNegationOfLiterals() {
        let (_, ints) = compileText(deriveSpec(["x": "-(-5)"]))
        let (_, decimals) = compileText(deriveSpec(["x": "-(-1.5)"]))
        #expect(!ints.hasErrors, "\(ints)")
        #expect(!decimals.hasErrors, "\(decimals)")
    }

    @Test func oneMistakeIsReportedOnceNotByEveryEnclosingNode() {
        let (_, diags) = compileText(deriveSpec(["x": "abs(quantty + 1) * 2 > 3 and true"]))
        #expect(errorKeys(diags) == ["E202@16:19"])
    }

    @Test func filterMustBeACondition() {
        let (_, diags) = compileText(deriveSpec([:], steps: "      - filter: quantity + 1\n"))
        #expect(errorKeys(diags) == ["E302@15:17"])
        #expect(diags.errors.first?.message == "the filter of `t` must be a condition (bool), but this expression is int")
    }

    @Test func measureNamedLikeAGroupKey() {
        let (_, diags) = compileText(miniSpec("""
        transforms:
          t:
            from: pos_sales
            steps:
              - aggregate: {group_by: [sku], measures: {sku: count(*)}}
        sinks:
          out: {type: csv, from: t, path: out/t.csv}

        """))
        #expect(errorKeys(diags) == ["E205@15:49"])
    }

    @Test func nestedAggregatesAreRefused() {
        let (_, diags) = compileText(miniSpec("""
        transforms:
          t:
            from: pos_sales
            steps:
              - aggregate: {group_by: [sku], measures: {m: max(sum(quantity))}}
        sinks:
          out: {type: csv, from: t, path: out/t.csv}

        """))
        #expect(errorKeys(diags) == ["E305@15:56"])
        #expect(diags.errors.first?.message == "aggregates cannot be nested")
    }
}
