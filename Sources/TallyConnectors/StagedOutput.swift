import Foundation
import TallyEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output written under a hidden temporary name that becomes visible in two steps, so a run can
/// stage everything, record what it is about to publish, commit its warehouse transaction, and only
/// then move files into place (finishing the moves after a crash from that record).
public protocol StagedOutput: AnyObject {
    /// Where the finished data waits (a file, or a folder for a partition).
    var stagedPath: String { get }
    /// Where it appears when published.
    var finalPath: String { get }
    /// Flushes and syncs the staged data; after this only `publish()` or `abort()` follow.
    func prepare() throws
    /// Moves the staged data into place, replacing what was there.
    func publish() throws
    /// Discards the staged data; the previous output stays as it was.
    func abort()
}

/// A staged output that CSV rows are written to (a file, or one date's partition folder).
public protocol StagedCSVOutput: StagedOutput {
    /// The data file the rows end up in.
    var filePath: String { get }
    var rowsWritten: Int { get }
    /// Writes every batch of `stream`.
    func write(all stream: BatchStream) throws
}

/// The move that publishes staged data; also used to finish publishing after a crash.
public enum StagedMove {
    /// Moves `staged` to `final`: a file by one rename; a folder by renaming the old one aside, the new
    /// one into place and deleting the old. Does nothing when `staged` no longer exists (already moved).
    public static func publish(_ staged: String, to final: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: staged, isDirectory: &isDir) else { return }
        guard isDir.boolValue else {
            guard rename(staged, final) == 0 else {
                throw ConnectorError.system("moving the finished file into place", path: final, errno: errno)
            }
            return
        }
        var aside: String?
        if FileManager.default.fileExists(atPath: final) {
            let old = hiddenSibling(of: final, suffix: ".old-" + UUID().uuidString)
            guard rename(final, old) == 0 else {
                throw ConnectorError.system("moving the old partition aside", path: final, errno: errno)
            }
            aside = old
        }
        guard rename(staged, final) == 0 else {
            let code = errno
            if let aside { rename(aside, final) }
            throw ConnectorError.system("moving the new partition into place", path: final, errno: code)
        }
        if let aside { try? FileManager.default.removeItem(atPath: aside) }
    }

    /// `a/b/name` to `a/b/.name<suffix>`: a hidden name next to `path` that globs skip.
    public static func hiddenSibling(of path: String, suffix: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." + path + suffix }
        return path[...slash] + "." + path[path.index(after: slash)...] + suffix
    }

    /// Removes staging leftovers of killed runs next to `final` (`.name.tmp-*`, `.name.new-*`, `.name.old-*`).
    public static func removeLeftovers(of final: String) {
        let url = URL(fileURLWithPath: final)
        let dir = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if rest.hasPrefix("tmp-") || rest.hasPrefix("new-") || rest.hasPrefix("old-") {
                try? FileManager.default.removeItem(atPath: dir + "/" + name)
            }
        }
    }
}
