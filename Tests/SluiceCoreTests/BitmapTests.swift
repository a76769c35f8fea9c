import Testing
@testable import SluiceCore
import SluiceTestSupport

@Suite("Bitmap")
struct BitmapTests {
    @Test("all-valid and all-null bitmaps", arguments: sizes)
    func uniform(count: Int) {
        let valid = Bitmap(count: count, allValid: true)
        let null = Bitmap(count: count, allValid: false)
        #expect(valid.count == count && null.count == count)
        #expect(valid.words.count == (count + 63) / 64)
        #expect(null.words.count == (count + 63) / 64)
        #expect(valid.validCount == count && valid.nullCount == 0)
        #expect(null.validCount == 0 && null.nullCount == count)
        #expect(tailIsClear(valid) && tailIsClear(null))
        #expect(bits(of: valid) == [Bool](repeating: true, count: count))
        #expect(bits(of: null) == [Bool](repeating: false, count: count))
    }

    @Test("set and isValid agree with a [Bool] model", arguments: sizes)
    func setBits(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 11)
        var bitmap = Bitmap(count: count, allValid: rng.chance(0.5))
        var model = bits(of: bitmap)
        for _ in 0..<(count * 2) {
            let i = Int.random(in: 0..<count, using: &rng)
            let v = rng.chance(0.5)
            bitmap.set(i, valid: v)
            model[i] = v
        }
        #expect(bits(of: bitmap) == model)
        #expect(bitmap.validCount == model.filter { $0 }.count)
        #expect(bitmap.nullCount == model.filter { !$0 }.count)
        #expect(tailIsClear(bitmap))
    }

    @Test("init(words:count:) clears bits past count", arguments: [1, 63, 64, 65, 130])
    func initClearsTail(count: Int) {
        let words = [UInt64](repeating: .max, count: (count + 63) / 64)
        let bitmap = Bitmap(words: words, count: count)
        #expect(tailIsClear(bitmap))
        #expect(bitmap.validCount == count)
        #expect(bitmap == Bitmap(count: count, allValid: true))
    }

    @Test("slice at every alignment matches the model")
    func sliceEveryAlignment() {
        var rng = SplitMix64(seed: 42)
        let count = 300
        let model = (0..<count).map { _ in rng.chance(0.5) }
        var bitmap = Bitmap(count: count, allValid: false)
        for (i, v) in model.enumerated() { bitmap.set(i, valid: v) }
        let ones = Bitmap(count: count, allValid: true)
        var failures = 0
        for offset in 0...130 {
            for length in 0...130 {
                let range = offset..<(offset + length)
                let slice = bitmap.slice(range)
                let oneSlice = ones.slice(range)
                if slice.count != length || bits(of: slice) != Array(model[range]) || !tailIsClear(slice)
                    || slice.words.count != (length + 63) / 64
                    || slice.validCount != model[range].filter({ $0 }).count
                    || oneSlice.validCount != length || !tailIsClear(oneSlice) {
                    failures += 1
                    Issue.record("slice \(range) differs from the model")
                }
                if failures > 5 { return }
            }
        }
    }

    @Test("slice up to the very end, and empty slices at the end", arguments: sizes)
    func sliceToEnd(count: Int) {
        var rng = SplitMix64(seed: 7)
        var bitmap = Bitmap(count: count, allValid: true)
        var model = [Bool](repeating: true, count: count)
        for i in 0..<count where rng.chance(0.3) { bitmap.set(i, valid: false); model[i] = false }
        for start in Set([0, count / 2, max(count - 1, 0), count]) {
            let slice = bitmap.slice(start..<count)
            #expect(bits(of: slice) == Array(model[start..<count]))
            #expect(tailIsClear(slice))
        }
        #expect(bitmap.slice(count..<count).count == 0)
    }

    @Test("append, append(repeating:) and append(Bitmap) match the model", arguments: sizes)
    func appends(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &* 31 &+ 5)
        var bitmap = Bitmap(count: 0, allValid: true)
        var model: [Bool] = []
        while model.count < count {
            let n = min(Int.random(in: 0...150, using: &rng), count - model.count)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                for _ in 0..<n { let v = rng.chance(0.5); bitmap.append(v); model.append(v) }
            case 1:
                let v = rng.chance(0.5)
                bitmap.append(repeating: v, count: n)
                model += [Bool](repeating: v, count: n)
            case 2:
                var other = Bitmap(count: n, allValid: rng.chance(0.5))
                for i in 0..<n where rng.chance(0.3) { other.set(i, valid: !other.isValid(i)) }
                bitmap.append(other)
                model += bits(of: other)
            default:
                bitmap.append(repeating: true, count: 0)
                bitmap.append(repeating: false, count: 0)
            }
            #expect(bitmap.words.count == (bitmap.count + 63) / 64)
        }
        #expect(bitmap.count == count)
        #expect(bits(of: bitmap) == model)
        #expect(tailIsClear(bitmap))
        #expect(bitmap.validCount == model.filter { $0 }.count)
    }

    @Test("append(repeating: false) after set bits does not resurrect stale bits")
    func appendFalseAfterTrue() {
        var bitmap = Bitmap(count: 70, allValid: true)
        bitmap.append(repeating: false, count: 100)
        #expect(bitmap.count == 170)
        #expect(bitmap.validCount == 70)
        #expect(bits(of: bitmap) == [Bool](repeating: true, count: 70) + [Bool](repeating: false, count: 100))
        bitmap.append(true)
        #expect(bitmap.isValid(170) && bitmap.validCount == 71)
    }

    @Test("equal contents are equal and hash alike, however built")
    func equality() {
        var built = Bitmap(count: 0, allValid: false)
        for i in 0..<100 { built.append(i % 3 != 0) }
        var set = Bitmap(count: 100, allValid: true)
        for i in stride(from: 0, to: 100, by: 3) { set.set(i, valid: false) }
        let sliced = Bitmap(count: 200, allValid: false)
        var wide = sliced
        for i in 0..<100 where i % 3 != 0 { wide.set(i + 37, valid: true) }
        #expect(built == set)
        #expect(wide.slice(37..<137) == set)
        #expect(Set([built, set, wide.slice(37..<137)]).count == 1)
        set.set(1, valid: false)
        #expect(built != set)
    }

    @Test("slicing out of range stops the process")
    func sliceOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            _ = Bitmap(count: 10, allValid: true).slice(5..<11)
        }
    }
}
