/// A named rewrite of a logical plan that keeps its output schema.
public struct OptimizerRule: Sendable {
    public var name: String
    /// The rewritten node, or nil when the rule does not apply to this node.
    public var rewrite: @Sendable (LogicalPlan) -> LogicalPlan?
}

/// Applies rules bottom-up, in order, until no rule changes the plan; checks the schema after each rule.
public struct Optimizer: Sendable {
    public var rules: [OptimizerRule]

    public init(rules: [OptimizerRule] = Optimizer.defaultRules) {
        self.rules = rules
    }

    public static let defaultRules: [OptimizerRule] = [.mergeFilters, .pushFilterBelowProjection, .mergeProjections, .removeIdentityProjection]

    /// The optimized plan, and the plan after each rule that changed it (for `explain --verbose`).
    public func optimize(_ plan: LogicalPlan) -> (plan: LogicalPlan, trace: [(rule: String, plan: LogicalPlan)]) {
        var current = plan
        var trace: [(String, LogicalPlan)] = []
        var changed = true
        var rounds = 0
        while changed && rounds < 32 {
            changed = false
            rounds += 1
            for rule in rules {
                let next = apply(rule, current)
                guard next != current else { continue }
                precondition(next.schema == current.schema, "optimizer rule \(rule.name) changed the schema")
                current = next
                trace.append((rule.name, next))
                changed = true
            }
        }
        return (current, trace)
    }

    /// Applies `rule` to every node, children first.
    func apply(_ rule: OptimizerRule, _ plan: LogicalPlan) -> LogicalPlan {
        let node = plan.replacingInputs(plan.inputs.map { apply(rule, $0) })
        return rule.rewrite(node) ?? node
    }
}

extension OptimizerRule {
    /// `Project(Project(x))` becomes one projection whose expressions read `x` directly.
    public static let mergeProjections = OptimizerRule(name: "merge_projections") { plan in
        guard case .project(let outer) = plan, case .project(let inner) = outer.input else { return nil }
        return .project(LogicalProject(input: inner.input, expressions: outer.expressions.map { $0.substitute(inner.expressions) },
                                       schema: outer.schema, origin: outer.origin))
    }

    /// A projection that passes its input through unchanged disappears.
    public static let removeIdentityProjection = OptimizerRule(name: "remove_identity_projection") { plan in
        guard case .project(let p) = plan, p.isIdentity else { return nil }
        return p.input
    }

    /// `Filter(Filter(x))` becomes one filter on both conditions.
    public static let mergeFilters = OptimizerRule(name: "merge_filters") { plan in
        guard case .filter(let outer) = plan, case .filter(let inner) = outer.input else { return nil }
        let both = BoundExpr.logical(isAnd: true, inner.predicate, outer.predicate,
                                     type: ExprType(.bool, nullable: inner.predicate.type.nullable || outer.predicate.type.nullable))
        return .filter(LogicalFilter(input: inner.input, predicate: both, origin: outer.origin))
    }

    /// A filter over a projection moves below it, so fewer rows are projected.
    public static let pushFilterBelowProjection = OptimizerRule(name: "push_filter_below_projection") { plan in
        guard case .filter(let f) = plan, case .project(let p) = f.input else { return nil }
        let pushed = LogicalPlan.filter(LogicalFilter(input: p.input, predicate: f.predicate.substitute(p.expressions), origin: f.origin))
        return .project(LogicalProject(input: pushed, expressions: p.expressions, schema: p.schema, origin: p.origin))
    }
}

extension LogicalPlan {
    /// The same node over new inputs (in `inputs` order).
    public func replacingInputs(_ new: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .scan, .node: return self
        case .filter(var n): n.input = new[0]; return .filter(n)
        case .project(var n): n.input = new[0]; return .project(n)
        case .aggregate(var n): n.input = new[0]; return .aggregate(n)
        case .join(var n): n.left = new[0]; n.right = new[1]; return .join(n)
        case .union(var n): n.inputs = new; return .union(n)
        case .distinct(var n): n.input = new[0]; return .distinct(n)
        case .sort(var n): n.input = new[0]; return .sort(n)
        case .limit(var n): n.input = new[0]; return .limit(n)
        }
    }
}
