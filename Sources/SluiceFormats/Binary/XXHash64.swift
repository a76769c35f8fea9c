/// XXH64, the 64-bit xxHash checksum (Yann Collet's published algorithm), over raw
/// memory. `.sluice` files store it for every buffer and for their footer.
///
/// It runs four independent lanes over 32-byte stripes, so on one core it checks
/// data several times faster than the page cache hands it over.
///
/// ```swift
/// let sum = bytes.withUnsafeBytes { XXHash64.hash($0) }
/// ```
public enum XXHash64 {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) @usableFromInline
    static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x &<< r) | (x &>> (64 &- r)) }

    @inline(__always) @usableFromInline
    static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* prime2, 31) &* prime1
    }

    @inline(__always) @usableFromInline
    static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* prime1 &+ prime4
    }

    /// The checksum of `bytes` with `seed`.
    package static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress else { return hash(base: UnsafeRawPointer(bitPattern: 8)!, count: 0, seed: seed) }
        return hash(base: base, count: bytes.count, seed: seed)
    }

    /// The checksum of `count` bytes at `base` with `seed`.
    package static func hash(base: UnsafeRawPointer, count: Int, seed: UInt64 = 0) -> UInt64 {
        var p = 0
        var h: UInt64
        if count >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            let limit = count &- 32
            while p <= limit {
                v1 = round(v1, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self)))
                v2 = round(v2, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 8, as: UInt64.self)))
                v3 = round(v3, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 16, as: UInt64.self)))
                v4 = round(v4, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 24, as: UInt64.self)))
                p &+= 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1)
            h = merge(h, v2)
            h = merge(h, v3)
            h = merge(h, v4)
        } else {
            h = seed &+ prime5
        }
        h &+= UInt64(count)
        while p &+ 8 <= count {
            h ^= round(0, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self)))
            h = rotl(h, 27) &* prime1 &+ prime4
            p &+= 8
        }
        if p &+ 4 <= count {
            h ^= UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt32.self))) &* prime1
            h = rotl(h, 23) &* prime2 &+ prime3
            p &+= 4
        }
        while p < count {
            h ^= UInt64(base.load(fromByteOffset: p, as: UInt8.self)) &* prime5
            h = rotl(h, 11) &* prime1
            p &+= 1
        }
        h ^= h &>> 33
        h &*= prime2
        h ^= h &>> 29
        h &*= prime3
        h ^= h &>> 32
        return h
    }
}
