import Foundation
import Testing
@testable import SluiceFormats
import SluiceCore
import SluiceTestSupport

/// One CSV field as a strict RFC 4180 reader sees it.
private struct Field: Equatable {
    var text: String
    var isQuoted: Bool
}

/// A deliberately simple RFC 4180 splitter (LF or CRLF records, `""` escapes), so
/// the generator is checked by something that shares no code with it.
private func parseCSV(_ bytes: [UInt8]) throws -> [[Field]] {
    struct Malformed: Error { var offset: Int }
    var records: [[Field]] = []
    var record: [Field] = []
    var field: [UInt8] = []
    var quoted = false
    var index = 0
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
    func finishField() {
        record.append(Field(text: String(decoding: field, as: UTF8.self), isQuoted: quoted))
        field.removeAll(keepingCapacity: true)
        quoted = false
    }
    while index < bytes.count {
        let byte = bytes[index]
        if byte == quote {
            guard field.isEmpty && !quoted else { throw Malformed(offset: index) }
            quoted = true
            index += 1
            while true {
                guard index < bytes.count else { throw Malformed(offset: index) }
                if bytes[index] == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                field.append(bytes[index])
                index += 1
            }
            guard index == bytes.count || bytes[index] == comma || bytes[index] == newline else {
                throw Malformed(offset: index)
            }
            continue
        }
        if byte == comma {
            finishField()
        } else if byte == newline {
            finishField()
            records.append(record)
            record.removeAll()
        } else {
            guard !quoted else { throw Malformed(offset: index) }
            field.append(byte)
        }
        index += 1
    }
    if !field.isEmpty || !record.isEmpty {
        finishField()
        records.append(record)
    }
    return records
}

private func contents(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Parses `123.45` / `-0.07` into cents; `nil` for anything else.
private func cents(_ text: String) -> Int? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 2, let whole = Int(parts[0]), let fraction = Int(parts[1]),
          !parts[0].isEmpty, parts[1].allSatisfy(\.isNumber) else { return nil }
    return text.hasPrefix("-") ? whole * 100 - fraction : whole * 100 + fraction
}

private func isTimestamp(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 19 else { return false }
    for (index, byte) in bytes.enumerated() {
        switch index {
        case 4, 7: if byte != UInt8(ascii: "-") { return false }
        case 10: if byte != UInt8(ascii: " ") { return false }
        case 13, 16: if byte != UInt8(ascii: ":") { return false }
        default: if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return false }
        }
    }
    return text >= "2023-01-01 00:00:00" && text <= "2024-12-31 23:59:59"
}

@Suite("UsersOrdersGenerator")
struct GenerateTests {
    @Test("the same seed gives byte-identical files, another seed other files")
    func determinism() throws {
        let first = try TemporaryDirectory("generate").path, second = try TemporaryDirectory("generate").path, other = try TemporaryDirectory("generate").path
        _ = try UsersOrdersGenerator(users: 3_000, seed: 7).write(to: first)
        _ = try UsersOrdersGenerator(users: 3_000, seed: 7).write(to: second)
        _ = try UsersOrdersGenerator(users: 3_000, seed: 8).write(to: other)
        for name in ["users.csv", "orders.csv"] {
            let a = try contents(first + "/" + name)
            #expect(a == (try contents(second + "/" + name)), "\(name) differs between runs with one seed")
            #expect(a != (try contents(other + "/" + name)), "\(name) is the same for seeds 7 and 8")
        }
    }

    @Test("headers, row counts and the summary agree with the files", arguments: [0, 1, 63, 64, 65, 1_000])
    func rowCounts(users: Int) throws {
        let directory = try TemporaryDirectory("generate").path
        let summary = try UsersOrdersGenerator(users: users, seed: 1).write(to: directory + "/nested/out")
        let usersBytes = try contents(directory + "/nested/out/users.csv")
        let ordersBytes = try contents(directory + "/nested/out/orders.csv")
        #expect(usersBytes.starts(with: Array("id,email,name,created_at\n".utf8)))
        #expect(ordersBytes.starts(with: Array("id,user_id,total,created_at\n".utf8)))
        #expect(try parseCSV(usersBytes).count == users + 1)
        #expect(try parseCSV(ordersBytes).count == summary.orders.rows + 1)
        #expect(summary.users.rows == users)
        #expect(summary.users.bytes == usersBytes.count)
        #expect(summary.orders.bytes == ordersBytes.count)
        #expect(summary.users.path == directory + "/nested/out/users.csv")
    }

    @Test("rejects out-of-range options")
    func invalidOptions() throws {
        let directory = try TemporaryDirectory("generate").path
        #expect(throws: FormatError.self) { try UsersOrdersGenerator(users: -1, seed: 1).write(to: directory) }
        #expect(throws: FormatError.self) {
            try UsersOrdersGenerator(users: 10, seed: 1, ordersPerUser: 9).write(to: directory)
        }
    }

    @Test("20k users: valid CSV with the intended dirt in the intended proportions")
    func proportions() throws {
        let directory = try TemporaryDirectory("generate").path
        let userCount = 20_000
        let summary = try UsersOrdersGenerator(users: userCount, seed: 42).write(to: directory)
        let usersBytes = try contents(directory + "/users.csv")
        let ordersBytes = try contents(directory + "/orders.csv")
        #expect(String(validating: usersBytes, as: UTF8.self) != nil, "users.csv is not UTF-8")
        #expect(!usersBytes.contains(UInt8(ascii: "\r")) && !ordersBytes.contains(UInt8(ascii: "\r")))
        #expect(usersBytes.last == UInt8(ascii: "\n") && ordersBytes.last == UInt8(ascii: "\n"))

        let users = try parseCSV(usersBytes).dropFirst()
        #expect(users.count == userCount)
        var ids = Set<Int>(), createdByID: [Int: String] = [:]
        var nullEmails = 0, tabPadded = 0, spacePadded = 0, mixedCase = 0
        var commaNames = 0, quoteNames = 0, newlineNames = 0, nonASCII = 0, duplicates = 0
        for row in users {
            try #require(row.count == 4, "user row with \(row.count) fields: \(row)")
            let id = try #require(Int(row[0].text))
            if !ids.insert(id).inserted { duplicates += 1 }
            createdByID[id] = min(createdByID[id] ?? row[3].text, row[3].text)
            let email = row[1]
            if email.text.isEmpty {
                #expect(!email.isQuoted, "a null email is an empty unquoted field")
                nullEmails += 1
            } else {
                let trimmed = email.text.trimmingCharacters(in: .whitespaces)
                if email.text.contains("\t") { tabPadded += 1 } else if trimmed != email.text { spacePadded += 1 }
                #expect(trimmed.contains("@") && !trimmed.contains(" ") && !trimmed.contains("\t"))
                if trimmed != trimmed.lowercased() { mixedCase += 1 }
            }
            let name = row[2]
            if name.text.contains(",") { commaNames += 1 }
            if name.text.contains("\"") { quoteNames += 1 }
            if name.text.contains("\n") { newlineNames += 1 }
            if name.text.utf8.contains(where: { $0 >= 0x80 }) { nonASCII += 1 }
            #expect(name.isQuoted == (name.text.contains(",") || name.text.contains("\"") || name.text.contains("\n")),
                    "quotes only where RFC 4180 needs them: \(name)")
            #expect(isTimestamp(row[3].text), "bad created_at \(row[3].text)")
        }
        let n = Double(userCount)
        func expectRate(_ count: Int, _ low: Double, _ high: Double, _ what: String) {
            #expect(Double(count) >= low * n && Double(count) <= high * n,
                    "\(what): \(count) of \(userCount) is outside \(low)...\(high)")
        }
        expectRate(nullEmails, 0.003, 0.008, "null emails")
        expectRate(tabPadded, 0.006, 0.015, "tab-padded emails")
        expectRate(spacePadded, 0.012, 0.03, "space-padded emails")
        expectRate(mixedCase, 0.07, 0.16, "mixed-case emails")
        expectRate(commaNames, 0.02, 0.045, "Last, First names")
        expectRate(quoteNames, 0.003, 0.008, "names with quotes")
        expectRate(newlineNames, 0.0001, 0.0012, "names with newlines")
        expectRate(nonASCII, 0.1, 0.6, "non-ASCII names")
        expectRate(duplicates, 0.0001, 0.0012, "duplicate ids")
        let anomalies = summary.anomalies
        #expect(nullEmails == anomalies.nullEmails)
        #expect(tabPadded == anomalies.tabPaddedEmails)
        #expect(spacePadded == anomalies.spacePaddedEmails)
        #expect(commaNames == anomalies.commaNames)
        #expect(quoteNames == anomalies.quotedNames)
        #expect(newlineNames == anomalies.multilineNames)
        #expect(duplicates == anomalies.duplicateUserIDs)

        let orders = try parseCSV(ordersBytes).dropFirst()
        #expect(orders.count == summary.orders.rows)
        let mean = Double(orders.count) / n
        #expect(mean > 2.8 && mean < 3.2, "orders per user \(mean)")
        var orphans = 0, negatives = 0, zero = 0, hundred = 0, thousand = 0, large = 0, small = 0
        var perUser: [Int: (count: Int, cents: Int)] = [:]
        for (index, row) in orders.enumerated() {
            try #require(row.count == 4, "order row with \(row.count) fields: \(row)")
            #expect(row.allSatisfy { !$0.isQuoted })
            #expect(Int(row[0].text) == index + 1, "orders.id runs 1...M")
            let userID = try #require(Int(row[1].text))
            let total = try #require(cents(row[2].text), "bad total \(row[2].text)")
            #expect(isTimestamp(row[3].text), "bad created_at \(row[3].text)")
            if let created = createdByID[userID] {
                #expect(row[3].text >= created, "order \(index + 1) before its user")
                perUser[userID, default: (0, 0)].count += 1
                perUser[userID, default: (0, 0)].cents += total
            } else {
                orphans += 1
            }
            switch total {
            case ..<0: negatives += 1
            case 0: zero += 1
            case 10_000: hundred += 1
            case 100_000: thousand += 1
            default: break
            }
            if total > 100_000 { large += 1 }
            if total < 2_000 { small += 1 }
        }
        let m = Double(orders.count)
        #expect(Double(orphans) >= 0.001 * m && Double(orphans) <= 0.004 * m, "orphan orders \(orphans)")
        #expect(Double(negatives) >= 0.0005 * m && Double(negatives) <= 0.002 * m, "negative totals \(negatives)")
        #expect(orphans == anomalies.orphanOrders)
        #expect(negatives == anomalies.negativeTotals)
        #expect(zero >= 1 && hundred >= 1 && thousand >= 1, "bucket edges 0.00 \(zero), 100.00 \(hundred), 1000.00 \(thousand)")
        #expect(Double(small) > 0.4 * m && Double(large) > 0.05 * m && Double(large) < 0.3 * m,
                "skew: \(small) under 20.00, \(large) over 1000.00")
        let exactSums = perUser.values.filter { $0.count >= 2 && ($0.cents == 10_000 || $0.cents == 100_000) }
        #expect(exactSums.count >= anomalies.exactSumUsers / 2 && !exactSums.isEmpty,
                "users whose orders sum exactly to 100.00 or 1000.00: \(exactSums.count)")
    }

    @Test("SplitMix64 matches the reference sequence and bounds its draws")
    func splitMix() {
        var random = SplitMix64(seed: 0)
        // First outputs of the reference implementation for seed 0.
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        for bound in [1, 2, 3, 7, 1_000_000] {
            for _ in 0..<1_000 { #expect((0..<bound).contains(random.next(below: bound))) }
        }
        for _ in 0..<1_000 { #expect((0..<1).contains(random.nextUnit())) }
    }
}
