/// Planner rewrite: aggregates of the same input with the same group keys, anywhere in the pipeline,
/// become one aggregate computed in a single pass, which each of them then reads.
///
/// The seed job sums quantity per SKU for the daily sales and takes product names per SKU for the
/// product dimension; fused, the day's sales files are scanned once and never held in memory.
enum AggregateFusion {
    /// An aggregate reading a source or node directly, grouped by some of its columns.
    struct Site: Hashable {
        var input: String
        var keys: [Int]
    }

    static func apply(_ graph: inout PlanGraph) {
        var found: [Site: [LogicalAggregate]] = [:]
        var order: [Site] = []
        for (_, plan) in graph.nodes {
            collect(plan) { aggregate, site in
                if found[site] == nil { order.append(site) }
                if !found[site, default: []].contains(aggregate) { found[site, default: []].append(aggregate) }
            }
        }
        for site in order where found[site]!.count > 1 {
            fuse(site, found[site]!, into: &graph)
        }
    }

    /// Calls `visit` for every aggregate whose input is a scan or node reference.
    static func collect(_ plan: LogicalPlan, _ visit: (LogicalAggregate, Site) -> Void) {
        if case .aggregate(let a) = plan {
            switch a.input {
            case .scan(let s): visit(a, Site(input: s.source, keys: a.groupKeys))
            case .node(let n): visit(a, Site(input: n.name, keys: a.groupKeys))
            default: break
            }
        }
        for input in plan.inputs { collect(input, visit) }
    }

    static func fuse(_ site: Site, _ aggregates: [LogicalAggregate], into graph: inout PlanGraph) {
        let first = aggregates[0]
        var calls: [LogicalAggregateCall] = []
        for a in aggregates { for call in a.calls where !calls.contains(call) { calls.append(call) } }
        let keyFields = site.keys.map { first.input.schema[$0] }
        let fields = keyFields + calls.enumerated().map { i, c in
            Field("agg_\(i)", c.type.type, nullable: c.type.nullable)
        }
        let name = site.input + "~by(" + keyFields.map(\.name).joined(separator: ",") + ")"
        let fused = LogicalPlan.aggregate(LogicalAggregate(input: first.input, groupKeys: site.keys, calls: calls,
                                                           schema: Schema(fields), origin: first.origin))
        let reference = LogicalPlan.node(LogicalNodeRef(name: name, schema: Schema(fields), origin: first.origin))
        let firstUser = graph.nodes.firstIndex { user in aggregates.contains { PlanGraph.contains($0, in: user.plan) } } ?? 0
        for index in graph.nodes.indices {
            graph.nodes[index].plan = replace(in: graph.nodes[index].plan, aggregates: aggregates) { a in
                let exprs: [BoundExpr] = a.schema.fields.indices.map { i in
                    let source = i < site.keys.count ? i : site.keys.count + calls.firstIndex(of: a.calls[i - site.keys.count])!
                    return .column(index: source, name: fields[source].name, type: ExprType(fields[source].type, nullable: fields[source].nullable))
                }
                return .project(LogicalProject(input: reference, expressions: exprs, schema: a.schema, origin: a.origin))
            }
        }
        graph.nodes.insert((name, fused), at: firstUser)
    }

    static func replace(in plan: LogicalPlan, aggregates: [LogicalAggregate], with make: (LogicalAggregate) -> LogicalPlan) -> LogicalPlan {
        if case .aggregate(let a) = plan, aggregates.contains(a) { return make(a) }
        return plan.replacingInputs(plan.inputs.map { replace(in: $0, aggregates: aggregates, with: make) })
    }
}

extension PlanGraph {
    /// Whether `aggregate` occurs in `plan`.
    static func contains(_ aggregate: LogicalAggregate, in plan: LogicalPlan) -> Bool {
        if case .aggregate(let a) = plan, a == aggregate { return true }
        return plan.inputs.contains { contains(aggregate, in: $0) }
    }
}
