import Foundation
import TallyDiagnostics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats spec files on disk: `--check` only reports, otherwise changed files are replaced atomically.
public enum SpecFileFormatter {
    /// What happened to one file.
    public enum Status: Sendable {
        /// Already canonical.
        case unchanged
        /// Not canonical: rewritten, or with `check` left as it is.
        case reformatted
        /// Left as it is; fmt does not handle this spec yet (anchors, aliases, tags...).
        case unsupported(String)
        /// Left as it is: the spec has YAML errors.
        case invalid(Diagnostics)
        /// Left as it is: fmt could not produce text that provably means the same.
        case internalError(String)
    }

    public struct Result: Sendable {
        public var path: String
        public var status: Status
        /// The file's text as read (for rendering diagnostics).
        public var text: String
    }

    /// An I/O failure (a file that cannot be read or written).
    public struct IOError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Formats the file at `path`. With `check`, nothing is written.
    public static func format(path: String, check: Bool) throws(IOError) -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOError(description: "cannot read spec `\(path)`")
        }
        let text = String(decoding: data, as: UTF8.self)
        let outcome: SpecFormatter.Outcome
        do {
            outcome = try SpecFormatter.format(text, file: path)
        } catch {
            return Result(path: path, status: .invalid(error), text: text)
        }
        switch outcome {
        case .unsupported(let reason):
            return Result(path: path, status: .unsupported(reason), text: text)
        case .internalError(let reason):
            return Result(path: path, status: .internalError(reason), text: text)
        case .formatted(let formatted):
            if Array(formatted.utf8) == Array(data) { return Result(path: path, status: .unchanged, text: text) }
            if !check { try replace(path: path, with: formatted) }
            return Result(path: path, status: .reformatted, text: text)
        }
    }

    /// Writes `text` to a temporary file next to `path` (resolving symlinks), keeps the file's permissions,
    /// and renames it over the file.
    static func replace(path: String, with text: String) throws(IOError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let dir = target.deletingLastPathComponent().path
        let temp = dir + "/." + target.lastPathComponent + ".fmt-" + UUID().uuidString
        var info = stat()
        let mode: mode_t = stat(target.path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw IOError(description: "cannot write next to `\(path)`: \(String(cString: strerror(errno)))") }
        var bytes = Array(text.utf8)
        var offset = 0
        var failed: Int32 = 0
        bytes.withUnsafeMutableBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                offset += n
            }
        }
        if failed == 0, fsync(fd) != 0 { failed = errno }
        fchmod(fd, mode)
        close(fd)
        if failed == 0, rename(temp, target.path) != 0 { failed = errno }
        if failed != 0 {
            unlink(temp)
            throw IOError(description: "cannot rewrite `\(path)`: \(String(cString: strerror(failed)))")
        }
        bytes.removeAll()
    }
}
