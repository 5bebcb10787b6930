import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file under a temporary name in its target directory and renames it into place on
/// `commit()`, so readers see either the old file or the complete new one, never a partial file.
/// `abort()` (or dropping the writer uncommitted) removes the temporary file.
public final class AtomicFileWriter: StagedOutput {
    /// Final path of the file.
    public let path: String
    /// Where the data is written until `commit()`: `.<name>.tmp-<uuid>` next to `path`.
    public let tempPath: String
    public var stagedPath: String { tempPath }
    public var finalPath: String { path }
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private var prepared = false
    private static let flushThreshold = 1 << 20

    /// Creates missing parent directories and the temporary file.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ConnectorError("cannot create directory: \(error.localizedDescription)", path: dir)
        }
        tempPath = dir + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString
        fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ConnectorError.system("creating a temporary file", path: path, errno: errno) }
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        if !finished { abort() }
    }

    /// Appends bytes (buffered).
    public func write<S: Sequence<UInt8>>(_ bytes: S) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(_ text: String) throws { try write(text.utf8) }

    /// Makes the file visible at `path`, replacing any previous file there.
    public func commit() throws {
        try prepare()
        try publish()
    }

    /// Flushes and syncs the temporary file and closes it; the data is durable but not yet visible.
    public func prepare() throws {
        precondition(!prepared && !finished, "prepare after prepare, commit or abort")
        do {
            try flush()
            guard fsync(fd) == 0 else { throw ConnectorError.system("fsync", path: path, errno: errno) }
        } catch {
            abort()
            throw error
        }
        close(fd)
        prepared = true
    }

    /// Renames the prepared file into place.
    public func publish() throws {
        precondition(prepared && !finished, "publish before prepare or after abort")
        finished = true
        do {
            try StagedMove.publish(tempPath, to: path)
        } catch {
            unlink(tempPath)
            throw error
        }
    }

    /// Discards everything written; the file at `path` is left as it was.
    public func abort() {
        guard !finished else { return }
        finished = true
        if !prepared { close(fd) }
        unlink(tempPath)
    }

    private func flush() throws {
        var offset = 0
        let total = buffer.count
        try buffer.withUnsafeBytes { raw in
            while offset < total {
                let n = Glibc.write(fd, raw.baseAddress! + offset, total - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ConnectorError.system("write", path: path, errno: errno)
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
