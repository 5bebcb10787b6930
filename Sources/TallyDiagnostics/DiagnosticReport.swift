/// The findings of one lint run, in output order, with the number of files checked: what the
/// machine-readable renderers (`JSONRenderer`, `SARIFRenderer`, `GitHubRenderer`) write.
public struct DiagnosticReport: Sendable {
    /// How many spec files were checked (files without findings included).
    public var fileCount: Int
    /// The diagnostics in output order: file by file, each file's in source order.
    public var diagnostics: [Diagnostic]

    public init(fileCount: Int, diagnostics: [Diagnostic]) {
        self.fileCount = fileCount
        self.diagnostics = diagnostics
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
    public var noteCount: Int { diagnostics.count { $0.severity == .note } }
}

/// File paths in machine-readable output.
public enum DiagnosticPath {
    /// `path` relative to `base` (an absolute folder) when it lies inside it; otherwise `path` with a
    /// leading `./` removed. `base` nil keeps the path as given.
    public static func relative(_ path: String, to base: String?) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        guard let base, !base.isEmpty, p.hasPrefix("/") else { return p }
        let folder = base.hasSuffix("/") ? base : base + "/"
        return p.hasPrefix(folder) ? String(p.dropFirst(folder.count)) : p
    }

    /// A URI reference for a path: relative paths stay relative with each segment percent-encoded
    /// (RFC 3986 `pchar`, with `:` encoded too so a first segment never reads as a scheme), absolute paths become `file://` URIs.
    public static func uri(_ path: String) -> String {
        let encoded = path.split(separator: "/", omittingEmptySubsequences: false).map { percentEncode(String($0)) }
            .joined(separator: "/")
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    private static func percentEncode(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            let c = Unicode.Scalar(byte)
            let unreserved = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
                || "-._~!$&'()*+,;=@".unicodeScalars.contains(c)
            if unreserved && byte < 0x80 {
                out.unicodeScalars.append(c)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
