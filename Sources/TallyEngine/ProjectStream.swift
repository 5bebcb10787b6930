import TallyCompiler

/// Computes one output column per expression for every input batch.
public final class ProjectStream: BatchStream {
    private let input: BatchStream
    private let expressions: [BoundExpr]
    private let evaluator = ExpressionEvaluator()

    public init(input: BatchStream, expressions: [BoundExpr]) {
        self.input = input
        self.expressions = expressions
    }

    public func next() throws -> Batch? {
        guard let batch = try input.next() else { return nil }
        let columns = try expressions.map { try evaluator.evaluate($0, on: batch) }
        return Batch(columns: columns, count: batch.count)
    }
}
