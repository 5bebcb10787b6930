#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TallyCompiler
import TallyEngine

extension CSVScan {
    /// Splits a scan of `files` into up to `count` scans that together read every record exactly once:
    /// partition 0 reads the first records, partition 1 the next ones, and so on, so concatenating their
    /// batches (and rejects) in partition order gives what one `CSVScan` over `files` gives.
    ///
    /// Files are grouped whole when the split points fall near file boundaries (several files of
    /// similar size); a large file is cut into byte ranges. A range starts right after a line feed
    /// that is provably outside quotes: the bytes from the file's first record to the cut are checked
    /// in a fast pass over the quotes (every quote must open a field or close one, which makes quote
    /// parity exact); a file where that does not hold (say a stray `"` inside an unquoted field) is not
    /// cut past that point. Each range starts with the right line number, so rejects report true lines.
    ///
    /// Every file is opened and its header read here, once: file problems (missing file, missing
    /// header column) throw now rather than from `next()`. Partitions share no mutable state: each can
    /// run on its own thread, with its own counters, `rejects` and `onReject`. The scans are empty of
    /// work only when there are no records at all (one scan is always returned).
    ///
    /// - Parameters:
    ///   - columns: declared column indices to produce; nil means all, in declared order.
    ///   - count: the largest number of scans wanted (at least 1).
    public static func partitions(files: [SourceFile], schema: Schema, columns: [Int]? = nil,
                                  options: CSVOptions = CSVOptions(), count: Int,
                                  batchSize: Int = Batch.defaultSize) throws -> [CSVScan] {
        precondition(count > 0, "partition count must be positive")
        let columns = columns ?? Array(schema.fields.indices)
        let opened = try files.map { try OpenCSVFile(file: $0, schema: schema, options: options) }
        let groups = CSVPartitioner.plan(opened, columns: columns, options: options, count: count)
        return groups.map { CSVScan(segments: $0, schema: schema, columns: columns, options: options,
                                    batchSize: batchSize) }
    }
}

/// Where to cut CSV files for parallel scans.
enum CSVPartitioner {
    /// Segments of `files` grouped into at most `count` partitions, in reading order.
    static func plan(_ files: [OpenCSVFile], columns: [Int], options: CSVOptions, count: Int) -> [[CSVSegment]] {
        let sizes = files.map { $0.mapped.bytes.count - $0.dataStart }
        let total = sizes.reduce(0, +)
        guard count > 1, total > 0 else { return [files.map { $0.segment(columns: columns) }] }
        let target = Double(total) / Double(count)
        // The cuts, in the concatenated record bytes of all files: (file, local offset from dataStart).
        // A cut close to a file boundary moves onto it; offset 0 means "before this file".
        var cutsPerFile = [[Int]](repeating: [], count: files.count)
        var cutBeforeFile = [Bool](repeating: false, count: files.count + 1)
        var fileStart = 0
        var f = 0
        for k in 1..<count {
            let cut = Int((Double(k) * target).rounded())
            while f < files.count && fileStart + sizes[f] <= cut {
                fileStart += sizes[f]
                f += 1
            }
            guard f < files.count else { break }
            let local = cut - fileStart
            let slack = max(1, Int(target / 4))
            if local < slack {
                cutBeforeFile[f] = true
            } else if sizes[f] - local < slack {
                cutBeforeFile[f + 1] = true
            } else {
                cutsPerFile[f].append(local)
            }
        }
        var groups: [[CSVSegment]] = []
        var group: [CSVSegment] = []
        func cut() {
            if !group.isEmpty { groups.append(group) }
            group = []
        }
        for (i, file) in files.enumerated() {
            if cutBeforeFile[i] { cut() }
            let bytes = file.mapped.bytes
            let splits = cutsPerFile[i].isEmpty
                ? []
                : safeSplits(bytes, dataStart: file.dataStart, nominal: cutsPerFile[i].map { file.dataStart + $0 },
                             options: options)
            let lines = lineNumbers(bytes, at: splits.map(\.self), dataStart: file.dataStart, dataLine: file.dataLine)
            let starts = [file.dataStart] + splits
            let fieldIndex = columns.map { file.declaredToField[$0] }
            for (r, start) in starts.enumerated() {
                let last = r == starts.count - 1
                let end = last ? bytes.count : starts[r + 1]
                if r > 0 { cut() }
                group.append(CSVSegment(
                    file: file.file, mapped: file.mapped, start: start, end: end,
                    line: r == 0 ? file.dataLine : lines[r - 1], fieldCount: file.fieldCount, fieldIndex: fieldIndex,
                    accountedBytes: end - (r == 0 ? 0 : start), lastOfFile: last))
            }
        }
        if cutBeforeFile[files.count] { cut() }
        cut()
        return groups.isEmpty ? [[]] : groups
    }

    /// For each nominal position (ascending), the first position after it that directly follows a line
    /// feed outside quotes, as long as every quote from `dataStart` up to that point opens or closes a
    /// field the RFC 4180 way (then quote parity says exactly what the record reader will do). Fewer
    /// positions come back when the file ends or stops being provably splittable first.
    static func safeSplits(_ bytes: UnsafeBufferPointer<UInt8>, dataStart: Int, nominal: [Int],
                           options: CSVOptions) -> [Int] {
        guard let base = bytes.baseAddress else { return [] }
        let n = bytes.count
        let quote = options.quote
        let delimiter = options.delimiter
        let lf = CSVRecordReader.lf
        let cr = CSVRecordReader.cr
        guard quote != delimiter, delimiter != lf, delimiter != cr, quote != lf, quote != cr else { return [] }
        func find(_ byte: UInt8, from: Int, to: Int) -> Int {
            guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        var result: [Int] = []
        var k = 0
        var p = dataStart  // outside quotes, at a place where a quote would open a field
        while k < nominal.count {
            let q = find(quote, from: p, to: n)
            // Line feeds in [p, q) are outside quotes.
            while k < nominal.count {
                let from = max(p, nominal[k], (result.last ?? 0))
                guard from < q else { break }
                let lfAt = find(lf, from: from, to: q)
                guard lfAt < q else { break }
                if lfAt + 1 < n { result.append(lfAt + 1) }
                k += 1
                if lfAt + 1 >= n { return result }
            }
            guard q < n, k < nominal.count else { return result }
            // An opening quote must start a field.
            if q > dataStart {
                let before = base[q - 1]
                guard before == delimiter || before == lf || before == cr else { return result }
            }
            var r = q + 1
            while true {
                let c = find(quote, from: r, to: n)
                guard c < n else { return result }  // unterminated: nothing after it can be cut
                if c + 1 < n && base[c + 1] == quote {
                    r = c + 2
                    continue
                }
                // A closing quote must end the field.
                if c + 1 < n {
                    let after = base[c + 1]
                    guard after == delimiter || after == lf || after == cr else { return result }
                }
                p = c + 1
                break
            }
        }
        return result
    }

    /// Physical line numbers (as the record reader counts them: LF, CRLF and lone CR each end a line)
    /// at each of `positions` (ascending, each right after a line feed).
    static func lineNumbers(_ bytes: UnsafeBufferPointer<UInt8>, at positions: [Int], dataStart: Int,
                            dataLine: Int) -> [Int] {
        guard let base = bytes.baseAddress else { return [] }
        var result: [Int] = []
        var line = dataLine
        var p = dataStart
        let ones: UInt64 = 0x0101_0101_0101_0101
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        func exact(_ w: UInt64, _ byte: UInt8) -> UInt64 {
            let x = w ^ (ones &* UInt64(byte))
            return ~(((x & lows) &+ lows) | x | lows)
        }
        let n = bytes.count
        @inline(__always) func lineBreak(at i: Int) -> Bool {
            let c = base[i]
            return c == CSVRecordReader.lf || (c == CSVRecordReader.cr && (i + 1 == n || base[i + 1] != CSVRecordReader.lf))
        }
        for target in positions {
            // Without any CR up to the target (the common case), only line feeds need counting.
            if p < target && memchr(base + p, Int32(CSVRecordReader.cr), target - p) == nil {
                while p + 16 <= target {
                    let w1 = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                    let w2 = UnsafeRawPointer(base + p + 8).loadUnaligned(as: UInt64.self)
                    line += exact(w1, CSVRecordReader.lf).nonzeroBitCount + exact(w2, CSVRecordReader.lf).nonzeroBitCount
                    p += 16
                }
            }
            while p + 8 <= target {
                let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                if exact(w, CSVRecordReader.cr) == 0 {
                    line += exact(w, CSVRecordReader.lf).nonzeroBitCount
                } else {
                    for i in p..<(p + 8) where lineBreak(at: i) { line += 1 }
                }
                p += 8
            }
            while p < target {
                if lineBreak(at: p) { line += 1 }
                p += 1
            }
            result.append(line)
        }
        return result
    }
}
