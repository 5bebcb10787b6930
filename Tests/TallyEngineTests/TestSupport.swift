import TallyCompiler
@testable import TallyEngine

// Small builders for hand-made batches, expressions and plans.

/// A column of `type` holding `values` (`.null` for nulls).
func column(_ type: DataType, _ values: [Value]) -> Column {
    var b = ColumnBuilder(type)
    for v in values { b.append(v) }
    return b.finish()
}

func ints(_ values: Int64?...) -> Column { column(.int, values.map { $0.map(Value.int) ?? .null }) }
func doubles(_ values: Double?...) -> Column { column(.double, values.map { $0.map(Value.double) ?? .null }) }
func strings(_ values: String?...) -> Column { column(.string, values.map { $0.map(Value.string) ?? .null }) }
func bools(_ values: Bool?...) -> Column { column(.bool, values.map { $0.map(Value.bool) ?? .null }) }

/// A decimal column; each text is parsed at `scale`.
func decimals(_ precision: Int, _ scale: Int, _ values: String?...) -> Column {
    column(.decimal(precision: precision, scale: scale), values.map { $0.map { dec($0, scale: scale) } ?? .null })
}

/// A decimal value parsed from text, at the text's own scale unless one is given.
func dec(_ text: String, scale: Int? = nil) -> Value {
    let s = scale ?? (text.split(separator: ".").dropFirst().first?.count ?? 0)
    return .decimal(DecimalFormat.parse(text, scale: s)!, scale: s)
}

func batch(_ columns: Column...) -> Batch {
    Batch(columns: columns, count: columns.first?.count ?? 0)
}

func col(_ index: Int, _ type: DataType, nullable: Bool = true) -> BoundExpr {
    .column(index: index, name: "c\(index)", type: ExprType(type, nullable: nullable))
}

func lit(_ value: Value, _ type: DataType) -> BoundExpr {
    .literal(value, type: ExprType(type, nullable: value.isNull))
}

func ty(_ type: DataType) -> ExprType { ExprType(type, nullable: true) }

/// Evaluates `expr` over `batch` and returns the values.
func eval(_ expr: BoundExpr, _ batch: Batch) throws -> [Value] {
    try ExpressionEvaluator().evaluate(expr, on: batch).allValues
}

/// Schema with columns c0, c1, ... of the given types.
func schema(_ types: DataType...) -> Schema {
    Schema(types.enumerated().map { Field("c\($0.offset)", $0.element) })
}

/// A scan plan node over the test source `name`.
func scan(_ name: String, _ schema: Schema) -> PhysicalPlan {
    .scan(ScanExec(source: name, columns: Array(0..<schema.count), schema: schema))
}

/// Runs `plan` with sources served from memory; returns the rows and the batch sizes.
func run(_ plan: PhysicalPlan, _ sources: [String: [Batch]]) throws -> [[Value]] {
    let context = ClosureExecutionContext(scan: { node in MaterializedStream(sources[node.source] ?? []) })
    let batches = try PlanExecutor().run(plan, context: context)
    return batches.flatMap(\.rows)
}

/// The error thrown by `body`, if any.
func engineError(_ body: () throws -> Any) -> EngineError? {
    do {
        _ = try body()
        return nil
    } catch let e as EngineError {
        return e
    } catch {
        return nil
    }
}
