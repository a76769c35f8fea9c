import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

/// `.sluice` strings are validated on read, not only checksummed (issue 13 §7).
@Suite("SluiceTableReader UTF-8")
struct SluiceUTF8Tests {
    /// A string column whose rows hold exactly `rows` (raw bytes, not validated on the way in).
    static func column(_ rows: [[UInt8]]) -> Column {
        var builder = ColumnBuilder(type: .string)
        for row in rows { row.withUnsafeBytes { builder.append(utf8: $0) } }
        return builder.finish()
    }

    static func roundTrip(_ rows: [[UInt8]]) throws -> Table {
        let dir = try temporaryDirectory("utf8")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.sluice").path
        try TableFile.write(try Table([("s", column(rows))]), to: path)
        return try TableFile.read(path: path).0
    }

    @Test("invalid UTF-8 with valid checksums is rejected, naming column and row")
    func invalidBytes() throws {
        do {
            _ = try Self.roundTrip([Array("ok".utf8), [0x41, 0xFF, 0x42], Array("é".utf8)])
            Issue.record("expected an error")
        } catch let error as FormatError {
            #expect(error.code == .corruptFile)
            #expect(error.description.contains("\"s\"[1]") && error.description.contains("not UTF-8"), "\(error)")
        }
    }

    @Test("a character split across two strings is rejected although the bytes together are valid")
    func splitCharacter() throws {
        let e = Array("é".utf8)   // C3 A9
        #expect(throws: FormatError.self) { _ = try Self.roundTrip([[0x61, e[0]], [e[1], 0x62]]) }
    }

    @Test("valid text of every width reads back")
    func validText() throws {
        let rows = ["", "ascii", "é", "€uro", "𝄞 clef", String(repeating: "ß", count: 100)].map { Array($0.utf8) }
        let table = try Self.roundTrip(rows)
        #expect(table.rowCount == rows.count)
    }
}
