import TallyDiagnostics

/// A checked pipeline: bound parameters, resolved paths, typed schemas and a logical plan per node.
/// Compiling reads no data; this is what `lint`, `explain` and `run` work from.
public struct CompiledPipeline: Sendable {
    public var name: String
    public var file: String
    /// Parameters in declaration order, `run_date` first.
    public var params: [(name: String, param: BoundParam)]
    public var runDate: Int32
    public var sources: [CompiledSource]
    /// Transform nodes in dependency order.
    public var nodes: [CompiledNode]
    public var sinks: [CompiledSink]
    /// The warehouse URL (`sqlite:PATH`), if any sink needs one.
    public var warehouse: String?
    public var maxRejects: Int
    /// Folder under the data root for rejected rows.
    public var rejectsPath: String
    /// Warnings found while compiling.
    public var warnings: [Diagnostic]

    /// The node or source output with this name.
    public func schema(of name: String) -> Schema? {
        nodes.first { $0.name == name }?.plan.schema ?? sources.first { $0.name == name }?.schema
    }

    /// How many nodes and sinks read `name`.
    public func consumers(of name: String) -> Int {
        let fromNodes = nodes.reduce(0) { $0 + $1.reads.filter { $0 == name }.count }
        return fromNodes + sinks.filter { $0.input == name }.count
    }
}

/// A source with its path pattern resolved and its schema typed.
public struct CompiledSource: Sendable, Hashable {
    public var name: String
    /// Path or glob relative to the data root, parameters substituted.
    public var path: String
    public var schema: Schema
    public var delimiter: UInt8
    public var header: Bool
    public var maxRejects: Int
    public var span: Span
}

/// A transform node and its logical plan.
public struct CompiledNode: Sendable, Hashable {
    public var name: String
    public var plan: LogicalPlan
    /// The sources and nodes this node reads.
    public var reads: [String]
    public var span: Span
}

/// How a warehouse table is loaded.
public enum LoadMode: Sendable, Hashable, CustomStringConvertible {
    /// Delete the rows whose `column` equals `value`, then insert.
    case replacePartition(column: String, value: Value)
    /// Upsert on `keys`; rows not in the load stay.
    case merge(keys: [String])
    /// Delete every row, then insert.
    case replace

    public var description: String {
        switch self {
        case .replacePartition(let c, let v): "replace partition \(c) = \(v)"
        case .merge(let keys): "merge on (\(keys.joined(separator: ", ")))"
        case .replace: "replace table"
        }
    }
}

/// Alert severities.
public enum AlertSeverity: String, Sendable, Hashable, CaseIterable {
    case info, warning, critical
}

/// A sink with everything resolved.
public struct CompiledSink: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// One CSV file, or with `partitioned` a `date=YYYY-MM-DD/` folder under `path`.
        case csv(path: String, partitioned: Bool, delimiter: UInt8)
        case warehouse(table: String, mode: LoadMode)
        /// Rows where `when` holds become alert lines; `output` nil means stdout.
        case alert(when: BoundExpr?, severity: AlertSeverity, message: [MessagePart], output: String?)
    }

    public var name: String
    public var input: String
    public var schema: Schema
    public var kind: Kind
    public var span: Span
}

/// A piece of an alert message template: literal text or a column's value.
public enum MessagePart: Sendable, Hashable {
    case text(String)
    case column(Int)
}
