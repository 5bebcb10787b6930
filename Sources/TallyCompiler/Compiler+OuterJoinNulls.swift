import TallyDiagnostics
import TallySpec

extension Compiler {
    /// For each output column of `plan` that can be null only because of an outer join, the span of that
    /// join. Columns that were nullable before the join, or that a later expression made non-null
    /// (`coalesce`), are not listed.
    func outerJoinNulls(_ plan: LogicalPlan) -> [Int: Span] {
        switch plan {
        case .scan:
            return [:]
        case .node(let n):
            let byName = outerNulls[n.name] ?? [:]
            return Dictionary(uniqueKeysWithValues: n.schema.fields.enumerated().compactMap { i, f in byName[f.name].map { (i, $0) } })
        case .filter(let f): return outerJoinNulls(f.input)
        case .distinct(let d): return outerJoinNulls(d.input)
        case .sort(let s): return outerJoinNulls(s.input)
        case .limit(let l): return outerJoinNulls(l.input)
        case .union(let u): return outerJoinNulls(u.inputs[0])
        case .project(let p):
            let inner = outerJoinNulls(p.input)
            var result: [Int: Span] = [:]
            for (i, e) in p.expressions.enumerated() where p.schema[i].nullable {
                if case .column(let j, _, _) = e { result[i] = inner[j] } else {
                    result[i] = e.columnsUsed.sorted().lazy.compactMap { inner[$0] }.first
                }
            }
            return result
        case .aggregate(let a):
            let inner = outerJoinNulls(a.input)
            return Dictionary(uniqueKeysWithValues: a.groupKeys.enumerated().compactMap { k, i in inner[i].map { (k, $0) } })
        case .join(let j):
            let left = outerJoinNulls(j.left)
            let right = outerJoinNulls(j.right)
            let leftOuter = j.kind == .right || j.kind == .full
            let rightOuter = j.kind == .left || j.kind == .full
            var result: [Int: Span] = [:]
            for (k, column) in j.output.enumerated() {
                switch column {
                case .left(let i): result[k] = left[i] ?? (leftOuter && !j.left.schema[i].nullable ? j.origin : nil)
                case .right(let i): result[k] = right[i] ?? (rightOuter && !j.right.schema[i].nullable ? j.origin : nil)
                case .coalesce: break
                }
            }
            return result
        }
    }

    /// Remembers which output columns of a node are null only through an outer join.
    mutating func recordOuterJoinNulls(_ node: String, _ plan: LogicalPlan) {
        let origins = outerJoinNulls(plan)
        outerNulls[node] = Dictionary(uniqueKeysWithValues: origins.map { (plan.schema[$0.key].name, $0.value) })
    }

    /// Warns when a column that an outer join can leave null is written by a file or warehouse sink.
    mutating func warnOuterJoinNulls(_ sink: SinkDecl, schema: Schema) {
        if case .alert = sink.kind { return }
        let origins = outerNulls[sink.input.value] ?? [:]
        for field in schema.fields {
            guard let join = origins[field.name] else { continue }
            diags.append(Diagnostic(
                .outerJoinNull, "column `\(field.name)` written by sink `\(sink.name.value)` is null wherever the outer join found no match",
                at: sink.input.span, hint: "use `coalesce(\(field.name), ...)` in a `derive` step if a value is required",
                notes: [DiagnosticNote("the outer join that can leave `\(field.name)` null", span: join)]))
        }
    }
}
