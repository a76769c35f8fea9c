import Testing
import SluiceCore
@testable import SluiceTransform

extension YAMLStepTests {
    @Test("numbers, flags and values in steps follow the spec layer's one YAML grammar")
    func scalars() throws {
        // Edges: YAML numbers, `.inf` and `-.inf`; flags: true/false (also yes/no, on/off).
        let bucket = try Transform(yaml: "- bucket: { column: x, edges: [-.inf, 0, 1e3, .inf], right: no, include_lowest: yes }\n")
        guard case .bucket(let spec) = bucket.steps[0] else { Issue.record("not a bucket: \(bucket.steps)"); return }
        #expect(spec.edges == [-.infinity, 0, 1000, .infinity])
        #expect(spec.right == false && spec.includeLowest == true)
        // fill_null: 0 is an int, 0.5 a float, true a bool, quoted or other text is text.
        let fill = try Transform(yaml: "- fill_null: { a: 0, b: 0.5, c: true, d: \"0\", e: unknown }\n")
        guard case .fillNull(let pairs) = fill.steps[0] else { Issue.record("not fill_null"); return }
        #expect(pairs.map(\.1) == [.int64(0), .float64(0.5), .bool(true), .string("0"), .string("unknown")])
        guard case .limit(let n) = try Transform(yaml: "- limit: 25\n").steps[0] else { Issue.record("not a limit"); return }
        #expect(n == 25)
    }

    @Test("a wrong number or flag in a step is located and says what was found")
    func scalarErrors() throws {
        let limit = #expect(throws: TransformError.self) { try Transform(yaml: "- limit: -3\n", file: "s.yaml") }
        #expect(limit?.description == "s.yaml:1:10: error: limit must be 0 or more, found -3")
        let edge = #expect(throws: TransformError.self) { try Transform(yaml: "- bucket: { column: x, edges: [0, ten] }\n", file: "s.yaml") }
        #expect(edge?.description == "s.yaml:1:35: error: an edge must be a number, found the text \"ten\"")
        let nan = #expect(throws: TransformError.self) { try Transform(yaml: "- bucket: { column: x, edges: [0, .nan] }\n", file: "s.yaml") }
        #expect(nan?.description.hasPrefix("s.yaml:1:35: error: an edge must be a number or ±.inf, found .nan") == true)
        let flag = #expect(throws: TransformError.self) { try Transform(yaml: "- bucket: { column: x, edges: [0, 1], right: maybe }\n", file: "s.yaml") }
        #expect(flag?.description == "s.yaml:1:46: error: right must be true or false, found the text \"maybe\"")
    }
}
