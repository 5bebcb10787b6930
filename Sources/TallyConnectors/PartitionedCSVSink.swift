import Foundation
import TallyCompiler
import TallyEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one date partition of a CSV output folder: `base/date=YYYY-MM-DD/part-00000.csv`.
///
/// The whole partition folder is replaced on `commit()`: the new folder is written under a hidden
/// temporary name in `base`, then the old partition is renamed aside, the new one renamed into
/// place and the old one deleted. Until `commit()` (and after `abort()` or any failure before it)
/// the old partition is untouched. Hidden names start with `.` so globs such as `date=*` skip them.
public final class PartitionedCSVSink: StagedCSVOutput {
    /// The output folder holding one subfolder per partition.
    public let base: String
    /// The partition's folder: `base/<column>=YYYY-MM-DD`.
    public let partitionPath: String
    /// The data file inside the partition.
    public let filePath: String
    private let stagingDir: String
    private let writer: CSVWriter
    private var finished = false
    private var prepared = false

    public var rowsWritten: Int { writer.rowsWritten }

    public init(base: String, date: Int32, schema: Schema, partitionColumn: String = "date",
                fileName: String = "part-00000.csv", options: CSVOptions = CSVOptions()) throws {
        self.base = base
        let folder = partitionColumn + "=" + CivilDate.format(days: date)
        partitionPath = base + "/" + folder
        filePath = partitionPath + "/" + fileName
        stagingDir = StagedMove.hiddenSibling(of: partitionPath, suffix: ".new-" + UUID().uuidString)
        do {
            try FileManager.default.createDirectory(atPath: stagingDir, withIntermediateDirectories: true)
        } catch {
            throw ConnectorError("cannot create directory: \(error.localizedDescription)", path: stagingDir)
        }
        do {
            writer = try CSVWriter(path: stagingDir + "/" + fileName, schema: schema, options: options)
        } catch {
            try? FileManager.default.removeItem(atPath: stagingDir)
            throw error
        }
    }

    deinit {
        if !finished { abort() }
    }

    public func write(_ batch: Batch) throws { try writer.write(batch) }

    public func write(all stream: BatchStream) throws { try writer.write(all: stream) }

    /// Swaps the new partition in for the old one.
    public func commit() throws {
        try prepare()
        try publish()
    }

    public var stagedPath: String { stagingDir }
    public var finalPath: String { partitionPath }

    /// Finishes the data file inside the hidden staging folder.
    public func prepare() throws {
        precondition(!prepared && !finished, "prepare after prepare, commit or abort")
        do {
            try writer.commit()
        } catch {
            abort()
            throw error
        }
        prepared = true
    }

    /// Renames the old partition aside, the staged one into place, and deletes the old one.
    public func publish() throws {
        precondition(prepared && !finished, "publish before prepare or after abort")
        finished = true
        do {
            try StagedMove.publish(stagingDir, to: partitionPath)
        } catch {
            try? FileManager.default.removeItem(atPath: stagingDir)
            throw error
        }
    }

    /// Discards the new partition; the old one stays as it was.
    public func abort() {
        guard !finished else { return }
        finished = true
        if !prepared { writer.abort() }
        try? FileManager.default.removeItem(atPath: stagingDir)
    }
}
