import TallyDiagnostics

/// What a pipeline node computes, as a tree of relational operators over typed expressions.
///
/// Every node knows its output schema and the span of the spec construct it came from.
public indirect enum LogicalPlan: Sendable, Hashable {
    case scan(LogicalScan)
    case node(LogicalNodeRef)
    case filter(LogicalFilter)
    case project(LogicalProject)
    case aggregate(LogicalAggregate)
    case join(LogicalJoin)
    case union(LogicalUnion)
    case distinct(LogicalDistinct)
    case sort(LogicalSort)
    case limit(LogicalLimit)

    public var schema: Schema {
        switch self {
        case .scan(let n): n.schema
        case .node(let n): n.schema
        case .filter(let n): n.input.schema
        case .project(let n): n.schema
        case .aggregate(let n): n.schema
        case .join(let n): n.schema
        case .union(let n): n.inputs[0].schema
        case .distinct(let n): n.input.schema
        case .sort(let n): n.input.schema
        case .limit(let n): n.input.schema
        }
    }

    public var inputs: [LogicalPlan] {
        switch self {
        case .scan, .node: []
        case .filter(let n): [n.input]
        case .project(let n): [n.input]
        case .aggregate(let n): [n.input]
        case .join(let n): [n.left, n.right]
        case .union(let n): n.inputs
        case .distinct(let n): [n.input]
        case .sort(let n): [n.input]
        case .limit(let n): [n.input]
        }
    }

    /// The spec position this operator came from.
    public var origin: Span {
        switch self {
        case .scan(let n): n.origin
        case .node(let n): n.origin
        case .filter(let n): n.origin
        case .project(let n): n.origin
        case .aggregate(let n): n.origin
        case .join(let n): n.origin
        case .union(let n): n.origin
        case .distinct(let n): n.origin
        case .sort(let n): n.origin
        case .limit(let n): n.origin
        }
    }
}

/// Reads the source `source` with all its declared columns.
public struct LogicalScan: Sendable, Hashable {
    public var source: String
    public var schema: Schema
    public var origin: Span
}

/// Reads the output of another node of the pipeline.
public struct LogicalNodeRef: Sendable, Hashable {
    public var name: String
    public var schema: Schema
    public var origin: Span
}

public struct LogicalFilter: Sendable, Hashable {
    public var input: LogicalPlan
    public var predicate: BoundExpr
    public var origin: Span
}

public struct LogicalProject: Sendable, Hashable {
    public var input: LogicalPlan
    public var expressions: [BoundExpr]
    public var schema: Schema
    public var origin: Span

    /// Whether this projection passes its input through unchanged.
    public var isIdentity: Bool {
        expressions.count == input.schema.count && schema == input.schema && expressions.enumerated().allSatisfy {
            if case .column(let i, _, _) = $0.element { return i == $0.offset }
            return false
        }
    }
}

/// An aggregate function applied to a row-level argument expression.
public struct LogicalAggregateCall: Sendable, Hashable {
    public var function: AggregateFunction
    public var argument: BoundExpr?
    public var type: ExprType
}

/// Groups by input columns and computes aggregates. Output: keys, then one column per call.
public struct LogicalAggregate: Sendable, Hashable {
    public var input: LogicalPlan
    public var groupKeys: [Int]
    public var calls: [LogicalAggregateCall]
    public var schema: Schema
    public var origin: Span
}

public struct LogicalJoin: Sendable, Hashable {
    public var left: LogicalPlan
    public var right: LogicalPlan
    public var kind: JoinKind
    public var leftKeys: [Int]
    public var rightKeys: [Int]
    public var output: [JoinColumn]
    public var schema: Schema
    public var origin: Span
}

public struct LogicalUnion: Sendable, Hashable {
    public var inputs: [LogicalPlan]
    public var origin: Span
}

public struct LogicalDistinct: Sendable, Hashable {
    public var input: LogicalPlan
    public var keys: [Int]
    public var origin: Span
}

public struct LogicalSort: Sendable, Hashable {
    public var input: LogicalPlan
    public var keys: [SortKey]
    public var origin: Span
}

public struct LogicalLimit: Sendable, Hashable {
    public var input: LogicalPlan
    public var count: Int
    public var origin: Span
}
