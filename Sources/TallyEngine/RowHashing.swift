import TallyCompiler

/// 64-bit hashes of row tuples, computed a column at a time over the typed buffers.
/// Equal tuples (null equal to null, 0.0 equal to -0.0, NaN equal to NaN) hash equally.
func hashRows(_ columns: [Column], count n: Int) -> [UInt64] {
    var hashes = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: n)
    var values = [UInt64](repeating: 0, count: n)
    for column in columns {
        switch column.values {
        case .int(let a): for i in 0..<n { values[i] = UInt64(bitPattern: a[i]) }
        case .timestamp(let a): for i in 0..<n { values[i] = UInt64(bitPattern: a[i]) }
        case .date(let a): for i in 0..<n { values[i] = UInt64(UInt32(bitPattern: a[i])) }
        case .bool(let a): for i in 0..<n { values[i] = a[i] ? 1 : 2 }
        case .decimal(let a):
            for i in 0..<n { values[i] = UInt64(truncatingIfNeeded: a[i]) ^ mix64(UInt64(truncatingIfNeeded: a[i] >> 64)) }
        case .double(let a):
            for i in 0..<n {
                let v = a[i]
                values[i] = v == 0 ? 0 : (v.isNaN ? 0x7FF8_0000_0000_0000 : v.bitPattern)
            }
        case .string(let s):
            s.bytes.withUnsafeBufferPointer { bytes in
                for i in 0..<n {
                    var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
                    for k in Int(s.offsets[i])..<Int(s.offsets[i + 1]) { h = (h ^ UInt64(bytes[k])) &* 0x100_0000_01B3 }
                    values[i] = h
                }
            }
        }
        if let validity = column.validity {
            for i in 0..<n where !validity[i] { values[i] = 0x9E37_79B9_7F4A_7C15 }
        }
        for i in 0..<n { hashes[i] = (hashes[i] &* 0x100_0000_01B3) ^ mix64(values[i]) }
    }
    for i in 0..<n { hashes[i] = mix64(hashes[i]) }
    return hashes
}

/// The MurmurHash3 64-bit finalizer: spreads every input bit over the output.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var k = x
    k ^= k >> 33
    k &*= 0xFF51_AFD7_ED55_8CCD
    k ^= k >> 33
    k &*= 0xC4CE_B9FE_1A85_EC53
    k ^= k >> 33
    return k
}
