import Testing
import TallyCompiler
import TallyEngine
@testable import TallyConnectors

/// Chunked reading (`CSVChunkedScan`): when every guessed cut proves to be a record boundary, the
/// chunks give exactly what one scan gives (rows in chunk order, rejects with their true lines, the
/// counters); when one does not, `aligned` says so.
@Suite struct CSVChunkTests {
    let partitions = CSVPartitionTests()
    var schema: Schema { partitions.schema }

    /// Reads every chunk with `readers` readers taking turns in a random order, and returns the rows in
    /// chunk order, and whether all cuts were record boundaries.
    func readChunks(_ chunked: CSVChunkedScan, readers count: Int, seed: UInt64) throws -> (rows: [[Value]], aligned: Bool) {
        var rng = SplitMix64(seed: seed)
        let readers = chunked.readers(count)
        var active = Array(readers.indices)
        var byChunk: [Int: [[Value]]] = [:]
        while !active.isEmpty {
            let pick = Int(rng.next() % UInt64(active.count))
            let reader = readers[active[pick]]
            guard let batch = try reader.next() else {
                active.remove(at: pick)
                continue
            }
            for r in 0..<batch.count { byChunk[reader.chunk, default: []].append(batch.columns.map { $0.testValue(r) }) }
        }
        let rows = byChunk.keys.sorted().flatMap { byChunk[$0]! }
        return (rows, chunked.aligned(upTo: chunked.chunkCount))
    }

    @Test(arguments: ["\n", "\r\n"])
    func alignedChunksGiveWhatOneScanGives(eol: String) throws {
        let dir = TempDir()
        var aligned = 0
        for seed in 0..<30 as Range<UInt64> {
            let files = (0..<2).map { f in
                SourceFile(path: dir.write("s\(seed)-\(f).csv", partitions.sampleText(records: 150, seed: seed * 2 + UInt64(f), eol: eol)),
                           name: "s\(seed)-\(f).csv")
            }
            let single = CSVScan(files: files, schema: schema)
            let expected = try readAll(single)
            let chunked = try CSVChunkedScan(files: files, schema: schema, readers: 3, minimumChunk: 64 + Int(seed) * 16)
            #expect(chunked.chunkCount > 10)
            let (rows, ok) = try readChunks(chunked, readers: 1 + Int(seed % 3), seed: seed)
            guard ok else { continue }
            aligned += 1
            #expect(rows == expected, "seed \(seed)")
            #expect(chunked.rejects == single.rejects, "seed \(seed)")
            #expect(chunked.rowsRead == single.rowsRead && chunked.rowsPassed == single.rowsPassed
                    && chunked.rowsRejected == single.rowsRejected && chunked.bytesRead == single.bytesRead)
        }
        // Line breaks inside quotes are skipped by the guess (the line after one does not read as a record).
        #expect(aligned > 25)
    }

    /// The last eighth of the input is cut into chunks a quarter of the size, across files.
    @Test func chunksInTheLastEighthAreSmaller() throws {
        let dir = TempDir()
        let files = (0..<2).map { f in
            SourceFile(path: dir.write("t\(f).csv", partitions.sampleText(records: 2000, seed: UInt64(f), eol: "\n")),
                       name: "t\(f).csv")
        }
        let chunked = try CSVChunkedScan(files: files, schema: schema, readers: 2, chunksPerReader: 8, minimumChunk: 1)
        let sizes = chunked.chunks.map { $0.end - $0.start }
        let total = sizes.reduce(0, +)
        var before = 0
        var head: [Int] = [], tail: [Int] = []
        for (chunk, size) in zip(chunked.chunks, sizes) {
            // A file's last chunk ends where the file does: only whole chunks are compared.
            if !chunk.lastOfFile {
                if before * 8 >= total * 7 { tail.append(size) } else { head.append(size) }
            }
            before += size
        }
        #expect(head.count >= 10 && tail.count >= 2)
        #expect(tail.max()! * 3 < head.min()!)
        #expect(try readChunks(chunked, readers: 2, seed: 3).rows == readAll(CSVScan(files: files, schema: schema)))
    }

    @Test func aCutInsideAQuotedLineBreakIsFound() throws {
        let dir = TempDir()
        // The line after the first line feed, inside the quotes, reads as a record: the guess takes it.
        let text = "id,name,price\n1,\"a\nx,y,z\nb\",1.00\n2,c,2.00\n"
        let path = dir.write("q.csv", text)
        let files = [SourceFile(path: path, name: "q.csv")]
        let chunked = try CSVChunkedScan(files: files, schema: schema, readers: 2, minimumChunk: 4)
        let (_, ok) = try readChunks(chunked, readers: 2, seed: 1)
        #expect(!ok)
    }
}
