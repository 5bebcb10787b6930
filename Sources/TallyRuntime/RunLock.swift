import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps two runs of one pipeline on one data root apart: an exclusive `flock` on
/// `.tally/lock/PIPELINE.lock`, held for the whole run. Without it a second run would clean up the
/// first one's staged files as leftovers of a killed run, or finish its journal under it. The
/// system drops the lock when the process ends, so a killed run never leaves it held.
final class RunLock {
    let path: String
    private var fd: Int32

    /// Takes the lock, or fails at once when another process holds it.
    init(root: String, pipeline: String) throws {
        path = (root as NSString).appendingPathComponent(".tally/lock/\(pipeline).lock")
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError("cannot create `\(dir)`: \(error.localizedDescription)")
        }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RuntimeError("cannot open the run lock `\(path)`: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw RuntimeError(
                "another run of pipeline `\(pipeline)` is in progress on this data root"
                    + (holder.map { $0.isEmpty ? "" : " (process \($0))" } ?? ""),
                hint: "wait for it to finish; the lock `\(path)` is released when that process ends, even if it is killed")
        }
        // Who holds it, for the message above (the lock itself is the flock, not this text).
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    /// Releases the lock (also done when the lock is dropped).
    func release() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
