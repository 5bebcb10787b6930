import TallyCompiler
import TallyConnectors
import TallyEngine

extension Runner {
    /// Writes every sink into its outcome; returns the failure of the first sink (in spec order) that
    /// failed, if any.
    ///
    /// With more than one thread, sinks that share nothing are written concurrently (at most one per
    /// thread): the warehouse sinks one after the other on one connection, each file and alert sink
    /// on its own. Shared nodes are still computed once (the others wait for them), every output
    /// stays staged until the commit, and sinks after a failed one are not started, so the outputs,
    /// the report and the error do not depend on the thread count.
    func writeSinks(into outcomes: [SinkOutcome]) -> SinkFailure? {
        let lanes = SinkLanes(pipeline.sinks)
        let failures = FirstFailure()
        guard options.threads > 1, lanes.lanes.count > 1 else {
            writeLane(Array(pipeline.sinks.indices), into: outcomes, failures: failures)
            return failures.first
        }
        nonisolated(unsafe) let runner = self
        nonisolated(unsafe) let outcomes = outcomes
        lanes.run(threads: options.threads) { lane in
            runner.writeLane(lane, into: outcomes, failures: failures)
            // The warehouse's loads are done while other lanes may still run: write and sync its
            // pages now, so that the commit after the last lane has little left to do.
            if lane.contains(where: runner.isWarehouseSink), failures.first == nil { runner.writeWarehouseAhead() }
        }
        return failures.first
    }

    /// Writes the sinks `lane` (indices into the spec's sinks) in order, up to the first failure,
    /// which goes to `failures`. Sinks after a failure already recorded (in spec order) are skipped:
    /// one thread would never have reached them.
    func writeLane(_ lane: [Int], into outcomes: [SinkOutcome], failures: FirstFailure) {
        let cleared = prepareWarehouseTables(of: lane, failures: failures)
        for index in lane {
            if failures.reached(index) { return }
            let sink = pipeline.sinks[index]
            do {
                try write(sink, into: outcomes[index], cleared: cleared[index] ?? 0)
            } catch {
                return failures.record(failure(of: index, error))
            }
        }
    }

    /// Creates or checks the tables of the lane's warehouse sinks and deletes the rows their loads
    /// replace, before the first load: none of it needs the sinks' rows, so with more than one thread
    /// it runs on an idle-priority thread (`IdleThread`) while other lanes compute. Returns the rows
    /// deleted per sink; a failure goes to `failures` and stops the preparation there.
    func prepareWarehouseTables(of lane: [Int], failures: FirstFailure) -> [Int: Int] {
        let sinks = lane.filter(isWarehouseSink)
        guard !sinks.isEmpty else { return [:] }
        nonisolated(unsafe) let runner = self
        let prepare = { () -> [Int: Int] in
            var cleared: [Int: Int] = [:]
            for index in sinks {
                guard case .warehouse(let table, let mode) = runner.pipeline.sinks[index].kind else { continue }
                let schema = runner.pipeline.sinks[index].schema
                do {
                    let db = try runner.openWarehouse()
                    var primaryKey: [String]?
                    if case .merge(let keys) = mode { primaryKey = keys }
                    try db.ensureTable(table, schema: schema, primaryKey: primaryKey)
                    cleared[index] = try db.clear(table: table, schema: schema, mode: mode)
                } catch {
                    failures.record(runner.failure(of: index, error))
                    break
                }
            }
            return cleared
        }
        return options.threads > 1 ? IdleThread.run(prepare) : prepare()
    }

    /// Whether sink `index` loads the warehouse.
    func isWarehouseSink(_ index: Int) -> Bool {
        if case .warehouse = pipeline.sinks[index].kind { true } else { false }
    }

    /// `error` of sink `index` as the run reports it.
    func failure(of index: Int, _ error: Error) -> SinkFailure {
        if let error = error as? RuntimeError { return SinkFailure(sink: index, error: error) }
        let sink = pipeline.sinks[index]
        return SinkFailure(sink: index, error: RuntimeError("sink `\(sink.name)` (reading `\(sink.input)`): \(error)"))
    }

    /// Writes one sink: files are staged (written and synced under temporary names), warehouse rows
    /// loaded inside the run's open transaction into the table `prepareWarehouseTables` made ready
    /// (`cleared`: the rows it deleted).
    func write(_ sink: CompiledSink, into outcome: SinkOutcome, cleared: Int) throws {
        let plan = planner.planSink(sink)
        switch sink.kind {
        case .csv(let path, let partitioned, let delimiter):
            let stream = try context.stream(plan)
            let csv = CSVOptions(delimiter: delimiter)
            let out: any StagedCSVOutput = partitioned
                ? try PartitionedCSVSink(base: resolve(path), date: pipeline.runDate, schema: sink.schema, options: csv)
                : try CSVWriter(path: resolve(path), schema: sink.schema, options: csv)
            outcome.staged.append(out)
            try out.write(all: stream)
            try out.prepare()
            outcome.stats = .init(name: sink.name, target: out.filePath, rows: out.rowsWritten, replaced: 0)
        case .warehouse(let table, let mode):
            let loader = try openWarehouse().loader(table: table, schema: sink.schema, mode: mode, cleared: cleared)
            try loader.write(all: try context.stream(plan))
            let summary = try loader.finish()
            outcome.stats = .init(name: sink.name, target: "\(table) (\(mode))", rows: summary.rowsWritten, replaced: summary.rowsDeleted)
        case .alert(let when, let severity, let message, let output):
            let filtered = when.map { PhysicalPlan.filter(FilterExec(input: plan, predicate: $0)) } ?? plan
            let lines = try AlertFormatter(sink: sink, severity: severity, message: message, runDate: pipeline.runDate)
                .lines(try context.stream(filtered))
            outcome.alerts = lines.count - 1
            if let output {
                let file = try AtomicFileWriter(path: resolve(output))
                outcome.staged.append(file)
                for line in lines { try file.write(line + "\n") }
                try file.prepare()
                outcome.stats = .init(name: sink.name, target: resolve(output), rows: lines.count - 1, replaced: 0)
            } else {
                outcome.stdoutLines = lines
                outcome.stats = .init(name: sink.name, target: "stdout", rows: lines.count - 1, replaced: 0)
            }
        }
    }
}
