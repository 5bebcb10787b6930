import TallyDiagnostics

/// A pipeline spec as written: the syntax tree of one YAML file, every part carrying its span.
public struct PipelineSpec: Sendable, Hashable {
    public var file: String
    public var span: Span
    public var version: Located<Int>?
    public var name: Located<String>?
    public var description: String?
    public var params: [ParamDecl]
    /// Warehouse URL such as `sqlite:warehouse/tally.db`.
    public var warehouse: Located<String>?
    /// Rejected rows allowed per source before the run fails (default 0).
    public var maxRejects: Located<Int>?
    /// Folder (under the data root) where rejected rows are written.
    public var rejectsPath: Located<String>?
    public var sources: [SourceDecl]
    public var transforms: [TransformDecl]
    public var sinks: [SinkDecl]
    /// Names of sources and transforms declared but not decodable (already reported); references to
    /// them are not reported again.
    public var undecodable: Set<String> = []

    public init(file: String, span: Span) {
        self.file = file
        self.span = span
        params = []
        sources = []
        transforms = []
        sinks = []
    }
}

/// A declared parameter: `name: {type: int, default: 5}`.
public struct ParamDecl: Sendable, Hashable {
    public var name: Located<String>
    public var type: Located<String>
    /// The default as written (a scalar), or nil when the parameter is required.
    public var defaultValue: Located<String>?
    public var description: String?
    public var span: Span
}

/// A source: files of one format with a declared schema.
public struct SourceDecl: Sendable, Hashable {
    public var name: Located<String>
    public var format: Located<String>
    /// Path or glob relative to the data root; may contain `${param}`.
    public var path: Located<String>
    public var header: Bool
    public var delimiter: Located<String>?
    public var columns: [ColumnDecl]
    public var maxRejects: Located<Int>?
    public var description: String?
    public var span: Span
}

/// A declared column of a source: a name, a type and nullability.
public struct ColumnDecl: Sendable, Hashable {
    public var name: Located<String>
    /// Type name as written, e.g. `decimal(10,2)`.
    public var type: Located<String>
    public var nullable: Bool
    public var span: Span
}

/// A named transform node: one input and ordered steps.
public struct TransformDecl: Sendable, Hashable {
    public var name: Located<String>
    /// The source or node this transform reads.
    public var input: Located<String>
    public var steps: [StepDecl]
    /// Some step could not be decoded (already reported); the transform is not compiled.
    public var incomplete: Bool
    public var description: String?
    public var span: Span
}

/// A named output column computed by an expression (`derive` entries and aggregate measures).
public struct NamedExpr: Sendable, Hashable {
    public var name: Located<String>
    public var expr: ExprSource
}

/// One step of a transform.
public struct StepDecl: Sendable, Hashable {
    public var kind: StepKind
    public var span: Span
    /// The step's keyword as written (`filter`, `join`, ...), with its span.
    public var keyword: Located<String>
}

/// The steps a transform can apply.
public enum StepKind: Sendable, Hashable {
    case filter(ExprSource)
    case derive([NamedExpr])
    case select([Located<String>])
    case drop([Located<String>])
    case rename([RenameDecl])
    case aggregate(AggregateDecl)
    case join(JoinDecl)
    case union([Located<String>])
    /// Keep the first row of each distinct key; empty means all columns.
    case distinct([Located<String>])
    case sort([SortItemDecl])
    case limit(Located<Int>)

    /// The keywords that introduce steps, for suggestions and the schema.
    public static let keywords = ["filter", "derive", "select", "drop", "rename", "aggregate", "join", "union",
                                  "distinct", "sort", "limit"]
}

/// `rename: {old: new}` entry.
public struct RenameDecl: Sendable, Hashable {
    public var from: Located<String>
    public var to: Located<String>
}

/// `aggregate: {group_by: [...], measures: {name: expr}}`.
public struct AggregateDecl: Sendable, Hashable {
    public var groupBy: [Located<String>]
    public var measures: [NamedExpr]
}

/// `join: {with: node, type: left, on: [key], right_prefix: r_}`.
public struct JoinDecl: Sendable, Hashable {
    public var right: Located<String>
    public var kind: Located<String>
    public var on: [JoinKeyDecl]
    /// Added to the name of every right-side column that is not a join key.
    public var rightPrefix: Located<String>?
}

/// A join key: the same name on both sides, or `{left: a, right: b}`.
public struct JoinKeyDecl: Sendable, Hashable {
    public var left: Located<String>
    public var right: Located<String>
}

/// `sort` item: `column [asc|desc] [nulls first|last]`.
public struct SortItemDecl: Sendable, Hashable {
    public var column: Located<String>
    public var descending: Bool
    public var nullsFirst: Bool?
}

/// A sink: where a node's rows go.
public struct SinkDecl: Sendable, Hashable {
    public var name: Located<String>
    public var input: Located<String>
    public var kind: SinkKind
    public var span: Span
}

/// The kinds of sink.
public enum SinkKind: Sendable, Hashable {
    case csv(CSVSinkDecl)
    case warehouse(WarehouseSinkDecl)
    case alert(AlertSinkDecl)

    public static let names = ["csv", "warehouse", "alert"]
}

/// A CSV file, or with `partitioned: true` a folder of `date=YYYY-MM-DD/` partitions.
public struct CSVSinkDecl: Sendable, Hashable {
    public var path: Located<String>
    public var partitioned: Bool
    public var delimiter: Located<String>?
}

/// A warehouse table loaded in one transaction.
public struct WarehouseSinkDecl: Sendable, Hashable {
    public var table: Located<String>
    /// `replace_partition`, `merge` or `replace`.
    public var mode: Located<String>
    /// Merge keys (`merge` mode).
    public var key: [Located<String>]
    /// The date column that holds the run date (`replace_partition` mode).
    public var partitionBy: Located<String>?
}

/// An alert: one JSON line per row where `when` holds, and a summary.
public struct AlertSinkDecl: Sendable, Hashable {
    public var when: ExprSource?
    public var severity: Located<String>?
    /// A message template; `{column}` is replaced by the row's value.
    public var message: Located<String>?
    /// `stdout` (default) or a file path under the data root.
    public var output: Located<String>?
}
