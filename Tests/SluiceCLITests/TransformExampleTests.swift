import Foundation
import SluiceCore
import SluiceFormats
import Testing
import SluiceTestSupport

@Suite("sluice transform")
struct TransformCommandTests {
    /// examples/transform/steps.yaml, found from this file's location.
    static let exampleSteps = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/transform/steps.yaml").standardizedFileURL

    @Test("examples/transform reproduces the seed's extract + transform, checked row by row against a naive model")
    func example() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let generated = try CLI.run(["generate", "users-orders", "--users", "3000", "--seed", "11", "--output", dir.path])
        #expect(generated.status == 0)
        try FileManager.default.copyItem(at: Self.exampleSteps, to: dir.appendingPathComponent("steps.yaml"))
        let run = try CLI.run(["transform", "users.csv", "out.csv", "--steps", "steps.yaml"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")

        let users = try TableFile.read(path: dir.appendingPathComponent("users.csv").path).0
        let orders = try TableFile.read(path: dir.appendingPathComponent("orders.csv").path).0
        let out = try TableFile.read(path: dir.appendingPathComponent("out.csv").path).0
        #expect(out.schema.names == ["id", "email", "name", "created_at", "order_count", "total_spent", "customer_segment"])

        // Naive model: SQL LEFT JOIN + GROUP BY (id, email, name, created_at), money in integer cents.
        var ordersByUser: [Int64: [(Value, Double)]] = [:]
        for i in 0..<orders.rowCount {
            guard case .int64(let user) = orders.columns[1].unsafeValue(at: i) else { continue }
            let total: Double
            switch orders.columns[2].unsafeValue(at: i) { case .float64(let v): total = v; case .int64(let v): total = Double(v); default: continue }
            ordersByUser[user, default: []].append((orders.columns[0].unsafeValue(at: i), total))
        }
        var order: [[Value]] = []
        var groups: [[Value]: (count: Int64, cents: Int64?)] = [:]
        for i in 0..<users.rowCount {
            let key = Array(users.row(i)[0..<4])
            if groups[key] == nil { order.append(key); groups[key] = (0, nil) }
            guard case .int64(let id) = key[0] else { continue }
            for (orderID, total) in ordersByUser[id] ?? [] {
                if !orderID.isNull { groups[key]!.count += 1 }
                groups[key]!.cents = (groups[key]!.cents ?? 0) + Int64((total * 100).rounded())
            }
        }
        #expect(out.rowCount == order.count)
        var bronzeAtEdge = 0
        for (row, key) in order.enumerated() where row < out.rowCount {
            let got = out.row(row)
            let expectedEmail: Value = key[1].isNull ? .null : .string(key[1].description.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\t"))).lowercased())
            let (count, cents) = groups[key]!
            let segment: Value
            switch cents {
            case nil: segment = .null
            case let c? where c <= 0: segment = .null
            case let c? where c <= 10_000: segment = .string("Bronze"); if c == 10_000 { bronzeAtEdge += 1 }
            case let c? where c <= 100_000: segment = .string("Silver")
            default: segment = .string("Gold")
            }
            let expected: [Value] = [key[0], expectedEmail, key[2], key[3], .int64(count), cents.map { .float64(Double($0) / 100) } ?? .null, segment]
            if got != expected {
                Issue.record("row \(row): got \(got), expected \(expected)")
                break
            }
        }
        #expect(bronzeAtEdge > 0, "the generated data should contain users whose orders sum to exactly 100.00")
    }

    @Test("one-off --step, exit codes and messages")
    func oneOff() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,total\n1,5\n2,-3\n3,\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let ok = try CLI.run(["transform", "in.csv", "-", "--step", "filter: total >= 0", "--step", "derive: { double: total * 2 }"], in: dir)
        #expect(ok.status == 0)
        #expect(ok.stdout == "id,total,double\n1,5,10\n")
        let typo = try CLI.run(["transform", "in.csv", "-", "--step", "filter: totl >= 0"], in: dir)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean `total`?"))
        #expect(typo.stderr.contains("  totl >= 0\n  ^"))
        let unknown = try CLI.run(["transform", "in.csv", "-", "--step", "sortt: [id]"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'sort'?"))
        let overflow = try CLI.run(["transform", "in.csv", "-", "--step", "derive: { x: total * 9223372036854775807 }"], in: dir)
        #expect(overflow.status == 1)
        #expect(overflow.stderr.contains("int64 overflow at row 0"))
        let none = try CLI.run(["transform", "in.csv", "-"], in: dir)
        #expect(none.status == 2)
    }
}
