/// The plans of a pipeline as the physical planner sees them: every transform's optimized logical plan,
/// plus nodes the planner introduces itself (such as fused aggregates), in dependency order.
struct PlanGraph: Sendable {
    /// Node names and plans, each after the nodes it reads.
    var nodes: [(name: String, plan: LogicalPlan)]
    var sourceSchemas: [String: Schema]
    /// The node or source each sink reads, in sink order.
    var sinkInputs: [String]

    init(_ pipeline: CompiledPipeline, optimizer: Optimizer) {
        nodes = pipeline.nodes.map { ($0.name, optimizer.optimize($0.plan).plan) }
        sourceSchemas = Dictionary(uniqueKeysWithValues: pipeline.sources.map { ($0.name, $0.schema) })
        sinkInputs = pipeline.sinks.map(\.input)
    }

    func plan(of name: String) -> LogicalPlan? { nodes.first { $0.name == name }?.plan }

    func schema(of name: String) -> Schema? { plan(of: name)?.schema ?? sourceSchemas[name] }

    /// How many plan leaves and sinks read `name`.
    func consumers(of name: String) -> Int {
        nodes.reduce(0) { $0 + Self.reads(of: name, in: $1.plan) } + sinkInputs.filter { $0 == name }.count
    }

    static func reads(of name: String, in plan: LogicalPlan) -> Int {
        switch plan {
        case .scan(let s): s.source == name ? 1 : 0
        case .node(let n): n.name == name ? 1 : 0
        default: plan.inputs.reduce(0) { $0 + reads(of: name, in: $1) }
        }
    }
}
