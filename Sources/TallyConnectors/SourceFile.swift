/// One input file of a source: where it is, how to name it in messages, and its size.
public struct SourceFile: Sendable, Hashable, CustomStringConvertible {
    /// Path used to open the file (absolute, or relative to the working directory).
    public var path: String
    /// Name shown in rejects and errors, usually the path relative to the project root.
    public var name: String
    /// Size in bytes when the file was listed.
    public var size: Int64

    public init(path: String, name: String? = nil, size: Int64 = 0) {
        self.path = path
        self.name = name ?? path
        self.size = size
    }

    public var description: String { name }
}
