import CScanKernels

/// Where one field of a record lies in the file's bytes.
struct CSVField {
    /// Content range, without the surrounding quotes of a quoted field.
    var start: Int
    var end: Int
    /// Whether the field was quoted (`""` is an empty string, an empty unquoted field is null).
    var quoted: Bool
    /// Whether the content holds doubled quotes that must be collapsed before use.
    var escaped: Bool
}

/// A growable array of fields without bounds checks or copy-on-write; the owner calls `deallocate()`.
struct CSVFieldBuffer {
    private(set) var base: UnsafeMutablePointer<CSVField>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ start: Int, _ end: Int, quoted: Bool, escaped: Bool) {
        if count == capacity { grow() }
        (base + count).initialize(to: CSVField(start: start, end: end, quoted: quoted, escaped: escaped))
        count += 1
    }

    @inline(__always)
    subscript(i: Int) -> CSVField { base[i] }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<CSVField>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    var array: [CSVField] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func deallocate() { base.deallocate() }
}

/// One record found by `CSVRecordReader`.
struct CSVRecord {
    /// A syntax problem that makes a record unusable.
    enum Problem: UInt8 {
        case none
        /// A quoted field runs to the end of the input.
        case unterminatedQuote
        /// `"abc"def`: text after the closing quote.
        case textAfterClosingQuote
    }

    /// Byte range of the record text, without its line terminator.
    var start: Int
    var end: Int
    /// 1-based physical line on which the record starts.
    var line: Int
    var problemKind: Problem = .none
    /// 1-based field the problem is in.
    var problemField = 0

    /// The problem in words, for a reject report.
    var problem: String? {
        switch problemKind {
        case .none: nil
        case .unterminatedQuote:
            "unterminated quoted field (the quote opened in field \(problemField) is never closed)"
        case .textAfterClosingQuote: "unexpected text after the closing quote of field \(problemField)"
        }
    }
}

/// Splits CSV bytes into records and fields (RFC 4180) without copying them.
///
/// Handles quoted fields with delimiters, doubled quotes and line breaks inside; CRLF, LF and lone
/// CR line endings. Blank lines between records are skipped. Line numbers count physical lines,
/// so a record after a multi-line quoted field reports the line it really starts on.
///
/// Records are found 64 bytes at a time: a vector compare marks the delimiters, line ends and quotes
/// of a block (`tally_csv_classify64`), a prefix XOR of the quote bits masks what lies inside quoted
/// fields, and fields are cut at the remaining bits without a branch per byte. Quoted fields are
/// read by the scalar path (`readQuoted`, a word at a time), which also checks them; a record the
/// block path cannot vouch for (a quote inside an unquoted field, a malformed quoted field, the last
/// 64 bytes of the input) is read again from its start by the scalar path (`nextScalar`), so both
/// paths give the same records, fields, line numbers and problems.
struct CSVRecordReader {
    private let base: UnsafePointer<UInt8>
    /// Reading stops here (the end of the file or of a byte range).
    let end: Int
    private let delimiter: UInt8
    private let quote: UInt8
    private let delimiterPattern: UInt64
    private let quotePattern: UInt64
    private(set) var position: Int
    private(set) var line: Int

    // The block being cut into fields: 64 bytes at `blockStart` (valid when `blockLoaded`).
    private var blockStart = 0
    private var blockLoaded = false
    /// Delimiters and line ends outside quotes, at or after the reading position.
    private var structural: UInt64 = 0
    /// The quotes of the block at or after the reading position.
    private var quotes: UInt64 = 0
    /// All ones when the block ends inside a quoted field.
    private var quoteCarry: UInt64 = 0
    /// Records the block path handed to the scalar path (malformed or unusual ones).
    private(set) var scalarRetries = 0

    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let lfPattern = ones &* UInt64(lf)
    private static let crPattern = ones &* UInt64(cr)
    nonisolated(unsafe) private static let empty: UnsafeMutablePointer<UInt8> = .allocate(capacity: 8)

    /// Reads `bytes[start..<end]` (`end` defaults to the whole buffer); `line` is the line at `start`.
    init(bytes: UnsafeBufferPointer<UInt8>, options: CSVOptions, start: Int = 0, end: Int? = nil, line: Int = 1) {
        base = bytes.baseAddress.map { UnsafePointer($0) } ?? UnsafePointer(Self.empty)
        self.end = end ?? bytes.count
        delimiter = options.delimiter
        quote = options.quote
        delimiterPattern = Self.ones &* UInt64(options.delimiter)
        quotePattern = Self.ones &* UInt64(options.quote)
        position = start
        self.line = line
    }

    /// Bytes equal to the pattern's byte get their high bit set; bits above the first match may be
    /// spurious, so only the lowest set bit is meaningful.
    @inline(__always)
    private static func matches(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = w ^ pattern
        return (x &- ones) & ~x & highs
    }

    /// The first delimiter, CR or LF at or after `start`, or `end`.
    @inline(__always)
    private func skipUnquoted(_ start: Int) -> Int {
        skip(from: start, untilLineEndOr: delimiter, pattern: delimiterPattern)
    }

    /// The first quote, CR or LF at or after `start`, or `end`.
    @inline(__always)
    private func skipQuoted(_ start: Int) -> Int {
        skip(from: start, untilLineEndOr: quote, pattern: quotePattern)
    }

    /// The first `byte` (whose word of copies is `pattern`), CR or LF at or after `start`, or `end`.
    @inline(__always)
    private func skip(from start: Int, untilLineEndOr byte: UInt8, pattern: UInt64) -> Int {
        var p = start
        let n = end
        while p &+ 8 <= n {
            let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            let m = Self.matches(w, pattern) | Self.matches(w, Self.lfPattern) | Self.matches(w, Self.crPattern)
            if m != 0 { return p &+ (m.trailingZeroBitCount &>> 3) }
            p &+= 8
        }
        while p < n {
            let c = base[p]
            if c == byte || c == Self.lf || c == Self.cr { return p }
            p &+= 1
        }
        return n
    }

    /// Reads the next record into `fields` (cleared first); nil at end of input.
    @inline(__always)
    mutating func next(fields: inout CSVFieldBuffer) -> CSVRecord? {
        fields.count = 0
        let b = base
        let n = end
        skipBlankLines()
        let p = position
        guard p &+ 64 <= n else { return nextScalar(fields: &fields) }
        // A record starts outside quotes: continue the block when it holds `p`, else classify from `p`.
        if blockLoaded && p >= blockStart && p < blockStart &+ 64 {
            let kept: UInt64 = ~0 << UInt64(p &- blockStart)
            structural &= kept
            quotes &= kept
        } else {
            load(at: p, carry: 0)
        }
        let startLine = line
        var record = CSVRecord(start: p, end: p, line: line)
        var fieldStart = p
        while true {
            let q: Int
            if fieldStart < n && b[fieldStart] == quote {
                let after = readQuoted(from: fieldStart, fields: &fields, record: &record)
                guard record.problemKind == .none, let s = nextStructural(quotesAllowed: true),
                      s == after else { return retryScalar(record, line: startLine, fields: &fields) }
                q = s
            } else {
                guard let s = nextStructural(quotesAllowed: false) else {
                    return retryScalar(record, line: startLine, fields: &fields)
                }
                q = s
                fields.append(fieldStart, q, quoted: false, escaped: false)
            }
            let c = b[q]
            if c == delimiter {
                fieldStart = q &+ 1
                continue
            }
            record.end = q
            var after = q &+ 1
            if c == Self.cr && after < n && b[after] == Self.lf { after &+= 1 }
            line &+= 1
            position = after
            return record
        }
    }

    /// Classifies the 64 bytes at `start`; `carry` is all ones when `start` lies inside quotes.
    @inline(__always)
    private mutating func load(at start: Int, carry: UInt64) {
        let block = tally_csv_classify64(base + start, delimiter, quote)
        // Prefix XOR: bit i is set when an odd number of quotes lie at or before byte i, i.e. byte i
        // is inside quotes (an opening quote counts as inside, a closing one as outside).
        var inside = block.quotes
        inside ^= inside << 1
        inside ^= inside << 2
        inside ^= inside << 4
        inside ^= inside << 8
        inside ^= inside << 16
        inside ^= inside << 32
        inside ^= carry
        blockStart = start
        blockLoaded = true
        structural = block.structural & ~inside
        quotes = block.quotes
        quoteCarry = UInt64(bitPattern: Int64(bitPattern: inside) >> 63)
    }

    /// The position of the next delimiter or line end outside quotes, taken off the block with the
    /// quotes before it (the current field's). Nil when it lies in the last 64 bytes of the input or,
    /// unless `quotesAllowed`, when the field holds a quote (the block's idea of what is quoted could
    /// then be wrong).
    @inline(__always)
    private mutating func nextStructural(quotesAllowed: Bool) -> Int? {
        guard structural != 0 else { return nextStructuralInNextBlocks(quotesAllowed: quotesAllowed) }
        let offset = structural.trailingZeroBitCount
        let kept: UInt64 = ~0 << UInt64(offset)
        if !quotesAllowed && quotes & ~kept != 0 { return nil }
        structural &= structural &- 1
        quotes &= kept
        return blockStart &+ offset
    }

    /// `nextStructural` when the current block has no structural bit left: classifies the next blocks.
    @inline(never)
    private mutating func nextStructuralInNextBlocks(quotesAllowed: Bool) -> Int? {
        while structural == 0 {
            // Every quote left in the block is the current field's.
            if !quotesAllowed && quotes != 0 { return nil }
            let next = blockStart &+ 64
            guard next &+ 64 <= end else { return nil }
            load(at: next, carry: quoteCarry)
        }
        return nextStructural(quotesAllowed: quotesAllowed)
    }

    /// Reads the record that starts at `record.start` again with the scalar path.
    @inline(never)
    private mutating func retryScalar(_ record: CSVRecord, line startLine: Int, fields: inout CSVFieldBuffer) -> CSVRecord? {
        position = record.start
        line = startLine
        blockLoaded = false
        scalarRetries &+= 1
        fields.count = 0
        return nextScalar(fields: &fields)
    }

    /// Moves past blank lines (LF, CRLF or a lone CR each), counting them.
    @inline(__always)
    private mutating func skipBlankLines() {
        let b = base
        var p = position
        while p < end {
            let c = b[p]
            guard c == Self.lf || c == Self.cr else { break }
            p &+= 1
            if c == Self.cr && p < end && b[p] == Self.lf { p &+= 1 }
            line &+= 1
        }
        position = p
    }

    /// Reads the next record byte by byte and word by word (no blocks); nil at end of input.
    mutating func nextScalar(fields: inout CSVFieldBuffer) -> CSVRecord? {
        fields.count = 0
        let b = base
        let n = end
        skipBlankLines()
        var p = position
        guard p < n else { return nil }
        var record = CSVRecord(start: p, end: p, line: line)
        while true {
            if p < n && b[p] == quote {
                p = readQuoted(from: p, fields: &fields, record: &record)
            } else {
                let s = p
                p = skipUnquoted(p)
                fields.append(s, p, quoted: false, escaped: false)
            }
            guard p < n else {
                record.end = n
                position = n
                return record
            }
            let c = b[p]
            p &+= 1
            if c == delimiter { continue }
            record.end = p &- 1
            if c == Self.cr && p < n && b[p] == Self.lf { p &+= 1 }
            line &+= 1
            position = p
            return record
        }
    }

    /// Reads a quoted field starting at the opening quote `p`; returns the position after it (at the
    /// delimiter or line end that follows, or `end`).
    @inline(__always)
    private mutating func readQuoted(from start: Int, fields: inout CSVFieldBuffer, record: inout CSVRecord) -> Int {
        let b = base
        let n = end
        var p = start &+ 1
        let contentStart = p
        var escaped = false
        while true {
            let q = skipQuoted(p)
            guard q < n else {
                fields.append(contentStart, n, quoted: true, escaped: escaped)
                record.problemKind = .unterminatedQuote
                record.problemField = fields.count
                return n
            }
            let c = b[q]
            if c == quote {
                if q &+ 1 < n && b[q &+ 1] == quote {
                    escaped = true
                    p = q &+ 2
                    continue
                }
                fields.append(contentStart, q, quoted: true, escaped: escaped)
                p = q &+ 1
                if p < n {
                    let d = b[p]
                    if d != delimiter && d != Self.lf && d != Self.cr {
                        if record.problemKind == .none {
                            record.problemKind = .textAfterClosingQuote
                            record.problemField = fields.count
                        }
                        p = skipUnquoted(p)
                    }
                }
                return p
            }
            if c == Self.lf || (c == Self.cr && (q &+ 1 == n || b[q &+ 1] != Self.lf)) { line &+= 1 }
            p = q &+ 1
        }
    }
}
