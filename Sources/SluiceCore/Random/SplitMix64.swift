/// A small, fast, seedable pseudo-random generator (SplitMix64, Steele, Lea and
/// Flood 2014): one add and two multiply–xorshift rounds per 64-bit output.
///
/// Unlike `SystemRandomNumberGenerator`, a given seed always yields the same
/// sequence on every platform and Swift version, which is what reproducible test
/// data needs. Not for cryptography.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let die = random.next(below: 6) + 1
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The whole state: a counter advanced by the golden-ratio increment.
    @usableFromInline var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 uniformly distributed bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's method).
    ///
    /// - Parameter bound: the exclusive upper end; must be positive.
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in `0..<bound` for an `Int` bound.
    @inlinable
    public mutating func next(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next(below: UInt64(bound)))
    }

    /// A uniform `Double` in `0..<1` with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `threshold / 2⁶⁴`; see ``threshold(probability:)``.
    @inlinable
    public mutating func chance(_ threshold: UInt64) -> Bool {
        next() < threshold
    }

    /// The threshold for ``chance(_:)`` that fires with `probability` (0...1).
    public static func threshold(probability: Double) -> UInt64 {
        if probability <= 0 { return 0 }
        if probability >= 1 { return .max }
        return UInt64(probability * 0x1.0p64)
    }
}
