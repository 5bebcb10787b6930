import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Expands path patterns such as `raw/pos/date=2024-01-01/*.csv` into the files they match.
///
/// `*` matches any run of characters and `?` exactly one, within one path segment (never `/`).
/// Wildcards may appear in any segment. Names starting with `.` only match a pattern segment that
/// also starts with `.`, so hidden and temporary files (`.part.tmp-…`) are never picked up by `*`.
/// Only regular files (or symlinks to them) are returned, sorted by their path relative to the root.
public enum FileMatcher {
    /// The files matching `pattern`, relative to `root` unless the pattern is absolute.
    /// No match (including a missing directory) gives an empty list.
    public static func match(_ pattern: String, root: String) -> [SourceFile] {
        let absolute = pattern.hasPrefix("/")
        let base = absolute ? "/" : root
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !segments.isEmpty else { return [] }

        // Relative paths (from `base`) of directories matched so far.
        var candidates: [String] = [""]
        for (i, segment) in segments.enumerated() {
            let last = i == segments.count - 1
            var next: [String] = []
            for dir in candidates {
                for name in names(in: join(base, dir), matching: segment) {
                    let rel = dir.isEmpty ? name : dir + "/" + name
                    let kind = fileKind(join(base, rel))
                    if last ? kind == .file : kind == .directory { next.append(rel) }
                }
            }
            candidates = next
            if candidates.isEmpty { return [] }
        }
        return candidates.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { rel in
            let full = join(base, rel)
            let shown = absolute ? "/" + rel : rel
            return SourceFile(path: full, name: shown, size: fileSize(full))
        }
    }

    /// Whether `name` matches one pattern segment with `*` and `?`.
    public static func matches(_ name: String, pattern: String) -> Bool {
        if name.hasPrefix(".") && !pattern.hasPrefix(".") { return false }
        return wildcardMatch(Array(name.unicodeScalars), Array(pattern.unicodeScalars))
    }

    private static func names(in dir: String, matching segment: String) -> [String] {
        if !segment.contains("*") && !segment.contains("?") { return [segment] }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else {
            return []
        }
        return entries.filter { matches($0, pattern: segment) }
    }

    /// Iterative wildcard matching with single-star backtracking.
    private static func wildcardMatch(_ s: [Unicode.Scalar], _ p: [Unicode.Scalar]) -> Bool {
        var (i, j) = (0, 0)
        var star = -1
        var resume = 0
        while i < s.count {
            if j < p.count, p[j] == "?" || p[j] == s[i] {
                i += 1
                j += 1
            } else if j < p.count, p[j] == "*" {
                star = j
                resume = i
                j += 1
            } else if star >= 0 {
                j = star + 1
                resume += 1
                i = resume
            } else {
                return false
            }
        }
        while j < p.count, p[j] == "*" { j += 1 }
        return j == p.count
    }

    private enum Kind { case file, directory, other }

    /// Kind of the file at `path`, following symlinks (`stat`, not `lstat`).
    private static func fileKind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .other }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    private static func join(_ base: String, _ rel: String) -> String {
        if rel.isEmpty { return base }
        if base.isEmpty { return rel }
        return base.hasSuffix("/") ? base + rel : base + "/" + rel
    }
}
