import TallyCompiler

// String functions: lower, upper, trim, length, concat. ASCII text takes byte-level fast paths;
// other text goes through `String` so that case mapping and character counts are Unicode-correct.

extension ExpressionEvaluator {
    /// Applies `transform` to the bytes of each valid row; nulls stay null.
    func mapStrings(_ x: Column, _ transform: (ArraySlice<UInt8>) -> [UInt8]) -> Column {
        let s = x.values.strings
        var out = StringArray()
        out.offsets.reserveCapacity(s.count + 1)
        out.bytes.reserveCapacity(s.bytes.count)
        for i in 0..<s.count {
            if x.isNull(i) { out.offsets.append(Int32(out.bytes.count)) } else { out.append(transform(s[i])) }
        }
        return Column(type: .string, values: .string(out), validity: x.validity)
    }

    /// `length(s)`: the number of characters (extended grapheme clusters), not bytes.
    func length(_ x: Column) -> Column {
        let s = x.values.strings
        let values: [Int64] = (0..<s.count).map { i in
            let bytes = s[i]
            return isASCII(bytes) ? Int64(bytes.count) : Int64(String(decoding: bytes, as: UTF8.self).count)
        }
        return Column(type: .int, values: .int(values), validity: x.validity)
    }

    /// `concat(a, b, ...)`: null arguments are skipped; the result is never null.
    func concat(_ args: [Column]) -> Column {
        let n = args.first?.count ?? 0
        let parts = args.map { $0.values.strings }
        var out = StringArray()
        out.offsets.reserveCapacity(n + 1)
        out.bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
        for i in 0..<n {
            for (a, part) in zip(args, parts) where !a.isNull(i) { out.bytes.append(contentsOf: part[i]) }
            out.offsets.append(Int32(out.bytes.count))
        }
        return Column(type: .string, values: .string(out))
    }
}

@inline(__always)
func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
    for b in bytes where b >= 0x80 { return false }
    return true
}

func lowercase(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    guard isASCII(bytes) else { return Array(String(decoding: bytes, as: UTF8.self).lowercased().utf8) }
    return bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
}

func uppercase(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    guard isASCII(bytes) else { return Array(String(decoding: bytes, as: UTF8.self).uppercased().utf8) }
    return bytes.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
}

/// Removes whitespace (ASCII and Unicode, e.g. no-break space) from both ends.
func trimWhitespace(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    let ascii = TextParsing.trimmed(bytes)
    // Non-ASCII at either end may be Unicode whitespace: let `Character` decide.
    guard let first = ascii.first, let last = ascii.last, first >= 0x80 || last >= 0x80 else { return Array(ascii) }
    let s = Substring(String(decoding: ascii, as: UTF8.self))
    let trimmed = s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
    return Array(String(trimmed).utf8)
}
