extension PipelineSpec {
    /// Every expression of the spec: filters, derived columns, measures and alert conditions.
    public var expressions: [ExprSource] {
        var result: [ExprSource] = []
        for t in transforms {
            for step in t.steps {
                switch step.kind {
                case .filter(let e): result.append(e)
                case .derive(let entries): result += entries.map(\.expr)
                case .aggregate(let a): result += a.measures.map(\.expr)
                default: break
                }
            }
        }
        for s in sinks {
            if case .alert(let a) = s.kind, let when = a.when { result.append(when) }
        }
        return result
    }

    /// Every text that may hold `${name}` substitutions: paths, the warehouse URL, alert outputs.
    public var substitutedTexts: [String] {
        var result = sources.map(\.path.value) + [warehouse?.value, rejectsPath?.value].compactMap { $0 }
        for s in sinks {
            switch s.kind {
            case .csv(let c): result.append(c.path.value)
            case .alert(let a): result += [a.output?.value].compactMap { $0 }
            case .warehouse: break
            }
        }
        return result
    }

    /// The names of the parameters the spec mentions, as written (whether or not the rest compiles).
    public var paramReferences: Set<String> {
        var names: Set<String> = []
        for source in expressions {
            if case .success(let expr) = ExprParser.parse(source) { expr.collectParams(into: &names) }
        }
        for text in substitutedTexts {
            var rest = Substring(text)
            while let open = rest.firstRange(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
                names.insert(String(rest[open.upperBound..<close]))
                rest = rest[rest.index(after: close)...]
            }
        }
        return names
    }
}

extension Expr {
    /// Adds the names of the parameters this expression reads.
    func collectParams(into names: inout Set<String>) {
        switch kind {
        case .param(let name): names.insert(name)
        case .literal, .column: break
        case .unary(_, let e), .isNull(let e, _), .cast(let e, _): e.collectParams(into: &names)
        case .binary(_, let a, let b): a.collectParams(into: &names); b.collectParams(into: &names)
        case .inList(let e, let items, _): ([e] + items).forEach { $0.collectParams(into: &names) }
        case .between(let e, let low, let high, _): [e, low, high].forEach { $0.collectParams(into: &names) }
        case .caseWhen(let clauses, let otherwise):
            for c in clauses { c.condition.collectParams(into: &names); c.result.collectParams(into: &names) }
            otherwise?.collectParams(into: &names)
        case .call(_, let args, _): args.forEach { $0.collectParams(into: &names) }
        }
    }
}
