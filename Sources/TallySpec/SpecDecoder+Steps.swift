import TallyDiagnostics

extension SpecDecoder {
    static let aggregateKeys = ["group_by", "measures"]
    static let joinKeys = ["with", "type", "on", "right_prefix"]

    /// Decodes one step: a mapping with exactly one key, the step's keyword.
    func decodeStep(_ node: YAMLNode, transform: String, into diags: inout Diagnostics) -> StepDecl? {
        guard let pairs = node.mapping, pairs.count == 1, let keyword = pairs[0].key.scalar?.value else {
            diags.error(.wrongValueType, "a step of transform `\(transform)` must be one `keyword: ...` entry, found \(MappingReader.describe(node))",
                        at: node.span, hint: "steps are list items such as `- filter: quantity > 0` or `- derive: {total: a + b}`")
            return nil
        }
        let key = Located(keyword, at: pairs[0].key.span)
        let value = pairs[0].value
        let what = "`\(keyword)` step of transform `\(transform)`"
        let kind: StepKind?
        switch keyword {
        case "filter":
            kind = MappingReader.expression(value, what: "the \(what)", into: &diags).map(StepKind.filter)
        case "derive":
            kind = namedExprs(value, what: "the \(what)", into: &diags).map(StepKind.derive)
        case "select":
            kind = MappingReader.names(value, what: "the \(what)", into: &diags).map(StepKind.select)
        case "drop":
            kind = MappingReader.names(value, what: "the \(what)", into: &diags).map(StepKind.drop)
        case "rename":
            kind = MappingReader.entries(value, what: "the \(what)", into: &diags).map { entries in
                .rename(entries.compactMap { name, v in
                    MappingReader.scalarString(v, what: "the new name of `\(name.value)`", into: &diags).map { RenameDecl(from: name, to: $0) }
                })
            }
        case "aggregate":
            kind = decodeAggregate(value, what: what, into: &diags).map(StepKind.aggregate)
        case "join":
            kind = decodeJoin(value, what: what, into: &diags).map(StepKind.join)
        case "union":
            kind = MappingReader.names(value, what: "the \(what)", into: &diags).map(StepKind.union)
        case "distinct":
            kind = decodeDistinct(value, what: what, into: &diags)
        case "sort":
            kind = MappingReader.names(value, what: "the \(what)", into: &diags).map { items in
                .sort(items.compactMap { decodeSortItem($0, into: &diags) })
            }
        case "limit":
            if let s = value.scalar, s.style == .plain, let n = Int(s.value), n >= 0 {
                kind = .limit(Located(n, at: value.span))
            } else {
                let quoted = value.scalar.map { $0.style != .plain && Int($0.value) != nil } ?? false
                diags.error(.wrongValueType, "the \(what) must be a non-negative integer, found \(quoted ? "a quoted string" : MappingReader.describe(value))",
                            at: value.span, hint: quoted ? "remove the quotes" : "write `- limit: 100`")
                kind = nil
            }
        default:
            diags.error(.unknownKey, "unknown step `\(keyword)` in transform `\(transform)`", at: key.span,
                        hint: Suggestion.hint(for: keyword, in: StepKind.keywords, kind: "step"))
            kind = nil
        }
        return kind.map { StepDecl(kind: $0, span: node.span, keyword: key) }
    }

    func namedExprs(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> [NamedExpr]? {
        MappingReader.entries(node, what: what, into: &diags).map { entries in
            entries.compactMap { name, value in
                MappingReader.expression(value, what: "`\(name.value)` in \(what)", into: &diags).map { NamedExpr(name: name, expr: $0) }
            }
        }
    }

    func decodeAggregate(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> AggregateDecl? {
        guard let r = MappingReader(node, context: "the \(what)", into: &diags) else { return nil }
        r.checkKeys(Self.aggregateKeys, into: &diags)
        let groupBy = r.stringList("group_by", into: &diags) ?? []
        var measures: [NamedExpr] = []
        if let m = r.required("measures", into: &diags, example: "{total: sum(quantity)}") {
            measures = namedExprs(m, what: "the measures of the \(what)", into: &diags) ?? []
        }
        return AggregateDecl(groupBy: groupBy, measures: measures)
    }

    func decodeJoin(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> JoinDecl? {
        guard let r = MappingReader(node, context: "the \(what)", into: &diags) else { return nil }
        r.checkKeys(Self.joinKeys, into: &diags)
        let right = r.string("with", required: true, example: "<node>", into: &diags)
        let kind = r.string("type", into: &diags) ?? Located("inner", at: node.span)
        var keys: [JoinKeyDecl] = []
        let onNode = r.required("on", into: &diags, example: "[sku]")
        if let on = onNode {
            let items = on.sequence ?? [on]
            for item in items {
                if let s = item.scalar, !s.isNull {
                    let name = Located(s.value, at: item.span)
                    keys.append(JoinKeyDecl(left: name, right: name))
                } else if let kr = MappingReader(item, context: "a join key", into: &diags) {
                    kr.checkKeys(["left", "right"], into: &diags)
                    if let l = kr.string("left", required: true, example: "<left column>", into: &diags),
                       let rt = kr.string("right", required: true, example: "<right column>", into: &diags) {
                        keys.append(JoinKeyDecl(left: l, right: rt))
                    }
                }
            }
        }
        guard let right, onNode != nil else { return nil }
        return JoinDecl(right: right, kind: kind, on: keys, rightPrefix: r.string("right_prefix", into: &diags))
    }

    func decodeDistinct(_ node: YAMLNode, what: String, into diags: inout Diagnostics) -> StepKind? {
        if let s = node.scalar, s.style == .plain, ["true", "yes"].contains(s.value.lowercased()) || s.isNull {
            return .distinct([])
        }
        if let s = node.scalar, s.style == .plain, ["false", "no"].contains(s.value.lowercased()) {
            diags.error(.invalidValue, "`distinct: \(s.value)` has no effect", at: node.span,
                        hint: "remove the step, or write `distinct: true` (all columns) or `distinct: [keys]`")
            return nil
        }
        if node.mapping != nil {
            guard let r = MappingReader(node, context: "the \(what)", into: &diags) else { return nil }
            r.checkKeys(["on"], into: &diags)
            return .distinct(r.stringList("on", into: &diags) ?? [])
        }
        return MappingReader.names(node, what: "the \(what)", into: &diags).map(StepKind.distinct)
    }

    /// Parses `column [asc|desc] [nulls first|last]`.
    func decodeSortItem(_ item: Located<String>, into diags: inout Diagnostics) -> SortItemDecl? {
        let words = item.value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let column = words.first else {
            diags.error(.invalidValue, "a sort key needs a column", at: item.span, hint: "write `column [asc|desc] [nulls first|last]`")
            return nil
        }
        var rest = words.dropFirst().map { $0.lowercased() }
        var descending = false
        if let w = rest.first, w == "asc" || w == "desc" {
            descending = w == "desc"
            rest.removeFirst()
        }
        var nullsFirst: Bool?
        if rest.count == 2, rest[0] == "nulls", rest[1] == "first" || rest[1] == "last" {
            nullsFirst = rest[1] == "first"
            rest.removeAll()
        }
        guard rest.isEmpty else {
            diags.error(.invalidValue, "cannot read sort key `\(item.value)`", at: item.span,
                        hint: "write `column [asc|desc] [nulls first|last]`, e.g. `quantity desc`")
            return nil
        }
        return SortItemDecl(column: Located(column, at: item.span.sub(offset: 0, length: column.count)),
                            descending: descending, nullsFirst: nullsFirst)
    }
}
