import Testing
import SluiceFormats

@Suite("FileFormat")
struct FileFormatTests {
    @Test("tells csv, tsv and jsonl from the file name")
    func formatFromPath() throws {
        #expect(try FileFormat(path: "data/orders.csv") == .csv)
        #expect(try FileFormat(path: "ORDERS.CSV") == .csv)
        #expect(try FileFormat(path: "x.tsv") == .csv(.tsv))
        #expect(try FileFormat(path: "events.jsonl") == .jsonLines)
        #expect(try FileFormat(path: "events.ndjson") == .jsonLines)
    }

    @Test("a .json file is refused with a hint about JSON Lines")
    func jsonIsRefused() {
        #expect {
            _ = try FileFormat(path: "events.json")
        } throws: { error in
            guard let error = error as? FormatError else { return false }
            return error.code == .unknownFormat
                && error.description == """
                events.json: error: cannot tell the format of "events.json" from its name
                  hint: Sluice reads JSON Lines (one object per line): name the file .jsonl, or pass --input-format jsonl if it is JSON Lines
                """
        }
    }
}
