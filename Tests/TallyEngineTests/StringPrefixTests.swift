import Testing
@testable import TallyEngine

/// The inline prefixes string aggregates and group keys compare: zero past the string, whatever
/// follows it in memory, and ordered as the bytes are.
@Suite struct StringPrefixTests {
    /// The first 32 bytes of `bytes` as four little-endian words, zero-padded.
    static func reference(_ bytes: [UInt8]) -> [UInt64] {
        (0..<4).map { w in
            (0..<8).reduce(UInt64(0)) { word, k in
                let i = 8 * w + k
                return i < bytes.count ? word | UInt64(bytes[i]) << UInt64(8 * k) : word
            }
        }
    }

    @Test(arguments: 0...40)
    func prefixIgnoresTheBytesAfterTheString(length: Int) {
        let string = (0..<length).map { UInt8(truncatingIfNeeded: 0x41 + $0 * 7) }
        // Followed by non-zero bytes, with room to read 32 bytes past the start (the fast path) or not.
        for tail in [0, 3, 40] {
            let buffer = string + Array(repeating: UInt8(0xEE), count: tail)
            buffer.withUnsafeBufferPointer { b in
                let end = b.baseAddress.map { $0 + b.count }
                let w = loadPrefix32(b.baseAddress, length, end: end)
                #expect([w.0, w.1, w.2, w.3] == Self.reference(string), "length \(length), tail \(tail)")
            }
        }
    }

    @Test func prefixesOrderAsTheBytes() {
        let strings = ["", "a", "ab", "abc\u{0}", "b", String(repeating: "z", count: 31), String(repeating: "z", count: 32),
                       String(repeating: "z", count: 33), "é", "zé"].map { Array($0.utf8) }
        let buffer = strings.joined().map { $0 } + Array(repeating: 0xFF, count: 32)
        var offsets = [0]
        for s in strings { offsets.append(offsets.last! + s.count) }
        buffer.withUnsafeBufferPointer { b in
            let end = b.baseAddress.map { $0 + b.count }
            for (i, x) in strings.enumerated() {
                for (j, y) in strings.enumerated() {
                    let px = b.baseAddress! + offsets[i], py = b.baseAddress! + offsets[j]
                    let c = compareWithPrefix32(loadPrefix32(px, x.count, end: end), px, x.count,
                                                loadPrefix32(py, y.count, end: end), py, y.count)
                    let expected = x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
                    #expect(c == expected, "\(x) vs \(y)")
                }
            }
        }
    }
}
