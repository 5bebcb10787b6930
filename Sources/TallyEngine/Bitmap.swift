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
