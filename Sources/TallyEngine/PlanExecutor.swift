import TallyCompiler

/// What the runtime provides to run a plan: streams for sources and for other pipeline nodes.
/// Returned streams should do no work before their first `next()`.
public protocol ExecutionContext {
    /// A stream of the source's batches with exactly the columns `node.columns`, typed as `node.schema`.
    func scan(_ node: ScanExec) throws -> BatchStream
    /// A stream of the named node's output (e.g. a `MaterializedStream` over its shared batches).
    func node(_ ref: NodeRefExec) throws -> BatchStream
}

/// An `ExecutionContext` made of two closures (handy for tests and simple runtimes).
public struct ClosureExecutionContext: ExecutionContext {
    public var scanSource: (ScanExec) throws -> BatchStream
    public var nodeOutput: (NodeRefExec) throws -> BatchStream

    public init(scan: @escaping (ScanExec) throws -> BatchStream,
                node: @escaping (NodeRefExec) throws -> BatchStream = { ref in
                    throw EngineError(.planMismatch, "no pipeline node `\(ref.name)` in this context")
                }) {
        scanSource = scan
        nodeOutput = node
    }

    public func scan(_ node: ScanExec) throws -> BatchStream { try scanSource(node) }
    public func node(_ ref: NodeRefExec) throws -> BatchStream { try nodeOutput(ref) }
}

/// Turns a `PhysicalPlan` into a tree of running operators.
public struct PlanExecutor: Sendable {
    public init() {}

    /// The stream of `plan`'s output batches. Builds the operator tree only; no data is read
    /// before the first `next()`.
    public func makeStream(_ plan: PhysicalPlan, context: ExecutionContext) throws -> BatchStream {
        switch plan {
        case .scan(let n):
            return try context.scan(n)
        case .node(let n):
            return try context.node(n)
        case .filter(let n):
            return FilterStream(input: try makeStream(n.input, context: context), predicate: n.predicate)
        case .project(let n):
            return ProjectStream(input: try makeStream(n.input, context: context), expressions: n.expressions)
        case .hashAggregate(let n):
            return HashAggregateStream(input: try makeStream(n.input, context: context), plan: n)
        case .hashJoin(let n):
            return HashJoinStream(left: try makeStream(n.left, context: context),
                                  right: try makeStream(n.right, context: context), plan: n)
        case .union(let n):
            return UnionStream(inputs: try n.inputs.map { try makeStream($0, context: context) })
        case .distinct(let n):
            return DistinctStream(input: try makeStream(n.input, context: context), plan: n)
        case .sort(let n):
            return SortStream(input: try makeStream(n.input, context: context), plan: n)
        case .limit(let n):
            return LimitStream(input: try makeStream(n.input, context: context), count: n.count)
        }
    }

    /// Runs `plan` to completion and returns all its batches.
    public func run(_ plan: PhysicalPlan, context: ExecutionContext) throws -> [Batch] {
        try collect(makeStream(plan, context: context))
    }
}
