import TallyDiagnostics

/// An executable plan: a tree of operators over column indices, each node knowing its output schema.
///
/// The engine turns each node into a stream of batches. Expressions appear only in `filter` and
/// `project`; every other operator refers to input columns by index.
public indirect enum PhysicalPlan: Sendable, Hashable {
    case scan(ScanExec)
    /// The output of another named node of the pipeline (shared between consumers).
    case node(NodeRefExec)
    case filter(FilterExec)
    case project(ProjectExec)
    case hashAggregate(HashAggregateExec)
    case hashJoin(HashJoinExec)
    case union(UnionExec)
    case distinct(DistinctExec)
    case sort(SortExec)
    case limit(LimitExec)

    /// The schema of the batches this node produces.
    public var schema: Schema {
        switch self {
        case .scan(let n): n.schema
        case .node(let n): n.schema
        case .filter(let n): n.input.schema
        case .project(let n): n.schema
        case .hashAggregate(let n): n.schema
        case .hashJoin(let n): n.schema
        case .union(let n): n.inputs[0].schema
        case .distinct(let n): n.input.schema
        case .sort(let n): n.input.schema
        case .limit(let n): n.input.schema
        }
    }

    /// Direct children.
    public var inputs: [PhysicalPlan] {
        switch self {
        case .scan, .node: []
        case .filter(let n): [n.input]
        case .project(let n): [n.input]
        case .hashAggregate(let n): [n.input]
        case .hashJoin(let n): [n.left, n.right]
        case .union(let n): n.inputs
        case .distinct(let n): [n.input]
        case .sort(let n): [n.input]
        case .limit(let n): [n.input]
        }
    }
}

/// Reads a source. `columns` are the indices of the source's declared columns to produce, in order
/// (projection pushdown); `schema` is the schema of those columns.
public struct ScanExec: Sendable, Hashable {
    public var source: String
    public var columns: [Int]
    public var schema: Schema

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(source: String, columns: [Int], schema: Schema, origin: Span? = nil) {
        self.origin = origin
        self.source = source
        self.columns = columns
        self.schema = schema
    }
}

/// The output of the pipeline node `name`.
public struct NodeRefExec: Sendable, Hashable {
    public var name: String
    public var schema: Schema

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(name: String, schema: Schema, origin: Span? = nil) {
        self.origin = origin
        self.name = name
        self.schema = schema
    }
}

/// Keeps rows whose predicate is true (null and false drop the row).
public struct FilterExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var predicate: BoundExpr

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, predicate: BoundExpr, origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.predicate = predicate
    }
}

/// Computes one output column per expression; `schema` names them.
public struct ProjectExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var expressions: [BoundExpr]
    public var schema: Schema

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, expressions: [BoundExpr], schema: Schema, origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.expressions = expressions
        self.schema = schema
    }
}

/// Groups by `groupKeys` (input column indices) and computes `aggregates`.
/// Output: the group key columns, then one column per aggregate. With no keys, exactly one row.
/// Null group keys form one group (SQL `GROUP BY`). Groups come out in first-seen order.
public struct HashAggregateExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var groupKeys: [Int]
    public var aggregates: [AggregateCall]
    public var schema: Schema

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, groupKeys: [Int], aggregates: [AggregateCall], schema: Schema, origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.groupKeys = groupKeys
        self.aggregates = aggregates
        self.schema = schema
    }
}

/// Join kinds.
public enum JoinKind: String, Sendable, Hashable, CaseIterable {
    case inner, left, right, full, semi, anti
}

/// Where an output column of a join comes from.
public enum JoinColumn: Sendable, Hashable {
    case left(Int)
    case right(Int)
    /// The left value, or the right one where the left row is missing (join keys of a full/right join).
    case coalesce(left: Int, right: Int)
}

/// Equi-join on `leftKeys[i] = rightKeys[i]`; null keys never match.
/// Output row order: left rows in input order (each followed by its matches in right input order);
/// for right/full joins, unmatched right rows follow in right input order. Semi/anti output left columns only.
public struct HashJoinExec: Sendable, Hashable {
    public var left: PhysicalPlan
    public var right: PhysicalPlan
    public var kind: JoinKind
    public var leftKeys: [Int]
    public var rightKeys: [Int]
    public var output: [JoinColumn]
    public var schema: Schema

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(left: PhysicalPlan, right: PhysicalPlan, kind: JoinKind, leftKeys: [Int], rightKeys: [Int],
                output: [JoinColumn], schema: Schema, origin: Span? = nil) {
        self.origin = origin
        self.left = left
        self.right = right
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.output = output
        self.schema = schema
    }
}

/// Concatenates inputs that share one schema (inputs are already projected to it).
public struct UnionExec: Sendable, Hashable {
    public var inputs: [PhysicalPlan]

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(inputs: [PhysicalPlan], origin: Span? = nil) {
        self.inputs = inputs
        self.origin = origin
    }
}

/// Keeps the first row (in input order) of each distinct value of `keys` (all columns when empty).
public struct DistinctExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var keys: [Int]

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, keys: [Int], origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.keys = keys
    }
}

/// A sort key: input column, direction and where nulls go.
public struct SortKey: Sendable, Hashable {
    public var column: Int
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(column: Int, ascending: Bool, nullsFirst: Bool) {
        self.column = column
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// Stable sort on `keys`.
public struct SortExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var keys: [SortKey]

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, keys: [SortKey], origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.keys = keys
    }
}

/// Passes the first `count` rows.
public struct LimitExec: Sendable, Hashable {
    public var input: PhysicalPlan
    public var count: Int

    /// The spec construct this operator came from, when it has one.
    public var origin: Span?

    public init(input: PhysicalPlan, count: Int, origin: Span? = nil) {
        self.origin = origin
        self.input = input
        self.count = count
    }
}

extension PhysicalPlan {
    /// The spec construct this operator came from (none for scans and shared reads).
    public var origin: Span? {
        switch self {
        case .scan, .node: nil
        case .filter(let n): n.origin
        case .project(let n): n.origin
        case .hashAggregate(let n): n.origin
        case .hashJoin(let n): n.origin
        case .union(let n): n.origin
        case .distinct(let n): n.origin
        case .sort(let n): n.origin
        case .limit(let n): n.origin
        }
    }
}
