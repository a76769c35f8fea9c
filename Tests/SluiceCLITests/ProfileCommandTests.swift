import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice profile and suggest")
struct ProfileCommandTests {
    @Test("profile prints every column; --format json parses; suggest writes a suite that check passes")
    func profileAndSuggest() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let generate = try CLI.run(["generate", "users-orders", "--users", "2000", "--seed", "7", "--output", "data"], in: dir)
        #expect(generate.status == 0)
        let text = try CLI.run(["profile", "data/orders.csv"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        for column in ["id  int64", "user_id  int64", "total  float64", "created_at  timestamp"] {
            #expect(text.stdout.contains("\n\(column)\n"), "missing \(column)")
        }
        #expect(text.stdout.contains("exact"))
        let json = try CLI.run(["profile", "data/users.csv", "--format", "json"], in: dir)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect((object["columns"] as! [[String: Any]]).map { $0["name"] as! String } == ["id", "email", "name", "created_at"])
        #expect(try CLI.run(["profile", "data/users.csv", "--format", "jsn"], in: dir).status == 2)
        let html = try CLI.run(["profile", "data/orders.csv", "--format", "html"], in: dir)
        #expect(html.status == 0)
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(html.stdout.components(separatedBy: "<svg").count - 1 == 4)   // id, user_id, total, created_at

        let suggest = try CLI.run(["suggest", "data/orders.csv"], in: dir)
        #expect(suggest.status == 0)
        #expect(suggest.stdout.contains("- unique: \"id\""))
        try suggest.stdout.write(to: dir.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", "data/orders.csv", "--suite", "checks.yaml"], in: dir)
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("Failed: 0"))
    }
}
