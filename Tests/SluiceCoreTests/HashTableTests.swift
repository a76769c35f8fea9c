import Testing
@testable import SluiceCore

/// Random keys drawn from a pool about half the size of the draw, so that about half
/// the inserts repeat a key; `narrow` pools make many repeats, `wide` ones few.
private func randomKeys(_ count: Int, seed: UInt64, pool: Int) -> [Int64] {
    var rng = SplitMix64(seed: seed)
    let special: [Int64] = [0, -1, 1, .min, .max, .min + 1, .max - 1]
    return (0..<count).map { _ in
        rng.chance(0.05) ? special[Int(rng.next(below: UInt64(special.count)))]
            : Int64(bitPattern: rng.next(below: UInt64(max(pool, 1)))) &* 0x1_0000_0001 &- 77
    }
}

private func randomStrings(_ count: Int, seed: UInt64, pool: Int) -> [[UInt8]] {
    var rng = SplitMix64(seed: seed)
    let lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 64]
    return (0..<count).map { _ in
        let id = rng.next(below: UInt64(max(pool, 1)))
        var gen = SplitMix64(seed: id)
        let length = lengths[Int(id % UInt64(lengths.count))]
        return (0..<length).map { _ in UInt8(truncatingIfNeeded: gen.next()) }
    }
}

@Suite("Int64HashMap")
struct Int64HashMapTests {
    @Test("entries match a Dictionary oracle, numbered in first-insertion order", arguments: sizes)
    func oracle(count: Int) {
        let keys = randomKeys(count, seed: UInt64(count) &+ 1, pool: count / 2 + 1)
        let map = Int64HashMap(expected: 4)          // small: grows many times
        var oracle: [Int64: Int] = [:]
        for key in keys {
            let expected = oracle[key]
            let (entry, inserted) = map.insert(key)
            #expect(inserted == (expected == nil))
            if let expected { #expect(entry == expected) } else { oracle[key] = entry; #expect(entry == oracle.count - 1) }
        }
        #expect(map.count == oracle.count)
        for (key, entry) in oracle {
            #expect(map.entry(of: key) == entry)
            #expect(map.key(at: entry) == key)
        }
        for probe in randomKeys(200, seed: 99, pool: 1 << 40) where oracle[probe] == nil {
            #expect(map.entry(of: probe) == nil && !map.contains(probe))
        }
    }

    @Test("keys equal in their low bits do not merge; Int64.min and 0 are ordinary keys")
    func collisions() {
        let map = Int64HashMap()
        let keys: [Int64] = (0..<5000).map { Int64($0) << 32 } + [.min, 0, -0, .max]
        for key in keys { map.insert(key) }
        #expect(map.count == 5002)        // 0 << 32 == 0 == -0
        #expect(map.entry(of: .min) == 5000 && map.entry(of: .max) == 5001 && map.entry(of: 0) == 0)
    }
}

@Suite("Int64HashSet")
struct Int64HashSetTests {
    @Test("hashed and bitmap sets agree with a Set oracle", arguments: sizes)
    func oracle(count: Int) {
        let keys = randomKeys(count, seed: UInt64(count) &+ 2, pool: count / 2 + 1)
        let hashed = Int64HashSet(expected: 2)
        var oracle = Set<Int64>()
        for key in keys { #expect(hashed.insert(key) == oracle.insert(key).inserted) }
        #expect(hashed.count == oracle.count && !hashed.isDense)
        for key in oracle { #expect(hashed.contains(key)) }
        for probe in randomKeys(200, seed: 7, pool: 1 << 40) { #expect(hashed.contains(probe) == oracle.contains(probe)) }

        var rng = SplitMix64(seed: UInt64(count))
        let dense = (0..<count).map { _ in Int64(rng.next(below: 3000)) - 1500 }
        let bitmap = Int64HashSet(expected: count, keysIn: -1500...1499)
        var denseOracle = Set<Int64>()
        for key in dense { #expect(bitmap.insert(key) == denseOracle.insert(key).inserted) }
        #expect(bitmap.isDense && bitmap.count == denseOracle.count)
        for key in Int64(-1600)...1600 { #expect(bitmap.contains(key) == denseOracle.contains(key)) }
    }

    @Test("the empty marker Int64.min is a member like any other key")
    func emptyMarker() {
        let set = Int64HashSet()
        #expect(!set.contains(.min))
        #expect(set.insert(.min) && !set.insert(.min) && set.contains(.min))
        #expect(set.insert(0) && set.count == 2)
    }

    @Test("a wide key range gives a hash set, not a huge bitmap")
    func wideRange() {
        #expect(!Int64HashSet(expected: 10, keysIn: .min ... .max).isDense)
        #expect(!Int64HashSet(expected: 10, keysIn: 0...(1 << 40)).isDense)
        #expect(Int64HashSet(expected: 10, keysIn: 0...1000).isDense)
    }
}

@Suite("BytesHashMap")
struct BytesHashMapTests {
    @Test("entries match a Dictionary oracle; keys read back byte for byte", arguments: sizes)
    func oracle(count: Int) {
        let keys = randomStrings(count, seed: UInt64(count) &+ 3, pool: count / 2 + 1)
        let map = BytesHashMap(expected: 1)
        var oracle: [[UInt8]: Int] = [:]
        for key in keys {
            let expected = oracle[key]
            let (entry, inserted) = key.withUnsafeBufferPointer { map.insert($0) }
            #expect(inserted == (expected == nil))
            if let expected { #expect(entry == expected) } else { oracle[key] = entry }
        }
        #expect(map.count == oracle.count)
        #expect(map.byteCount == oracle.keys.reduce(0) { $0 + $1.count })
        for (key, entry) in oracle {
            #expect(key.withUnsafeBufferPointer { map.entry(of: $0) } == entry)
            #expect(map.bytes(at: entry) == key)
        }
        for probe in randomStrings(100, seed: 1234, pool: 1 << 30) {
            #expect(probe.withUnsafeBufferPointer { map.contains($0) } == (oracle[probe] != nil))
        }
    }

    @Test("the empty key, prefixes and a 1 MiB key are distinct keys")
    func edgeKeys() {
        let map = BytesHashMap()
        let huge = [UInt8](repeating: 0xAB, count: 1 << 20)
        var almost = huge
        almost[almost.count - 1] = 0xAC
        let keys: [[UInt8]] = [[], [0], [0, 0], Array("abcdefgh".utf8), Array("abcdefghi".utf8), huge, almost]
        for (i, key) in keys.enumerated() {
            #expect(key.withUnsafeBufferPointer { map.insert($0) } == (i, true))
        }
        for (i, key) in keys.enumerated() {
            #expect(key.withUnsafeBufferPointer { map.insert($0) } == (i, false))
        }
        #expect(map.string(at: 3) == "abcdefgh" && map.bytes(at: 0) == [] && map.bytes(at: 5) == huge)
    }
}

@Suite("HashIndex")
struct HashIndexTests {
    @Test("keys with one and the same hash stay apart through growth (equality decides)", arguments: [1, 64, 65, 5000])
    func fullCollisions(count: Int) {
        let index = HashIndex(expected: 1)
        var rows: [Int] = []       // entry -> key
        for round in 0..<2 {
            for key in 0..<count {
                let (entry, inserted) = index.findOrInsert(hash: 42) { rows[$0] == key }
                #expect(inserted == (round == 0) && entry == key)
                if inserted { rows.append(key) }
            }
        }
        #expect(index.count == count)
        #expect(index.find(hash: 42) { rows[$0] == count } == nil)
        #expect(index.find(hash: 43) { _ in true } == nil)
        index.removeAll()
        #expect(index.count == 0 && index.find(hash: 42) { _ in true } == nil)
    }
}

@Suite("KeyHash")
struct KeyHashTests {
    @Test("equal bytes hash equal wherever they lie; doubles fold -0.0 and NaNs")
    func hashes() {
        let a: [UInt8] = Array("xxhello, world!".utf8), b: [UInt8] = Array("hello, world!".utf8)
        let ha = a.withUnsafeBufferPointer { KeyHash.hash(UnsafeBufferPointer(rebasing: $0[2...])) }
        let hb = b.withUnsafeBufferPointer { KeyHash.hash($0) }
        #expect(ha == hb)
        #expect([UInt8]().withUnsafeBufferPointer { KeyHash.hash($0) } != [UInt8(0)].withUnsafeBufferPointer { KeyHash.hash($0) })
        #expect(KeyHash.key(-0.0) == KeyHash.key(0.0))
        #expect(KeyHash.key(.nan) == KeyHash.key(-Double.nan) && KeyHash.key(1.5) != KeyHash.key(-1.5))
        #expect(KeyHash.combine(1, 2) != KeyHash.combine(2, 1))
        // Sequential keys spread over the low bits a table indexes by.
        let buckets = Set((0..<1024).map { KeyHash.hash(Int64($0)) & 1023 })
        #expect(buckets.count > 550)
    }
}
