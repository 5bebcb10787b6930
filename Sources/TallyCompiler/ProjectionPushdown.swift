/// Physical rewrite: operators read only the columns something above them needs, down to the scan,
/// which then skips unneeded columns instead of parsing them. Shared nodes are read with the columns
/// decided for them (`sharedColumns`); what each consumer needs of them is collected in `requirements`.
struct ProjectionPushdown {
    /// Columns (indices of the full schema) each already-planned shared node outputs.
    var sharedColumns: [String: [Int]] = [:]
    /// Columns consumers need of each shared node, gathered while pruning.
    var requirements: [String: Set<Int>] = [:]

    /// `plan` pruned to output exactly `columns` of its schema, in that order.
    mutating func prune(_ plan: PhysicalPlan, exactly columns: [Int]) -> PhysicalPlan {
        let (pruned, map) = prune(plan, required: Set(columns))
        let picks = columns.map { map[$0]! }
        if picks == Array(pruned.schema.fields.indices) { return pruned }
        let schema = pruned.schema
        let exprs = picks.map { BoundExpr.column(index: $0, name: schema[$0].name, type: ExprType(schema[$0].type, nullable: schema[$0].nullable)) }
        return .project(ProjectExec(input: pruned, expressions: exprs, schema: Schema(picks.map { schema[$0] })))
    }

    /// A plan producing at least the `required` columns of `plan`, and where each old column index now is.
    mutating func prune(_ plan: PhysicalPlan, required: Set<Int>) -> (plan: PhysicalPlan, map: [Int: Int]) {
        let identity = Dictionary(uniqueKeysWithValues: plan.schema.fields.indices.map { ($0, $0) })
        switch plan {
        case .scan(let s):
            let keep = s.columns.indices.filter(required.contains)
            let map = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($0.element, $0.offset) })
            return (.scan(ScanExec(source: s.source, columns: keep.map { s.columns[$0] }, schema: Schema(keep.map { s.schema[$0] }))), map)
        case .node(let ref):
            requirements[ref.name, default: []].formUnion(required)
            guard let kept = sharedColumns[ref.name] else { return (plan, identity) }
            let map = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element, $0.offset) })
            return (.node(NodeRefExec(name: ref.name, schema: Schema(kept.map { ref.schema[$0] }))), map)
        case .filter(let f):
            let (input, map) = prune(f.input, required: required.union(f.predicate.columnsUsed))
            return (.filter(FilterExec(input: input, predicate: f.predicate.remapColumns(map), origin: f.origin)), map)
        case .project(let p):
            let keep = p.expressions.indices.filter(required.contains)
            let needed = keep.reduce(into: Set<Int>()) { $0.formUnion(p.expressions[$1].columnsUsed) }
            let (input, inMap) = prune(p.input, required: needed)
            let map = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($0.element, $0.offset) })
            let exprs = keep.map { p.expressions[$0].remapColumns(inMap) }
            return (.project(ProjectExec(input: input, expressions: exprs, schema: Schema(keep.map { p.schema[$0] }), origin: p.origin)), map)
        case .hashAggregate(let a):
            let needed = Set(a.groupKeys).union(a.aggregates.compactMap(\.argument))
            let (input, m) = prune(a.input, required: needed)
            let calls = a.aggregates.map { AggregateCall($0.function, argument: $0.argument.map { m[$0]! }, type: $0.type) }
            return (.hashAggregate(HashAggregateExec(input: input, groupKeys: a.groupKeys.map { m[$0]! }, aggregates: calls,
                                                     schema: a.schema, origin: a.origin)), identity)
        case .hashJoin(let j):
            // Keep only the output columns needed above; each side then reads its keys and those.
            let keep = j.output.indices.filter(required.contains)
            var leftNeed = Set(j.leftKeys)
            var rightNeed = Set(j.rightKeys)
            for c in keep.map({ j.output[$0] }) {
                switch c {
                case .left(let i): leftNeed.insert(i)
                case .right(let i): rightNeed.insert(i)
                case .coalesce(let l, let r): leftNeed.insert(l); rightNeed.insert(r)
                }
            }
            let (left, lm) = prune(j.left, required: leftNeed)
            let (right, rm) = prune(j.right, required: rightNeed)
            let output = keep.map { k -> JoinColumn in
                switch j.output[k] {
                case .left(let i): .left(lm[i]!)
                case .right(let i): .right(rm[i]!)
                case .coalesce(let l, let r): .coalesce(left: lm[l]!, right: rm[r]!)
                }
            }
            let map = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($0.element, $0.offset) })
            return (.hashJoin(HashJoinExec(left: left, right: right, kind: j.kind, leftKeys: j.leftKeys.map { lm[$0]! },
                                           rightKeys: j.rightKeys.map { rm[$0]! }, output: output,
                                           schema: Schema(keep.map { j.schema[$0] }), origin: j.origin)), map)
        case .union(let u):
            let all = Set(plan.schema.fields.indices)
            return (.union(UnionExec(inputs: u.inputs.map { prune($0, required: all).plan }, origin: u.origin)), identity)
        case .distinct(let d):
            let need = d.keys.isEmpty ? Set(plan.schema.fields.indices) : required.union(d.keys)
            let (input, map) = prune(d.input, required: need)
            return (.distinct(DistinctExec(input: input, keys: d.keys.map { map[$0]! }, origin: d.origin)), map)
        case .sort(let s):
            let (input, map) = prune(s.input, required: required.union(s.keys.map(\.column)))
            let keys = s.keys.map { SortKey(column: map[$0.column]!, ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            return (.sort(SortExec(input: input, keys: keys, origin: s.origin)), map)
        case .limit(let l):
            let (input, map) = prune(l.input, required: required)
            return (.limit(LimitExec(input: input, count: l.count, origin: l.origin)), map)
        }
    }
}
