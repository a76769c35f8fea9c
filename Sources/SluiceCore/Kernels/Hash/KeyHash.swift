#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one hash function family of Sluice's in-memory hash tables (``Int64HashSet``,
/// ``Int64HashMap``, ``BytesHashMap``, ``HashIndex``): a SplitMix64-style finaliser
/// for 64-bit keys and an 8-bytes-at-a-time multiply–xorshift walk for byte strings.
///
/// Hashes are for tables in memory only: they are not stable across releases and
/// never stored (file checksums use `XXHash64`).
///
/// ```swift
/// let h = KeyHash.hash(Int64(42))
/// let k = KeyHash.key(-0.0) == KeyHash.key(0.0)    // true: one key for both zeros
/// ```
public enum KeyHash {
    /// Spreads every input bit over every output bit (the SplitMix64 finaliser).
    @inlinable @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of a 64-bit key.
    @inlinable @inline(__always)
    package static func hash(_ key: Int64) -> UInt64 { mix(UInt64(bitPattern: key)) }

    /// The hash of a byte string: 8 bytes at a time, then the tail, then ``mix(_:)``.
    @inlinable @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hash(UnsafeRawPointer(bytes.baseAddress), count: bytes.count)
    }

    /// The hash of the `count` bytes at `base` (`nil` only when `count` is 0).
    @inlinable @inline(__always)
    package static func hash(_ base: UnsafeRawPointer?, count n: Int) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: n)
        guard let p = base, n > 0 else { return mix(h) }
        var i = 0
        while i &+ 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0, shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift &+= 8
                i &+= 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        return mix(h)
    }

    /// A hash of the pair (`seed`, `value`), for keys hashed one part at a time
    /// (multi-column keys): order matters, `combine(a, b) != combine(b, a)`.
    @inlinable @inline(__always)
    package static func combine(_ seed: UInt64, _ value: UInt64) -> UInt64 {
        mix(seed &* 0x9E37_79B9_7F4A_7C15 ^ value)
    }

    /// The 64-bit key of a double with SQL-style equality: `-0.0` and `0.0` are one
    /// key, and every NaN is one key.
    @inlinable @inline(__always)
    package static func key(_ value: Double) -> Int64 {
        Int64(bitPattern: value == 0 ? 0 : value.isNaN ? Double.nan.bitPattern : value.bitPattern)
    }

    /// Whether two byte strings are equal.
    @inlinable @inline(__always)
    package static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }
}
