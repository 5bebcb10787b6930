/// A packed bit set, one bit per row; in a column it marks which rows are valid (not null).
public struct Bitmap: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    /// `count` bits, all set to `value`.
    public init(count: Int, value: Bool) {
        self.count = count
        words = [UInt64](repeating: value ? ~0 : 0, count: (count + 63) / 64)
    }

    public subscript(i: Int) -> Bool {
        get { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    /// Adds one bit at the end.
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    /// Number of set bits among the first `count`.
    public var setCount: Int {
        var n = 0
        for (w, word) in words.enumerated() {
            let live = min(64, count - w * 64)
            let mask: UInt64 = live == 64 ? ~0 : (1 << UInt64(live)) - 1
            n += (word & mask).nonzeroBitCount
        }
        return n
    }
}

extension Bitmap {
    /// A bitmap over `count` bits from packed words (bits past `count` are ignored).
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64, "word count does not match bit count")
        self.init(count: 0, value: false)
        self.words = words
        self.count = count
    }

    /// Whether every one of the `count` bits is set.
    public var allSet: Bool { setCount == count }

    /// Bitwise AND of two equal-length bitmaps.
    public static func & (a: Bitmap, b: Bitmap) -> Bitmap {
        precondition(a.count == b.count, "bitmap lengths differ")
        var w = a.words
        for i in w.indices { w[i] &= b.words[i] }
        return Bitmap(words: w, count: a.count)
    }

    /// Bitwise OR of two equal-length bitmaps.
    public static func | (a: Bitmap, b: Bitmap) -> Bitmap {
        precondition(a.count == b.count, "bitmap lengths differ")
        var w = a.words
        for i in w.indices { w[i] |= b.words[i] }
        return Bitmap(words: w, count: a.count)
    }

    /// The bitmap with every bit flipped.
    public static prefix func ~ (a: Bitmap) -> Bitmap {
        Bitmap(words: a.words.map { ~$0 }, count: a.count)
    }

    /// Bits of a `Bool` array.
    public init(_ bits: [Bool]) {
        self.init(count: bits.count, value: false)
        for (i, b) in bits.enumerated() where b { self[i] = true }
    }

    /// Validity of rows valid in both inputs; nil (no nulls) stays nil.
    public static func intersect(_ a: Bitmap?, _ b: Bitmap?) -> Bitmap? {
        switch (a, b) {
        case (nil, nil): nil
        case (let x?, nil): x
        case (nil, let y?): y
        case (let x?, let y?): x & y
        }
    }
}
