/// Lowers logical plans to physical plans.
///
/// A node or source read by more than one consumer is *shared*: it is computed once and read through
/// `.node` references. Every other node is inlined into its single consumer, so projection pushdown
/// reaches through it down to the scan.
public struct PhysicalPlanner: Sendable {
    public let pipeline: CompiledPipeline
    /// Sources and nodes computed once and read by several consumers (including nodes the planner
    /// introduces, such as fused aggregates named `source~by(keys)`).
    public let shared: Set<String>
    /// The physical plan of each sink and each shared source or node.
    private var sinkPlans: [String: PhysicalPlan] = [:]
    private var sharedPlans: [String: PhysicalPlan] = [:]
    private let graph: PlanGraph

    public init(_ pipeline: CompiledPipeline) {
        self.pipeline = pipeline
        var graph = PlanGraph(pipeline, optimizer: Optimizer())
        AggregateFusion.apply(&graph)
        let optimizer = Optimizer()
        for i in graph.nodes.indices { graph.nodes[i].plan = optimizer.optimize(graph.nodes[i].plan).plan }
        self.graph = graph
        let names = Array(graph.sourceSchemas.keys) + graph.nodes.map(\.name)
        shared = Set(names.filter { graph.consumers(of: $0) > 1 })
        planAll()
    }

    /// The plan that computes a shared source or node; it outputs the columns its consumers need.
    public func planShared(_ name: String) -> PhysicalPlan { sharedPlans[name]! }

    /// The plan whose output a sink writes.
    public func planSink(_ sink: CompiledSink) -> PhysicalPlan { sinkPlans[sink.name]! }

    /// The sources `plan` reads, directly or through the shared nodes it refers to.
    public func sourcesRead(by plan: PhysicalPlan) -> Set<String> {
        switch plan {
        case .scan(let s): [s.source]
        case .node(let ref): sourcesRead(by: planShared(ref.name))
        default: plan.inputs.reduce(into: Set<String>()) { $0.formUnion(sourcesRead(by: $1)) }
        }
    }

    /// Plans every sink and shared node. A first pass, consumers before what they read, gathers the
    /// columns consumers need of each shared node; the second prunes every plan with those decided,
    /// so projection pushdown reaches across shared nodes down to the scans.
    private mutating func planAll() {
        var sinks: [(String, PhysicalPlan)] = []
        for sink in pipeline.sinks { sinks.append((sink.name, inKeyOrder(read(sink.input), for: sink))) }
        var nodes: [(String, PhysicalPlan)] = []
        for name in graph.nodes.map(\.name).reversed() + graph.sourceSchemas.keys.sorted() where shared.contains(name) {
            if let plan = graph.plan(of: name) {
                nodes.append((name, lower(plan)))
            } else {
                let schema = graph.sourceSchemas[name]!
                nodes.append((name, .scan(ScanExec(source: name, columns: Array(schema.fields.indices), schema: schema))))
            }
        }
        var gather = ProjectionPushdown()
        for (_, plan) in sinks { _ = gather.prune(plan, exactly: Array(plan.schema.fields.indices)) }
        for (name, plan) in nodes { _ = gather.prune(plan, exactly: gather.requirements[name, default: []].sorted()) }
        var pushdown = ProjectionPushdown()
        pushdown.sharedColumns = gather.requirements.mapValues { $0.sorted() }
        for (name, plan) in sinks { sinkPlans[name] = pushdown.prune(plan, exactly: Array(plan.schema.fields.indices)) }
        for (name, plan) in nodes { sharedPlans[name] = pushdown.prune(plan, exactly: pushdown.sharedColumns[name] ?? []) }
    }

    /// `plan` sorted on the merge keys of a warehouse sink that merges (else `plan`): rows arriving
    /// in key order insert into the key-ordered table as appends and update it page by page, where
    /// hash order would touch a random page per row (half the load time of a 200k-key dimension).
    func inKeyOrder(_ plan: PhysicalPlan, for sink: CompiledSink) -> PhysicalPlan {
        guard case .warehouse(_, .merge(let keys)) = sink.kind else { return plan }
        let columns = keys.compactMap { plan.schema.index(of: $0) }
        guard columns.count == keys.count else { return plan }
        return .sort(SortExec(input: plan, keys: columns.map { SortKey(column: $0, ascending: true, nullsFirst: true) }))
    }

    /// Reads `name`: a shared reference, or the inlined plan of a node read once.
    func read(_ name: String) -> PhysicalPlan {
        let schema = graph.schema(of: name)!
        if shared.contains(name) { return .node(NodeRefExec(name: name, schema: schema)) }
        if let plan = graph.plan(of: name) { return lower(plan) }
        return .scan(ScanExec(source: name, columns: Array(schema.fields.indices), schema: schema))
    }

    func lower(_ plan: LogicalPlan) -> PhysicalPlan {
        switch plan {
        case .scan(let s): return read(s.source)
        case .node(let n): return read(n.name)
        case .filter(let f): return .filter(FilterExec(input: lower(f.input), predicate: f.predicate, origin: f.origin))
        case .project(let p):
            let input = lower(p.input)
            return p.isIdentity ? input : .project(ProjectExec(input: input, expressions: p.expressions, schema: p.schema, origin: p.origin))
        case .aggregate(let a): return lowerAggregate(a)
        case .join(let j):
            return .hashJoin(HashJoinExec(left: lower(j.left), right: lower(j.right), kind: j.kind, leftKeys: j.leftKeys,
                                          rightKeys: j.rightKeys, output: j.output, schema: j.schema, origin: j.origin))
        case .union(let u): return .union(UnionExec(inputs: u.inputs.map(lower), origin: u.origin))
        case .distinct(let d): return .distinct(DistinctExec(input: lower(d.input), keys: d.keys, origin: d.origin))
        case .sort(let s): return .sort(SortExec(input: lower(s.input), keys: s.keys, origin: s.origin))
        case .limit(let l): return .limit(LimitExec(input: lower(l.input), count: l.count, origin: l.origin))
        }
    }

    /// A hash aggregate reads columns only: argument expressions are computed by a projection below it.
    func lowerAggregate(_ a: LogicalAggregate) -> PhysicalPlan {
        let input = lower(a.input)
        let inSchema = a.input.schema
        let plainArguments = a.calls.allSatisfy { call in
            if case .column? = call.argument { return true }
            return call.argument == nil
        }
        if plainArguments {
            let calls = a.calls.map { call -> AggregateCall in
                if case .column(let i, _, _)? = call.argument { return AggregateCall(call.function, argument: i, type: call.type) }
                return AggregateCall(call.function, argument: nil, type: call.type)
            }
            return .hashAggregate(HashAggregateExec(input: input, groupKeys: a.groupKeys, aggregates: calls, schema: a.schema,
                                                    origin: a.origin))
        }
        var exprs: [BoundExpr] = a.groupKeys.map { i in
            .column(index: i, name: inSchema[i].name, type: ExprType(inSchema[i].type, nullable: inSchema[i].nullable))
        }
        var fields = a.groupKeys.map { inSchema[$0] }
        var calls: [AggregateCall] = []
        for (n, call) in a.calls.enumerated() {
            if let arg = call.argument {
                calls.append(AggregateCall(call.function, argument: exprs.count, type: call.type))
                exprs.append(arg)
                fields.append(Field("arg_\(n)", arg.type.type == .null ? .string : arg.type.type, nullable: arg.type.nullable))
            } else {
                calls.append(AggregateCall(call.function, argument: nil, type: call.type))
            }
        }
        let pre = PhysicalPlan.project(ProjectExec(input: input, expressions: exprs, schema: Schema(fields), origin: a.origin))
        return .hashAggregate(HashAggregateExec(input: pre, groupKeys: Array(a.groupKeys.indices), aggregates: calls, schema: a.schema,
                                                origin: a.origin))
    }
}
