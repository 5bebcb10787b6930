import Testing
@testable import TallyEngine

/// The growable buffers behind hash tables and group states keep their contents as they grow from
/// `malloc` blocks into mappings of their own and through mapping growth (`mremap` on Linux).
@Suite struct RawStorageTests {
    @Test func rawVecKeepsItsValuesAcrossGrowth() {
        let v = RawVec<UInt64>(capacity: 16)
        let n = 1_500_000  // 12 MB: several growths past the 1 MiB mapping threshold
        for i in 0..<n { v.append(UInt64(i) &* 0x9E37_79B9_7F4A_7C15) }
        #expect(v.count == n)
        #expect(v.capacity >= n)
        #expect((0..<n).allSatisfy { v[$0] == UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        v.resize(to: n + 5, with: 7)
        #expect((n..<(n + 5)).allSatisfy { v[$0] == 7 })
    }

    @Test func byteArenaKeepsItsBytesAcrossGrowth() {
        let arena = ByteArena(capacity: 64)
        var offsets: [Int] = []
        for i in 0..<200_000 {
            let bytes = Array("value-\(i)-".utf8)
            offsets.append(bytes.withUnsafeBufferPointer { arena.append($0.baseAddress, $0.count) })
        }
        #expect(arena.count > 2 << 20)
        #expect((0..<200_000).allSatisfy { i in
            let bytes = Array("value-\(i)-".utf8)
            return (0..<bytes.count).allSatisfy { arena.base[offsets[i] + $0] == bytes[$0] }
        })
    }

    @Test func groupStatesKeepRecordsAndInitializeNewOnes() {
        let store = GroupStates()
        let sum = store.addField(initial: Int64(-1))
        let flag = store.addField(initial: UInt8(9))
        for n in [1, 1000, 70_000, 300_000] {  // the last ones take mappings (stride 16: 1.1 and 4.8 MB)
            let before = store.count
            store.grow(to: n)
            #expect((before..<n).allSatisfy {
                store.field($0, sum).load(as: Int64.self) == -1 && store.field($0, flag).load(as: UInt8.self) == 9
            })
            for g in before..<n { store.field(g, sum).storeBytes(of: Int64(g) * 3, as: Int64.self) }
        }
        #expect((0..<300_000).allSatisfy { store.field($0, sum).load(as: Int64.self) == Int64($0) * 3 })
        #expect((0..<300_000).allSatisfy { store.field($0, flag).load(as: UInt8.self) == 9 })
    }

    /// Mappings freed and taken again (kept whole, shrunk, or released to make room) hold what the
    /// new owner writes, while other live blocks keep theirs.
    @Test func reusedMappingsHoldTheirNewContents() {
        let live = RawVec<UInt32>(capacity: 1 << 19)  // 2 MiB, alive throughout
        live.resize(to: 1 << 19, with: 0xABCD)
        for (round, count) in [1 << 21, 1 << 20, 3 << 20, 1 << 18, 5 << 20, 1 << 21].enumerated() {
            let v = RawVec<UInt64>(capacity: count)
            v.resize(to: count, with: UInt64(round))
            for i in stride(from: 0, to: count, by: 4097) { v[i] = UInt64(i) }
            #expect((0..<count).allSatisfy { v[$0] == ($0 % 4097 == 0 ? UInt64($0) : UInt64(round)) })
        }
        #expect((0..<(1 << 19)).allSatisfy { live[$0] == 0xABCD })
    }
}
