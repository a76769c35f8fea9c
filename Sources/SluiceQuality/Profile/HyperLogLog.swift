#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A HyperLogLog sketch: estimates the number of distinct 64-bit hashes it was fed
/// in a fixed 2^`precision` bytes (16 KiB at the default 14, a standard error of
/// 1.04 / √16384 ≈ 0.81%), however many values there are.
///
/// Each hash picks a register with its top `precision` bits and records the
/// position of the first set bit among the rest; the estimate is the bias-corrected
/// harmonic mean of 2^register, with linear counting while many registers are empty.
///
/// ```swift
/// var sketch = HyperLogLog()
/// for key in keys { sketch.add(hash: KeyHash.mix(UInt64(bitPattern: key))) }
/// sketch.estimate   // ≈ distinct keys
/// ```
public struct HyperLogLog: Sendable, Equatable {
    /// Bits of the hash that choose a register (4...18).
    public let precision: Int
    private var registers: [UInt8]

    public init(precision: Int = 14) {
        precondition((4...18).contains(precision), "HyperLogLog precision must be in 4...18")
        self.precision = precision
        registers = [UInt8](repeating: 0, count: 1 << precision)
    }

    /// The relative standard error of ``estimate``.
    public var standardError: Double { 1.04 / Double(registers.count).squareRoot() }

    /// Adds one (well-mixed) 64-bit hash.
    @inline(__always) public mutating func add(hash: UInt64) {
        let index = Int(truncatingIfNeeded: hash >> UInt64(64 - precision))
        // Rank of the first set bit in the remaining bits (1-based); all zero → 64 - precision + 1.
        let rest = (hash << UInt64(precision)) | (1 << UInt64(precision - 1))
        let rank = UInt8(truncatingIfNeeded: rest.leadingZeroBitCount + 1)
        registers.withUnsafeMutableBufferPointer { r in
            if r[index] < rank { r[index] = rank }
        }
    }

    /// The estimated number of distinct hashes added.
    public var estimate: Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 {
            return Int((m * log(m / Double(zeros))).rounded())   // linear counting
        }
        return Int(raw.rounded())
    }
}
