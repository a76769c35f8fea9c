import Foundation
import Testing
import SluiceTestSupport

@Suite("Reading and writing options of check, profile, suggest, convert")
struct ReadingOptionsTests {
    /// Semicolon-separated, `NA` for null, one row with a field too many.
    static let data = "id;total;status\n1;2.5;paid\n2;NA;open\n3;4.0;paid;extra\n4;1.5;open\n"

    func withData<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.data.write(to: dir.appendingPathComponent("orders.txt"), atomically: true, encoding: .utf8)
        return try body(dir)
    }

    @Test("check, profile and suggest read with --delimiter, --null and --bad-rows")
    func readingOptions() throws {
        try withData { dir in
            let reading = ["--input-format", "csv", "--delimiter", ";", "--null", "NA", "--bad-rows", "skip"]
            try "checks:\n  - row_count: { min: 3, max: 3 }\n  - not_null: status\n    threshold: 0\n  - range: { column: total, min: 0, max: 10 }\n"
                .write(to: dir.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
            let check = try CLI.run(["check", "orders.txt", "--suite", "checks.yaml", "--format", "json"] + reading, in: dir)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stderr.contains("skipped 1 unreadable row"), "\(check.stderr)")
            let without = try CLI.run(["check", "orders.txt", "--suite", "checks.yaml", "--input-format", "csv"], in: dir)
            #expect(without.status != 0)   // one column "id;total;status", and the extra field fails the read

            let profile = try CLI.run(["profile", "orders.txt", "--format", "json"] + reading, in: dir)
            #expect(profile.status == 0, "\(profile.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(profile.stdout.utf8)) as! [String: Any]
            let columns = object["columns"] as! [[String: Any]]
            #expect(columns.map { $0["name"] as! String } == ["id", "total", "status"])
            #expect(columns[1]["type"] as? String == "float64")
            #expect(columns[1]["nulls"] as? Int == 1)   // NA

            let suggest = try CLI.run(["suggest", "orders.txt"] + reading, in: dir)
            #expect(suggest.status == 0, "\(suggest.stderr)")
            #expect(suggest.stdout.contains("\"total\": float64"))
            #expect(suggest.stdout.contains("- not_null: \"status\""))
        }
    }

    @Test("suggest writes the dataset relative to where the suite is saved; check works from anywhere")
    func suggestRelativePaths() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("suites/quality"), withIntermediateDirectories: true)
        try "id,total\n1,2.5\n2,3.5\n3,1.0\n".write(to: dir.appendingPathComponent("data/orders.csv"), atomically: true, encoding: .utf8)
        let suggest = try CLI.run(["suggest", "data/orders.csv", "--output", "suites/quality/checks.yaml"], in: dir)
        #expect(suggest.status == 0, "\(suggest.stderr)")
        let suite = try String(contentsOf: dir.appendingPathComponent("suites/quality/checks.yaml"), encoding: .utf8)
        #expect(suite.contains("dataset: \"../../data/orders.csv\""), "\(suite)")
        // From the suite's directory, from another directory, and by absolute path.
        let here = try CLI.run(["check", "--suite", "checks.yaml"], in: dir.appendingPathComponent("suites/quality"))
        #expect(here.status == 0, "\(here.stdout)\(here.stderr)")
        let there = try CLI.run(["check", "--suite", "../suites/quality/checks.yaml"], in: dir.appendingPathComponent("elsewhere"))
        #expect(there.status == 0, "\(there.stdout)\(there.stderr)")
        #expect(there.stdout.contains("Failed: 0"))
        // On standard output the dataset is absolute: it works wherever the text is saved.
        let printed = try CLI.run(["suggest", "data/orders.csv"], in: dir)
        try printed.stdout.write(to: dir.appendingPathComponent("elsewhere/printed.yaml"), atomically: true, encoding: .utf8)
        let absolute = try CLI.run(["check", "--suite", "printed.yaml"], in: dir.appendingPathComponent("elsewhere"))
        #expect(absolute.status == 0, "\(printed.stdout)\(absolute.stderr)")
    }

    @Test("convert and transform --nan null write NaN and ±infinity as null and say how many")
    func nanNull() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "x\n1.5\n1e309\n-1e309\n2\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let lossless = try CLI.run(["convert", "in.csv", "strings.jsonl"], in: dir)
        #expect(lossless.status == 0, "\(lossless.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("strings.jsonl"), encoding: .utf8) == "{\"x\":1.5}\n{\"x\":\"Infinity\"}\n{\"x\":\"-Infinity\"}\n{\"x\":2.0}\n")
        #expect(!lossless.stderr.contains("as null"))
        let nulls = try CLI.run(["convert", "in.csv", "nulls.jsonl", "--nan", "null"], in: dir)
        #expect(nulls.status == 0, "\(nulls.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("nulls.jsonl"), encoding: .utf8) == "{\"x\":1.5}\n{\"x\":null}\n{\"x\":null}\n{\"x\":2.0}\n")
        #expect(nulls.stderr.contains("warning: nulls.jsonl: wrote 2 NaN or infinite values as null (--nan null)"), "\(nulls.stderr)")
        let transform = try CLI.run(["transform", "in.csv", "t.jsonl", "--step", "filter: x > 1.6", "--nan", "null"], in: dir)
        #expect(transform.status == 0, "\(transform.stderr)")
        #expect(transform.stderr.contains("wrote 1 NaN or infinite value as null"), "\(transform.stderr)")
        let csv = try CLI.run(["convert", "in.csv", "out.csv", "--nan", "null"], in: dir)
        #expect(csv.status == 2)
        #expect(csv.stderr.hasPrefix("error: --nan null applies to JSON Lines output, not csv"))
    }
}
