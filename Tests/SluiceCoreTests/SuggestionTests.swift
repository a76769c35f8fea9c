import Testing
@testable import SluiceCore

/// Levenshtein distance by plain recursion with memoisation (the textbook definition).
private func naiveDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    var memo: [Int: Int] = [:]
    func go(_ i: Int, _ j: Int) -> Int {
        if i == 0 { return j }
        if j == 0 { return i }
        if let known = memo[i * 1000 + j] { return known }
        let result = Swift.min(go(i - 1, j) + 1, go(i, j - 1) + 1, go(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1))
        memo[i * 1000 + j] = result
        return result
    }
    return go(a.count, b.count)
}

@Suite("editDistance and suggestion")
struct SuggestionTests {
    @Test("known distances")
    func known() {
        #expect(editDistance("", "") == 0)
        #expect(editDistance("abc", "") == 3)
        #expect(editDistance("", "abcd") == 4)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("flaw", "lawn") == 2)
        #expect(editDistance("emial", "email") == 2)
        #expect(editDistance("same", "same") == 0)
        #expect(editDistance("é", "e") == 1)
        #expect(editDistance("日本語", "日本") == 1)
    }

    @Test("distance matches the recursive definition and is symmetric on random strings")
    func random() {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("abcé日".unicodeScalars)
        for _ in 0..<500 {
            let a = (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let b = (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let sa = String(String.UnicodeScalarView(a)), sb = String(String.UnicodeScalarView(b))
            let d = editDistance(sa, sb)
            if d != naiveDistance(a, b) || d != editDistance(sb, sa) { Issue.record("\(sa) vs \(sb): \(d)"); return }
        }
    }

    @Test("suggests plausible typos only")
    func suggestions() {
        #expect(suggestion(for: "emial", among: ["id", "email"]) == "email")
        #expect(suggestion(for: "EMAIL", among: ["id", "email"]) == "email")
        #expect(suggestion(for: "nmae", among: ["id", "name", "email"]) == "name")
        #expect(suggestion(for: "customer_idd", among: ["customer_id", "order_id"]) == "customer_id")
        #expect(suggestion(for: "zzzzzz", among: ["id", "email"]) == nil)
        #expect(suggestion(for: "x", among: []) == nil)
        // Ties go to the first candidate.
        #expect(suggestion(for: "ab", among: ["ax", "xb"]) == "ax")
        // The limit grows with the word: a third of its length, at least 2.
        #expect(suggestion(for: "abcdefghi", among: ["abcdefXYZ"]) == "abcdefXYZ")
        #expect(suggestion(for: "abcdefghi", among: ["abcdeWXYZ"]) == nil)
    }
}
