import TallyDiagnostics
import TallySpec

/// Compiles a `PipelineSpec`: binds parameters, types sources, resolves the node graph, checks every
/// expression and builds a logical plan per node. Reports every error it finds; reads no data.
public struct Compiler {
    /// Options that come from the command line.
    public struct Options: Sendable {
        public var runDate: Int32
        public var params: [String: String]
        /// Overrides the spec's `warehouse`.
        public var warehouse: String?
        /// Allow absolute paths and `..` that leave the data root.
        public var allowOutsideRoot: Bool

        public init(runDate: Int32, params: [String: String] = [:], warehouse: String? = nil, allowOutsideRoot: Bool = false) {
            self.runDate = runDate
            self.params = params
            self.warehouse = warehouse
            self.allowOutsideRoot = allowOutsideRoot
        }
    }

    let spec: PipelineSpec
    let options: Options
    var diags = Diagnostics()
    var binder: ParamBinder
    /// Output schema of each source and compiled node; a name missing here failed to compile.
    var schemas: [String: Schema] = [:]
    var sources: [CompiledSource] = []
    var nodes: [CompiledNode] = []
    /// Per node, the columns that only an outer join can leave null, with that join's span.
    var outerNulls: [String: [String: Span]] = [:]
    /// What each transform reads, as declared (known names only).
    var declaredReads: [String: [String]] = [:]

    init(spec: PipelineSpec, options: Options) {
        self.spec = spec
        self.options = options
        binder = ParamBinder(spec: spec, runDate: options.runDate, overrides: options.params, into: &diags)
    }

    /// Compiles `spec`. The pipeline is nil when there are errors; diagnostics include warnings either way.
    public static func compile(_ spec: PipelineSpec, options: Options) -> (CompiledPipeline?, Diagnostics) {
        var compiler = Compiler(spec: spec, options: options)
        return compiler.run()
    }

    mutating func run() -> (CompiledPipeline?, Diagnostics) {
        compileSources()
        let order = dependencyOrder()
        for transform in order { compileTransform(transform) }
        let sinks = spec.sinks.compactMap { compileSink($0) }
        checkSharedTables(sinks)
        var warehouse: String?
        if let url = options.warehouse {
            warehouse = checkWarehouse(Located(url, at: .synthetic("--warehouse")))
        } else if let url = spec.warehouse {
            warehouse = checkWarehouse(url)
        }
        if warehouse == nil, options.warehouse == nil, spec.warehouse == nil, let sink = spec.sinks.first(where: { if case .warehouse = $0.kind { true } else { false } }) {
            diags.error(.invalidWarehouse, "sink `\(sink.name.value)` loads a warehouse table but the spec has no `warehouse`",
                        at: sink.name.span, hint: "add `warehouse: sqlite:warehouse/tally.db` at the top level")
        }
        warnUnused()
        let maxRejects = spec.maxRejects?.value ?? 0
        if let m = spec.maxRejects, m.value < 0 {
            diags.error(.invalidValue, "`max_rejects` cannot be negative", at: m.span)
        }
        var rejectsPath = "_rejects"
        if let r = spec.rejectsPath, let p = resolvePath(r) { rejectsPath = p }
        guard !diags.hasErrors else { return (nil, diags) }
        let pipeline = CompiledPipeline(
            name: spec.name?.value ?? "pipeline", file: spec.file,
            params: binder.order.compactMap { n in binder.values[n].map { (n, $0) } },
            runDate: options.runDate, sources: sources, nodes: nodes, sinks: sinks, warehouse: warehouse,
            maxRejects: maxRejects, rejectsPath: rejectsPath, warnings: diags.warnings)
        return (pipeline, diags)
    }

    // MARK: - Sources

    mutating func compileSources() {
        for source in spec.sources {
            var fields: [Field] = []
            var ok = true
            for column in source.columns {
                guard let type = DataType.parse(column.type.value) else {
                    diags.error(.invalidType, "unknown type `\(column.type.value)` for column `\(column.name.value)`", at: column.type.span,
                                hint: Suggestion.hint(for: column.type.value, in: DataType.spellings, kind: "type"))
                    ok = false
                    continue
                }
                if fields.contains(where: { $0.name.lowercased() == column.name.value.lowercased() }) {
                    diags.error(.duplicateName, "column `\(column.name.value)` is declared twice in source `\(source.name.value)`",
                                at: column.name.span)
                    ok = false
                }
                fields.append(Field(column.name.value, type, nullable: column.nullable))
            }
            if source.columns.isEmpty {
                diags.error(.missingKey, "source `\(source.name.value)` declares no columns", at: source.name.span,
                            hint: "list the columns under `columns:` with their types")
                ok = false
            }
            let path = resolvePath(source.path)
            if let m = source.maxRejects, m.value < 0 { diags.error(.invalidValue, "`max_rejects` cannot be negative", at: m.span) }
            guard ok, let path else { continue }
            let schema = Schema(fields)
            schemas[source.name.value] = schema
            sources.append(CompiledSource(
                name: source.name.value, path: path, schema: schema,
                delimiter: source.delimiter.map { $0.value == "\\t" ? 9 : $0.value.utf8.first ?? 44 } ?? 44,
                header: source.header, maxRejects: source.maxRejects?.value ?? spec.maxRejects?.value ?? 0, span: source.span))
        }
    }

    /// Substitutes parameters and checks the path stays inside the data root.
    mutating func resolvePath(_ path: Located<String>) -> String? {
        guard let resolved = binder.substitute(path, into: &diags) else { return nil }
        if !options.allowOutsideRoot {
            let parts = resolved.split(separator: "/")
            if resolved.hasPrefix("/") || resolved.hasPrefix("~") || parts.contains("..") {
                diags.error(.pathOutsideRoot, "path `\(resolved)` leaves the data root", at: path.span,
                            hint: "write paths relative to the data root (`--root`); pass `--allow-outside-root` to permit this")
                return nil
            }
        }
        return resolved
    }

    /// The warehouse URL with parameters substituted, or nil (with an error) when it is not usable.
    mutating func checkWarehouse(_ url: Located<String>) -> String? {
        if url.value.hasPrefix("sqlite:") {
            return resolvePath(Located(String(url.value.dropFirst("sqlite:".count)), at: url.span)).map { "sqlite:" + $0 }
        }
        diags.error(.invalidWarehouse, "unsupported warehouse `\(url.value)`", at: url.span,
                    hint: "use `sqlite:PATH` (relative to the data root)")
        return nil
    }

    // MARK: - Graph

    /// Reports unknown inputs, duplicate names and cycles; returns the transforms in dependency order.
    mutating func dependencyOrder() -> [TransformDecl] {
        let sourceNames = Set(spec.sources.map(\.name.value))
        var byName: [String: TransformDecl] = [:]
        for t in spec.transforms {
            if sourceNames.contains(t.name.value) {
                diags.error(.duplicateName, "transform `\(t.name.value)` has the name of a source", at: t.name.span,
                            hint: "give the transform a name of its own")
            }
            byName[t.name.value] = t
        }
        let known = spec.sources.map(\.name.value) + spec.transforms.map(\.name.value)
        func check(_ ref: Located<String>) -> Bool {
            if known.contains(ref.value) { return true }
            if spec.undecodable.contains(ref.value) { return false }
            diags.error(.unknownSource, "unknown source or transform `\(ref.value)`", at: ref.span,
                        hint: Suggestion.hint(for: ref.value, in: known, kind: "source or transform", plural: "sources and transforms"))
            return false
        }
        var edges: [String: [Located<String>]] = [:]
        for t in spec.transforms {
            let refs = [t.input] + t.steps.flatMap(Self.references)
            edges[t.name.value] = refs.filter(check)
            declaredReads[t.name.value] = edges[t.name.value]!.map(\.value)
        }
        var order: [TransformDecl] = []
        var reportedCycles: Set<Set<String>> = []
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var path: [String] = []
        func visit(_ name: String) {
            guard let t = byName[name], state[name] != 2 else { return }
            if state[name] == 1 {
                let cycle = path.drop { $0 != name } + [name]
                guard reportedCycles.insert(Set(cycle)).inserted else { return }
                diags.error(.cycle, "transforms form a cycle: \(cycle.joined(separator: " -> "))", at: t.name.span,
                            hint: "a transform may only read sources and transforms that do not read it back")
                return
            }
            state[name] = 1
            path.append(name)
            for ref in edges[name] ?? [] { visit(ref.value) }
            path.removeLast()
            state[name] = 2
            order.append(t)
        }
        for t in spec.transforms { visit(t.name.value) }
        return order
    }

    /// The other nodes a step reads.
    static func references(_ step: StepDecl) -> [Located<String>] {
        switch step.kind {
        case .join(let j): [j.right]
        case .union(let names): names
        default: []
        }
    }

    // MARK: - Warnings

    /// Warns about unused sources, params and nodes. Uses are found in the spec as written, so a node
    /// that failed to compile still counts as using what it names.
    mutating func warnUnused() {
        let mentioned = spec.paramReferences
        let read = Set(declaredReads.values.joined()).union(spec.sinks.map(\.input.value))
        for s in spec.sources where !read.contains(s.name.value) {
            diags.append(Diagnostic(.unusedSource, "source `\(s.name.value)` is never read", at: s.name.span,
                                    hint: "remove it or read it from a transform or sink"))
        }
        for p in spec.params where !binder.used.contains(p.name.value) && !mentioned.contains(p.name.value) {
            diags.append(Diagnostic(.unusedParam, "param `\(p.name.value)` is never used", at: p.name.span,
                                    hint: "remove it or use it as `$\(p.name.value)` or `${\(p.name.value)}`"))
        }
        // A transform is useful when some sink reads it, directly or through other transforms.
        var live = Set<String>()
        var pending = spec.sinks.map(\.input.value)
        while let name = pending.popLast() {
            guard live.insert(name).inserted else { continue }
            pending += declaredReads[name] ?? []
        }
        for t in spec.transforms where !live.contains(t.name.value) {
            diags.append(Diagnostic(.unusedNode, "transform `\(t.name.value)` feeds no sink", at: t.name.span,
                                    hint: "add a sink that reads it, or remove it"))
        }
    }
}
