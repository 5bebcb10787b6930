/// Aggregate functions.
///
/// Result types (decided by the type checker, carried in `AggregateCall.type`):
/// `sum(int)` int (overflow is an error), `sum(decimal(p,s))` decimal(38,s), `sum(double)` double;
/// `count`, `count_star`, `count_distinct` int not null; `min`/`max`/`any` the argument's type;
/// `avg(int)` decimal(38,6), `avg(decimal(p,s))` decimal(38,max(s,6)), `avg(double)` double
/// (decimal averages round half away from zero). Aggregates skip nulls; over no non-null input
/// they yield null (the counts yield 0).
public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    case sum, count, min, max, avg, any
    /// `count(*)`: counts rows, takes no argument.
    case countStar = "count_star"
    case countDistinct = "count_distinct"
    /// Alias of `any`: the first non-null value met.
    case first
}

/// One aggregate computed by a hash aggregate: the function and the input column it reads.
public struct AggregateCall: Sendable, Hashable {
    public var function: AggregateFunction
    /// Index of the argument column in the aggregate's input; nil for `count(*)`.
    public var argument: Int?
    /// The result type.
    public var type: ExprType

    public init(_ function: AggregateFunction, argument: Int?, type: ExprType) {
        self.function = function
        self.argument = argument
        self.type = type
    }
}
