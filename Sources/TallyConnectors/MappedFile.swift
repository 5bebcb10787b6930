#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file; the bytes stay valid while the object lives.
final class MappedFile {
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeBufferPointer<UInt8>
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int

    /// Maps the file at `path`; `name` is used in error messages.
    init(path: String, name: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ConnectorError.system("open", path: name, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ConnectorError.system("stat", path: name, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ConnectorError("not a regular file", path: name) }
        length = Int(st.st_size)
        if length == 0 {
            mapping = nil
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw ConnectorError.system("mmap", path: name, errno: errno) }
        madvise(p, length, MADV_SEQUENTIAL)
        mapping = p
        bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    /// Drops the pages wholly inside `range` from this process's memory once they have been read; a
    /// later access reads them again from the file. Keeps a scan's resident memory flat however large
    /// the file is.
    func release(_ range: Range<Int>) {
        guard let mapping, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lower = (range.lowerBound + page - 1) / page * page
        let upper = min(range.upperBound, length) / page * page
        guard upper > lower else { return }
        madvise(mapping + lower, upper - lower, MADV_DONTNEED)
    }
}
