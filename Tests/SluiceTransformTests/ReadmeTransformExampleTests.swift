import SluiceCore
import SluiceFormats
import SluiceTransform
import Testing

/// The transform lines of the README's library example, kept compiling and true.
@Suite("README library example: transforms")
struct ReadmeTransformExampleTests {
    @Test("filter and sort with steps, evaluate one expression")
    func example() throws {
        let orders = try Table([
            ("id", Column(int64: [1, 2, 3])),
            ("total", Column(float64: [50, 250, 120])),
        ])
        let big = try Transform([.filter("total >= 100"), .sort([SortKey("total", descending: true)])]).apply(to: orders)
        let doubled = try BoundExpression("total * 2", schema: orders.schema).evaluate(on: orders)   // one column
        #expect(try big.column("id") == Column(int64: [2, 3]))
        #expect(doubled == Column(float64: [100, 500, 240]))
    }
}
