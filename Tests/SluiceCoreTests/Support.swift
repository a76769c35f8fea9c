import Testing
@testable import SluiceCore
import SluiceTestSupport

/// The row counts every size-sensitive test sweeps: empty, one, around one word, and many words.
let sizes = [0, 1, 63, 64, 65, 65_537]


/// Runs a byte parser over `text` in an exactly sized heap copy (no slack past the end).
func parse<T>(_ text: String, _ parser: (UnsafePointer<UInt8>, Int) -> T) -> T {
    let bytes = Array(text.utf8)
    let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
    defer { copy.deallocate() }
    copy.initialize(from: bytes, count: bytes.count)
    return parser(UnsafePointer(copy), bytes.count)
}

let stringPool = ["", "a", "héllo", "日本語", "🙂 ok", "tab\tnew\nline", "naïve café", "\u{0}", "x,y:\"z\""]

func randomString(_ rng: inout SplitMix64) -> String {
    if rng.chance(0.5) { return stringPool.randomElement(using: &rng)! }
    let length = Int.random(in: 0...24, using: &rng)
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 -_éß中🙂")
    return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
}

/// A random non-null value of `type`.
func randomValue(_ type: DataType, _ rng: inout SplitMix64) -> Value {
    switch type {
    case .bool: return .bool(Bool.random(using: &rng))
    case .int64: return .int64(rng.chance(0.1) ? [Int64.min, Int64.max, 0, -1].randomElement(using: &rng)! : Int64.random(in: -1_000_000...1_000_000, using: &rng))
    case .float64:
        if rng.chance(0.05) { return .float64([Double.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude].randomElement(using: &rng)!) }
        return .float64(Double.random(in: -1e6...1e6, using: &rng))
    case .string: return .string(randomString(&rng))
    case .date: return .date(Int32.random(in: -800_000...3_000_000, using: &rng))
    case .timestamp: return .timestamp(Int64.random(in: -10_000_000_000_000_000...10_000_000_000_000_000, using: &rng))
    case .decimal(let precision, let scale):
        let limit = Decimal128.maxUnscaled(precision: precision)
        let u: Int128 = rng.chance(0.1) ? [limit, -limit, 0, -1].randomElement(using: &rng)!
            : Int128(Int64.random(in: Int64.min...Int64.max, using: &rng)) % limit
        return .decimal(Decimal128(unscaled: u, scale: scale))
    case .binary: return .binary((0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}

/// `count` random values of `type`, about `nullRate` of them null.
func randomValues(_ type: DataType, count: Int, nullRate: Double, seed: UInt64) -> [Value] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in rng.chance(nullRate) ? .null : randomValue(type, &rng) }
}

func bits(of bitmap: Bitmap) -> [Bool] { (0..<bitmap.count).map(bitmap.isValid) }

/// Whether bits past `count` in the last word are all zero.
func tailIsClear(_ bitmap: Bitmap) -> Bool {
    guard bitmap.count & 63 != 0, let last = bitmap.words.last else { return true }
    return last >> UInt64(bitmap.count & 63) == 0
}
