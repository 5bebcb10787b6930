/// Renders logical and physical plans as indented trees, each operator with its output schema.
public enum PlanPrinter {
    /// The logical plan as lines; `line:col` of the spec construct each operator came from is appended.
    public static func logical(_ plan: LogicalPlan, indent: Int = 0) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        let head: String
        switch plan {
        case .scan(let s): head = "Scan \(s.source)"
        case .node(let n): head = "Read \(n.name)"
        case .filter(let f): head = "Filter \(f.predicate)"
        case .project(let p): head = projection(p.schema, p.expressions)
        case .aggregate(let a):
            let keys = a.groupKeys.map { a.input.schema[$0].name }
            let calls = a.calls.map { "\($0.function.rawValue)(\($0.argument?.description ?? "*"))" }
            head = "Aggregate by [\(keys.joined(separator: ", "))] compute [\(calls.joined(separator: ", "))]"
        case .join(let j): head = "Join \(j.kind.rawValue) on " + zip(j.leftKeys, j.rightKeys).map { l, r in
            "\(j.left.schema[l].name) = \(j.right.schema[r].name)" }.joined(separator: " and ")
        case .union(let u): head = "Union of \(u.inputs.count)"
        case .distinct(let d): head = "Distinct" + columnList(d.keys, d.input.schema)
        case .sort(let s): head = "Sort " + sortKeys(s.keys, s.input.schema)
        case .limit(let l): head = "Limit \(l.count)"
        }
        var lines = [pad + head + "  @\(plan.origin.start)", pad + "  -> " + schemaText(plan.schema)]
        for input in plan.inputs { lines += logical(input, indent: indent + 1) }
        return lines
    }

    /// The physical plan as lines.
    public static func physical(_ plan: PhysicalPlan, indent: Int = 0) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        let head: String
        switch plan {
        case .scan(let s): head = "CSVScan \(s.source) columns [\(s.schema.names.joined(separator: ", "))]"
        case .node(let n): head = "SharedRead \(n.name) (computed once)"
        case .filter(let f): head = "Filter \(f.predicate)"
        case .project(let p): head = projection(p.schema, p.expressions)
        case .hashAggregate(let a):
            let keys = a.groupKeys.map { a.input.schema[$0].name }
            let calls = a.aggregates.map { "\($0.function.rawValue)(\($0.argument.map { a.input.schema[$0].name } ?? "*"))" }
            head = "HashAggregate by [\(keys.joined(separator: ", "))] compute [\(calls.joined(separator: ", "))]"
        case .hashJoin(let j): head = "HashJoin \(j.kind.rawValue) build=smaller on " + zip(j.leftKeys, j.rightKeys).map { l, r in
            "\(j.left.schema[l].name) = \(j.right.schema[r].name)" }.joined(separator: " and ")
        case .union(let u): head = "Union of \(u.inputs.count)"
        case .distinct(let d): head = "HashDistinct" + columnList(d.keys, d.input.schema)
        case .sort(let s): head = "Sort " + sortKeys(s.keys, s.input.schema)
        case .limit(let l): head = "Limit \(l.count)"
        }
        var lines = [pad + head + (plan.origin.map { "  @\($0.start)" } ?? ""), pad + "  -> " + schemaText(plan.schema)]
        for input in plan.inputs { lines += physical(input, indent: indent + 1) }
        return lines
    }

    static func projection(_ schema: Schema, _ expressions: [BoundExpr]) -> String {
        "Project " + zip(schema.fields, expressions).map { f, e in e.description == f.name ? f.name : "\(f.name) := \(e)" }
            .joined(separator: ", ")
    }

    static func columnList(_ keys: [Int], _ schema: Schema) -> String {
        keys.isEmpty ? "" : " on [\(keys.map { schema[$0].name }.joined(separator: ", "))]"
    }

    static func sortKeys(_ keys: [SortKey], _ schema: Schema) -> String {
        keys.map { "\(schema[$0.column].name) \($0.ascending ? "asc" : "desc") nulls \($0.nullsFirst ? "first" : "last")" }
            .joined(separator: ", ")
    }

    /// `(a int not null, b string)`.
    public static func schemaText(_ schema: Schema) -> String {
        "(" + schema.fields.map { "\($0.name) \($0.type)\($0.nullable ? "" : " not null")" }.joined(separator: ", ") + ")"
    }
}
