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
public final class PartitionedCSVSink {
    /// The output folder holding one subfolder per partition.
    public let base: String
    /// The partition's folder: `base/<column>=YYYY-MM-DD`.
    public let partitionPath: String
    /// The data file inside the partition.
    public let filePath: String
    private let stagingDir: String
    private let writer: CSVWriter
    private var finished = false

    public var rowsWritten: Int { writer.rowsWritten }

    public init(base: String, date: Int32, schema: Schema, partitionColumn: String = "date",
                fileName: String = "part-00000.csv", options: CSVOptions = CSVOptions()) throws {
        self.base = base
        let folder = partitionColumn + "=" + CivilDate.format(days: date)
        partitionPath = base + "/" + folder
        filePath = partitionPath + "/" + fileName
        stagingDir = base + "/." + folder + ".new-" + UUID().uuidString
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
        precondition(!finished, "commit after commit or abort")
        do {
            try writer.commit()
        } catch {
            abort()
            throw error
        }
        finished = true
        var aside: String?
        if FileManager.default.fileExists(atPath: partitionPath) {
            let old = partitionPath.replacingLastComponent(prefix: ".", suffix: ".old-" + UUID().uuidString)
            guard rename(partitionPath, old) == 0 else {
                let code = errno
                try? FileManager.default.removeItem(atPath: stagingDir)
                throw ConnectorError.system("moving the old partition aside", path: partitionPath, errno: code)
            }
            aside = old
        }
        guard rename(stagingDir, partitionPath) == 0 else {
            let code = errno
            if let aside { rename(aside, partitionPath) }
            try? FileManager.default.removeItem(atPath: stagingDir)
            throw ConnectorError.system("moving the new partition into place", path: partitionPath, errno: code)
        }
        if let aside { try? FileManager.default.removeItem(atPath: aside) }
    }

    /// Discards the new partition; the old one stays as it was.
    public func abort() {
        guard !finished else { return }
        finished = true
        writer.abort()
        try? FileManager.default.removeItem(atPath: stagingDir)
    }
}

extension String {
    /// `a/b/name` to `a/b/<prefix>name<suffix>`.
    fileprivate func replacingLastComponent(prefix: String, suffix: String) -> String {
        guard let slash = lastIndex(of: "/") else { return prefix + self + suffix }
        return self[...slash] + prefix + self[index(after: slash)...] + suffix
    }
}
