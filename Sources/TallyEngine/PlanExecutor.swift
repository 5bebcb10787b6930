import TallyCompiler

/// What the runtime provides to run a plan: streams for sources and for other pipeline nodes.
/// Returned streams should do no work before their first `next()`.
public protocol ExecutionContext {
    /// A stream of the source's batches with exactly the columns `node.columns`, typed as `node.schema`.
    func scan(_ node: ScanExec) throws -> BatchStream
    /// The source split into at most `count` streams (partitions) that can be read concurrently,
    /// one thread each. Partition 0 comes first; read one after the other, in order, they give
    /// exactly the batches' rows of `scan(node)`. Each stream is used by one thread only.
    /// The default is `[scan(node)]` (no split).
    func scanPartitions(_ node: ScanExec, count: Int) throws -> [BatchStream]
    /// A stream of the named node's output (e.g. a `MaterializedStream` over its shared batches).
    func node(_ ref: NodeRefExec) throws -> BatchStream
    /// The source as chunks for `readers` threads that take them in turn, when it can be read so
    /// (the default: nil, use `scanPartitions`).
    func scanChunks(_ node: ScanExec, readers: Int) throws -> ChunkedSource?
}

extension ExecutionContext {
    public func scanPartitions(_ node: ScanExec, count: Int) throws -> [BatchStream] {
        [try scan(node)]
    }

    public func scanChunks(_ node: ScanExec, readers: Int) throws -> ChunkedSource? { nil }
}

/// An `ExecutionContext` made of closures (handy for tests and simple runtimes).
public struct ClosureExecutionContext: ExecutionContext {
    public var scanSource: (ScanExec) throws -> BatchStream
    public var nodeOutput: (NodeRefExec) throws -> BatchStream
    /// Splits a source into partitions; nil: no split (`[scan(node)]`).
    public var partitionSource: ((ScanExec, Int) throws -> [BatchStream])?

    public init(scan: @escaping (ScanExec) throws -> BatchStream,
                node: @escaping (NodeRefExec) throws -> BatchStream = { ref in
                    throw EngineError(.planMismatch, "no pipeline node `\(ref.name)` in this context")
                },
                partitions: ((ScanExec, Int) throws -> [BatchStream])? = nil) {
        scanSource = scan
        nodeOutput = node
        partitionSource = partitions
    }

    public func scan(_ node: ScanExec) throws -> BatchStream { try scanSource(node) }
    public func node(_ ref: NodeRefExec) throws -> BatchStream { try nodeOutput(ref) }
    public func scanPartitions(_ node: ScanExec, count: Int) throws -> [BatchStream] {
        guard let partitionSource else { return [try scanSource(node)] }
        return try partitionSource(node, count)
    }
}

/// Turns a `PhysicalPlan` into a tree of running operators.
public struct PlanExecutor: Sendable {
    /// Threads a hash aggregate over a (filtered, projected) scan may use: with more than one, the
    /// scan is read as chunks the threads take in turn (`ExecutionContext.scanChunks`) when its
    /// aggregates ignore row order, else as one partition per thread (`scanPartitions`).
    public let threads: Int

    public init(threads: Int = 1) {
        self.threads = Swift.max(1, threads)
    }

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
            if threads > 1, HashAggregateStream.canRunInParallel(n), let scan = Self.scanUnderChain(n.input) {
                if HashAggregateStream.ignoresRowOrder(n), let source = try context.scanChunks(scan, readers: threads) {
                    return HashAggregateStream(chunks: source, plan: n) { Self.rebuildChain(n.input, over: $0) }
                }
                let parts = try context.scanPartitions(scan, count: threads)
                let inputs = parts.map { Self.rebuildChain(n.input, over: $0) }
                if inputs.count == 1 { return HashAggregateStream(input: inputs[0], plan: n) }
                return HashAggregateStream(partitions: inputs, plan: n)
            }
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

    /// The scan at the bottom of a chain of filters and projections, if `plan` is one.
    static func scanUnderChain(_ plan: PhysicalPlan) -> ScanExec? {
        switch plan {
        case .scan(let n): return n
        case .filter(let n): return scanUnderChain(n.input)
        case .project(let n): return scanUnderChain(n.input)
        default: return nil
        }
    }

    /// The filter/project chain `plan` (see `scanUnderChain`) over `scan` in place of its scan.
    static func rebuildChain(_ plan: PhysicalPlan, over scan: BatchStream) -> BatchStream {
        switch plan {
        case .filter(let n): return FilterStream(input: rebuildChain(n.input, over: scan), predicate: n.predicate)
        case .project(let n): return ProjectStream(input: rebuildChain(n.input, over: scan), expressions: n.expressions)
        default: return scan
        }
    }

    /// Runs `plan` to completion and returns all its batches.
    public func run(_ plan: PhysicalPlan, context: ExecutionContext) throws -> [Batch] {
        try collect(makeStream(plan, context: context))
    }
}
