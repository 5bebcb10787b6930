import TallyDiagnostics
import TallySpec

extension Compiler {
    /// `join`: keys must exist on both sides with equal types; non-key right columns must not clash
    /// with left columns (set `right_prefix` to rename them).
    mutating func join(_ j: JoinDecl, on left: LogicalPlan, transform: String, origin: Span) -> LogicalPlan? {
        guard let kind = JoinKind(rawValue: j.kind.value.lowercased()) else {
            diags.error(.invalidValue, "unknown join type `\(j.kind.value)`", at: j.kind.span,
                        hint: Suggestion.hint(for: j.kind.value, in: JoinKind.allCases.map(\.rawValue), kind: "join type"))
            return nil
        }
        guard let right = input(j.right) else { return nil }
        guard !j.on.isEmpty else {
            diags.error(.missingKey, "the join in `\(transform)` has no keys", at: origin, hint: "add `on: [key]`")
            return nil
        }
        let ls = left.schema
        let rs = right.schema
        let lk = columns(j.on.map(\.left), in: ls, of: "the left side of the join in `\(transform)`")
        let rk = columns(j.on.map(\.right), in: rs, of: "`\(j.right.value)` (the right side of the join)")
        guard let lk, let rk else { return nil }
        var ok = true
        for (i, key) in j.on.enumerated() where ls[lk[i]].type != rs[rk[i]].type {
            diags.error(.joinKeyType, "join key `\(key.left.value)` is \(ls[lk[i]].type) on the left but `\(key.right.value)` is \(rs[rk[i]].type) in `\(j.right.value)`",
                        at: key.left.span, hint: "cast one side in a `derive` step so both keys have one type")
            ok = false
        }
        guard ok else { return nil }
        var output: [JoinColumn] = []
        var fields: [Field] = []
        let rightNullable = kind == .left || kind == .full
        let leftNullable = kind == .right || kind == .full
        for (i, f) in ls.fields.enumerated() {
            if let k = lk.firstIndex(of: i), kind == .right || kind == .full {
                output.append(kind == .right ? .right(rk[k]) : .coalesce(left: i, right: rk[k]))
                let nullable = kind == .right ? rs[rk[k]].nullable : f.nullable || rs[rk[k]].nullable
                fields.append(Field(f.name, f.type, nullable: nullable))
            } else {
                output.append(.left(i))
                fields.append(Field(f.name, f.type, nullable: f.nullable || (leftNullable && !lk.contains(i))))
            }
        }
        if kind != .semi && kind != .anti {
            let prefix = j.rightPrefix?.value ?? ""
            for (i, f) in rs.fields.enumerated() where !rk.contains(i) {
                let name = prefix + f.name
                if let clash = fields.first(where: { $0.name.lowercased() == name.lowercased() }) {
                    diags.error(.joinNameClash, "column `\(name)` of `\(j.right.value)` clashes with `\(clash.name)` of the left side",
                                at: j.right.span,
                                hint: j.rightPrefix == nil ? "add `right_prefix: \(j.right.value)_` to the join, or drop the column first"
                                                           : "choose another `right_prefix`")
                    ok = false
                    continue
                }
                output.append(.right(i))
                fields.append(Field(name, f.type, nullable: f.nullable || rightNullable))
            }
        }
        guard ok else { return nil }
        return .join(LogicalJoin(left: left, right: right, kind: kind, leftKeys: lk, rightKeys: rk, output: output,
                                 schema: Schema(fields), origin: origin))
    }

    /// `union`: the other inputs must have the same column names and types (in any order).
    mutating func union(_ others: [Located<String>], on plan: LogicalPlan, origin: Span) -> LogicalPlan? {
        let schema = plan.schema
        var inputs = [plan]
        var nullable = schema.fields.map(\.nullable)
        var ok = true
        for other in others {
            guard let p = input(other) else { ok = false; continue }
            let os = p.schema
            let missing = schema.names.filter { os.index(of: $0) == nil }
            let extra = os.names.filter { schema.index(of: $0) == nil }
            if !missing.isEmpty || !extra.isEmpty {
                var parts: [String] = []
                if !missing.isEmpty { parts.append("lacks \(missing.map { "`\($0)`" }.joined(separator: ", "))") }
                if !extra.isEmpty { parts.append("has extra \(extra.map { "`\($0)`" }.joined(separator: ", "))") }
                diags.error(.unionSchema, "`\(other.value)` cannot be unioned: it \(parts.joined(separator: " and "))", at: other.span,
                            hint: "select or derive the same columns in both inputs")
                ok = false
                continue
            }
            var picks: [(Int, String)] = []
            for (i, f) in schema.fields.enumerated() {
                let j = os.index(of: f.name)!
                if os[j].type != f.type {
                    diags.error(.unionSchema, "column `\(f.name)` is \(f.type) here but \(os[j].type) in `\(other.value)`", at: other.span,
                                hint: "cast one of them so both have the same type")
                    ok = false
                }
                nullable[i] = nullable[i] || os[j].nullable
                picks.append((j, f.name))
            }
            inputs.append(project(p, picks, origin: other.span))
        }
        guard ok else { return nil }
        // Align nullability: every input presents the union's schema.
        let fields = zip(schema.fields, nullable).map { Field($0.name, $0.type, nullable: $1) }
        inputs = inputs.map { p in
            let exprs = p.schema.fields.enumerated().map { i, f in BoundExpr.column(index: i, name: f.name, type: ExprType(f.type, nullable: f.nullable)) }
            return .project(LogicalProject(input: p, expressions: exprs, schema: Schema(fields), origin: origin))
        }
        return .union(LogicalUnion(inputs: inputs, origin: origin))
    }
}
