import Testing
@testable import SluiceCore
import SluiceTestSupport

@Suite("ValidityBuilder")
struct ValidityBuilderTests {
    @Test("no nulls: nothing allocated and finish() is nil", arguments: sizes)
    func allValid(count: Int) {
        var builder = ValidityBuilder()
        for _ in 0..<(count / 2) { builder.appendValid() }
        builder.appendValid(count: count - count / 2)
        #expect(builder.count == count)
        #expect(builder.nullCount == 0)
        #expect(builder.words.isEmpty)
        #expect(builder.finish() == nil)
    }

    @Test("mixed sequences match a [Bool] model", arguments: sizes, [0.0, 0.01, 0.5, 1.0])
    func mixed(count: Int, nullRate: Double) {
        var rng = SplitMix64(seed: UInt64(count) &+ UInt64(nullRate * 1000))
        var builder = ValidityBuilder()
        var model: [Bool] = []
        while model.count < count {
            if rng.chance(0.1) {
                let n = min(Int.random(in: 0...100, using: &rng), count - model.count)
                builder.appendValid(count: n)
                model += [Bool](repeating: true, count: n)
            } else if rng.chance(nullRate) {
                builder.appendNull()
                model.append(false)
            } else {
                builder.appendValid()
                model.append(true)
            }
        }
        #expect(builder.count == count)
        #expect(builder.nullCount == model.filter { !$0 }.count)
        let bitmap = builder.finish()
        if model.allSatisfy({ $0 }) {
            #expect(bitmap == nil)
        } else {
            let bitmap = try! #require(bitmap)
            #expect(bitmap.count == count)
            #expect(bits(of: bitmap) == model)
            #expect(tailIsClear(bitmap))
            #expect(bitmap.nullCount == builder.nullCount)
        }
    }

    @Test("first null after many valid rows keeps the earlier rows valid", arguments: [0, 1, 63, 64, 65, 127, 128, 129, 65_536])
    func firstNullLate(validBefore: Int) throws {
        var builder = ValidityBuilder()
        builder.appendValid(count: validBefore)
        builder.appendNull()
        builder.appendValid()
        let bitmap = try #require(builder.finish())
        #expect(bitmap.count == validBefore + 2)
        #expect(bitmap.nullCount == 1)
        #expect(!bitmap.isValid(validBefore))
        #expect(bitmap.isValid(validBefore + 1))
        #expect(bits(of: bitmap) == [Bool](repeating: true, count: validBefore) + [false, true])
        #expect(tailIsClear(bitmap))
    }

    @Test("removeAll forgets rows and nulls")
    func removeAll() throws {
        var builder = ValidityBuilder()
        builder.appendNull()
        builder.appendValid(count: 70)
        builder.removeAll()
        #expect(builder.count == 0 && builder.nullCount == 0)
        builder.appendValid(count: 5)
        #expect(builder.finish() == nil)
        builder.appendNull()
        let bitmap = try #require(builder.finish())
        #expect(bits(of: bitmap) == [true, true, true, true, true, false])
    }
}
