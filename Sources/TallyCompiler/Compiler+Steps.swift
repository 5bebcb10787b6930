import TallyDiagnostics
import TallySpec

extension Compiler {
    /// The plan that reads `name`: a scan for a source, a reference for a node.
    mutating func input(_ ref: Located<String>) -> LogicalPlan? {
        guard let schema = schemas[ref.value] else { return nil }
        if spec.sources.contains(where: { $0.name.value == ref.value }) {
            return .scan(LogicalScan(source: ref.value, schema: schema, origin: ref.span))
        }
        return .node(LogicalNodeRef(name: ref.value, schema: schema, origin: ref.span))
    }

    mutating func compileTransform(_ t: TransformDecl) {
        guard !t.incomplete, var plan = input(t.input) else { return }
        var reads = [t.input.value]
        for step in t.steps {
            reads += Self.references(step).map(\.value)
            guard let next = compileStep(step, on: plan, transform: t.name.value) else { return }
            plan = next
        }
        schemas[t.name.value] = plan.schema
        recordOuterJoinNulls(t.name.value, plan)
        nodes.append(CompiledNode(name: t.name.value, plan: plan, reads: reads, span: t.span))
    }

    func checker(_ schema: Schema, _ context: String) -> TypeChecker {
        TypeChecker(schema: schema, params: binder.values, context: context)
    }

    /// Collects a checker's findings after use.
    mutating func absorb(_ checker: TypeChecker) {
        diags.append(contentsOf: checker.diagnostics)
        binder.used.formUnion(checker.paramsUsed)
        for span in checker.lossyCasts {
            diags.append(Diagnostic(.lossyCast, "this cast can lose information", at: span,
                                    hint: "check that rounding or truncation is intended"))
        }
    }

    /// Resolves column names in a schema, reporting unknown ones.
    mutating func columns(_ names: [Located<String>], in schema: Schema, of what: String) -> [Int]? {
        var result: [Int] = []
        var ok = true
        for n in names {
            if let i = schema.index(of: n.value) {
                result.append(i)
            } else {
                diags.error(.unknownColumn, "unknown column `\(n.value)` in \(what)", at: n.span,
                            hint: Suggestion.hint(for: n.value, in: schema.names, kind: "column"))
                ok = false
            }
        }
        return ok ? result : nil
    }

    mutating func compileStep(_ step: StepDecl, on plan: LogicalPlan, transform: String) -> LogicalPlan? {
        let schema = plan.schema
        let origin = step.keyword.span
        let what = "the input of `\(step.keyword.value)` in `\(transform)`"
        switch step.kind {
        case .filter(let source):
            var c = checker(schema, "the filter of `\(transform)`")
            let predicate = c.checkPredicate(source)
            absorb(c)
            return predicate.map { .filter(LogicalFilter(input: plan, predicate: $0, origin: origin)) }
        case .derive(let entries):
            return derive(entries, on: plan, transform: transform, origin: origin)
        case .select(let names):
            guard let idx = columns(names, in: schema, of: what) else { return nil }
            if let dup = duplicate(names) {
                diags.error(.duplicateName, "column `\(dup.value)` is selected twice", at: dup.span)
                return nil
            }
            return project(plan, idx.map { ($0, schema[$0].name) }, origin: origin)
        case .drop(let names):
            guard let idx = columns(names, in: schema, of: what) else { return nil }
            let keep = schema.fields.indices.filter { !idx.contains($0) }
            return project(plan, keep.map { ($0, schema[$0].name) }, origin: origin)
        case .rename(let pairs):
            guard let idx = columns(pairs.map(\.from), in: schema, of: what) else { return nil }
            var names = schema.names
            for (i, pair) in zip(idx, pairs) { names[i] = pair.to.value }
            for pair in pairs where names.filter({ $0.lowercased() == pair.to.value.lowercased() }).count > 1 || !SpecDecoder.isIdentifier(pair.to.value) {
                diags.error(.duplicateName, "renaming `\(pair.from.value)` to `\(pair.to.value)` clashes with another column or is not a valid name",
                            at: pair.to.span, hint: "choose a name no other column has")
                return nil
            }
            return project(plan, names.enumerated().map { ($0.offset, $0.element) }, origin: origin)
        case .aggregate(let agg):
            return aggregate(agg, on: plan, transform: transform, origin: origin)
        case .join(let j):
            return join(j, on: plan, transform: transform, origin: origin)
        case .union(let others):
            return union(others, on: plan, origin: origin)
        case .distinct(let names):
            guard let idx = columns(names, in: schema, of: what) else { return nil }
            return .distinct(LogicalDistinct(input: plan, keys: idx, origin: origin))
        case .sort(let items):
            guard let idx = columns(items.map(\.column), in: schema, of: what) else { return nil }
            let keys = zip(idx, items).map { SortKey(column: $0, ascending: !$1.descending, nullsFirst: $1.nullsFirst ?? $1.descending) }
            return .sort(LogicalSort(input: plan, keys: keys, origin: origin))
        case .limit(let n):
            return .limit(LogicalLimit(input: plan, count: n.value, origin: origin))
        }
    }

    func duplicate(_ names: [Located<String>]) -> Located<String>? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0.value.lowercased()).inserted }
    }

    /// A projection picking input columns under (possibly new) names.
    func project(_ plan: LogicalPlan, _ picks: [(Int, String)], origin: Span) -> LogicalPlan {
        let schema = plan.schema
        let exprs = picks.map { i, _ in BoundExpr.column(index: i, name: schema[i].name, type: ExprType(schema[i].type, nullable: schema[i].nullable)) }
        let fields = picks.map { i, name in Field(name, schema[i].type, nullable: schema[i].nullable) }
        return .project(LogicalProject(input: plan, expressions: exprs, schema: Schema(fields), origin: origin))
    }

    /// `derive`: each entry adds or replaces a column; later entries see earlier ones.
    mutating func derive(_ entries: [NamedExpr], on plan: LogicalPlan, transform: String, origin: Span) -> LogicalPlan? {
        let input = plan.schema
        var fields = input.fields
        var exprs: [BoundExpr] = input.fields.enumerated().map { i, f in .column(index: i, name: f.name, type: ExprType(f.type, nullable: f.nullable)) }
        var ok = true
        var failed: Set<String> = []
        for entry in entries {
            var c = checker(Schema(fields), "`\(entry.name.value)` in `\(transform)`")
            c.unresolved = failed
            let checked = c.check(entry.expr)
            absorb(c)
            guard let (_, bound) = checked else {
                ok = false
                failed.insert(entry.name.value)
                continue
            }
            let expr = bound.substitute(exprs)
            var type = bound.type.type
            if type == .null { type = .string }
            let field = Field(entry.name.value, type, nullable: bound.type.nullable)
            guard SpecDecoder.isIdentifier(entry.name.value) else {
                diags.error(.invalidValue, "`\(entry.name.value)` is not a valid column name", at: entry.name.span,
                            hint: "names start with a letter or `_` and contain only letters, digits and `_`")
                ok = false
                continue
            }
            if let existing = Schema(fields).index(of: entry.name.value) {
                fields[existing] = field
                exprs[existing] = expr
            } else {
                fields.append(field)
                exprs.append(expr)
            }
        }
        guard ok else { return nil }
        return .project(LogicalProject(input: plan, expressions: exprs, schema: Schema(fields), origin: origin))
    }

    mutating func aggregate(_ agg: AggregateDecl, on plan: LogicalPlan, transform: String, origin: Span) -> LogicalPlan? {
        let schema = plan.schema
        guard let keys = columns(agg.groupBy, in: schema, of: "the `group_by` of `\(transform)`") else { return nil }
        if let dup = duplicate(agg.groupBy) {
            diags.error(.duplicateName, "`\(dup.value)` is grouped twice", at: dup.span)
            return nil
        }
        var scope = AggregationScope(keys: keys, output: keys.map { schema[$0] })
        var measures: [(Located<String>, BoundExpr)] = []
        var ok = true
        for m in agg.measures {
            if !SpecDecoder.isIdentifier(m.name.value) {
                diags.error(.invalidValue, "`\(m.name.value)` is not a valid column name", at: m.name.span,
                            hint: "names start with a letter or `_` and contain only letters, digits and `_`")
                ok = false
                continue
            }
            if keys.contains(where: { schema[$0].name.lowercased() == m.name.value.lowercased() }) {
                diags.error(.duplicateName, "measure `\(m.name.value)` has the name of a group key", at: m.name.span,
                            hint: "give the measure another name")
                ok = false
                continue
            }
            if let earlier = measures.first(where: { $0.0.value.lowercased() == m.name.value.lowercased() }) {
                diags.error(.duplicateName, "measure `\(m.name.value)` differs from `\(earlier.0.value)` only in case", at: m.name.span,
                            hint: "column names are matched ignoring case; give the measure another name",
                            notes: [DiagnosticNote("`\(earlier.0.value)` defined here", span: earlier.0.span)])
                ok = false
                continue
            }
            var c = checker(schema, "measure `\(m.name.value)` of `\(transform)`")
            c.aggregation = scope
            let checked = c.check(m.expr)
            scope = c.aggregation ?? scope
            absorb(c)
            guard let (_, bound) = checked else { ok = false; continue }
            measures.append((m.name, bound))
        }
        guard ok else { return nil }
        let calls = scope.calls.map { LogicalAggregateCall(function: $0.function, argument: $0.argument, type: $0.type) }
        let aggregated = LogicalPlan.aggregate(LogicalAggregate(input: plan, groupKeys: keys, calls: calls,
                                                               schema: Schema(scope.output), origin: origin))
        let out = scope.output
        var exprs: [BoundExpr] = keys.indices.map { .column(index: $0, name: out[$0].name, type: ExprType(out[$0].type, nullable: out[$0].nullable)) }
        var fields = Array(out.prefix(keys.count))
        for (name, e) in measures {
            exprs.append(e)
            fields.append(Field(name.value, e.type.type, nullable: e.type.nullable))
        }
        return .project(LogicalProject(input: aggregated, expressions: exprs, schema: Schema(fields), origin: origin))
    }
}
