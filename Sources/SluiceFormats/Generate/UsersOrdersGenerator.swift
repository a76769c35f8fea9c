#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Writes a reproducible, realistic and deliberately dirty `users.csv` and
/// `orders.csv` — the inputs of the user-analytics ETL — for tests, demos and
/// benchmarks.
///
/// The same options always give byte-identical files; another seed gives other
/// files. The data is valid RFC 4180 CSV (LF line ends, quotes only where needed)
/// but carries the problems a pipeline has to survive:
///
/// | file | column | dirt |
/// |---|---|---|
/// | users | `id` | ~0.05% rows reuse an earlier id with other fields |
/// | users | `email` | ~0.5% null (empty field); mixed case; ~2% padded with spaces, ~1% with tabs |
/// | users | `name` | `Last, First` (quoted), `Robert "Bob" Smith` (doubled quotes), ~0.05% with a newline; non-ASCII names |
/// | orders | `user_id` | ~0.2% name no user |
/// | orders | `total` | skewed; ~0.1% negative; exact `0.00`, `100.00`, `1000.00`; some users' orders sum exactly to 100.00 or 1000.00 |
///
/// Headers: `id,email,name,created_at` and `id,user_id,total,created_at`.
/// Timestamps are `YYYY-MM-DD HH:MM:SS` from 2023-01-01 to 2024-12-31; users are
/// in `created_at` order and each order is no earlier than its user.
///
/// ```swift
/// let summary = try UsersOrdersGenerator(users: 100_000, seed: 42).write(to: "data")
/// print(summary.orders.rows)   // about 300,000
/// ```
public struct UsersOrdersGenerator: Sendable, Equatable {
    /// Rows in `users.csv` (duplicate-id rows included).
    public var users: Int
    /// Fixes every random choice.
    public var seed: UInt64
    /// Mean orders per user row; counts vary from 0 to ``maximumOrdersPerUser``.
    public var ordersPerUser: Double

    /// The most orders one user row gets.
    public static let maximumOrdersPerUser = 8

    /// A generator for `users` user rows.
    ///
    /// - Parameters:
    ///   - users: rows in `users.csv`, 0 or more.
    ///   - seed: the seed of every random choice.
    ///   - ordersPerUser: mean orders per user, 0...8.
    public init(users: Int, seed: UInt64, ordersPerUser: Double = 3) {
        self.users = users
        self.seed = seed
        self.ordersPerUser = ordersPerUser
    }

    /// One file written.
    public struct FileSummary: Sendable, Equatable {
        public var path: String
        /// Data rows, header excluded.
        public var rows: Int
        public var bytes: Int
    }

    /// How many of each deliberate problem went in, so tests and demos can compare.
    public struct Anomalies: Sendable, Equatable {
        public var nullEmails = 0
        public var spacePaddedEmails = 0
        public var tabPaddedEmails = 0
        public var mixedCaseEmails = 0
        /// Names written `Last, First`.
        public var commaNames = 0
        /// Names with a quoted nickname: `Robert "Bob" Smith`.
        public var quotedNames = 0
        /// Names with an embedded line feed.
        public var multilineNames = 0
        public var nonASCIINames = 0
        /// User rows that reuse an earlier row's id.
        public var duplicateUserIDs = 0
        /// Orders whose `user_id` names no user.
        public var orphanOrders = 0
        public var negativeTotals = 0
        /// Orders of exactly 0.00, 100.00 and 1000.00.
        public var zeroTotals = 0
        public var hundredTotals = 0
        public var thousandTotals = 0
        /// User rows (with two or more orders) whose order totals add up exactly to 100.00 or 1000.00.
        public var exactSumUsers = 0
    }

    /// What ``write(to:)`` wrote.
    public struct Summary: Sendable, Equatable {
        public var users: FileSummary
        public var orders: FileSummary
        public var anomalies: Anomalies
    }

    // Rates, per million draws.
    static let duplicateIDRate: UInt64 = 500
    static let nullEmailRate: UInt64 = 5_000
    static let tabPaddedRate: UInt64 = 10_000
    static let spacePaddedRate: UInt64 = 20_000
    static let capitalizedRate: UInt64 = 100_000
    static let upperCaseRate: UInt64 = 10_000
    static let multilineNameRate: UInt64 = 500
    static let quotedNameRate: UInt64 = 5_000
    static let commaNameRate: UInt64 = 30_000
    static let chineseNameRate: UInt64 = 50_000
    static let exactSumUserRate: UInt64 = 5_000
    static let orphanOrderRate: UInt64 = 2_000
    static let negativeTotalRate: UInt64 = 1_000
    static let edgeTotalRate: UInt64 = 500   // each of 0.00, 100.00 and 1000.00

    /// Writes `users.csv` and `orders.csv` into `directory`, creating it if needed.
    /// Each file appears whole or not at all.
    ///
    /// - Parameter directory: the output directory.
    /// - Returns: paths, row and byte counts, and the problems put in.
    /// - Throws: ``FormatError`` `.invalidOption` for out-of-range options,
    ///   `.io` when the directory or files cannot be written.
    public func write(to directory: String) throws -> Summary {
        guard users >= 0 else {
            throw FormatError(.invalidOption, file: "<generate>", message: "users must be 0 or more, found \(users)")
        }
        guard ordersPerUser >= 0, ordersPerUser <= Double(Self.maximumOrdersPerUser) else {
            throw FormatError(.invalidOption, file: "<generate>",
                              message: "orders per user must be between 0 and \(Self.maximumOrdersPerUser), found \(ordersPerUser)")
        }
        try Self.makeDirectories(directory)
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let usersFile = try OutputFile(path: base + "users.csv")
        let ordersFile = try OutputFile(path: base + "orders.csv")
        var run = Run(generator: self)
        try run.generate(usersFile: usersFile, ordersFile: ordersFile)
        try usersFile.commit()
        try ordersFile.commit()
        return Summary(
            users: FileSummary(path: usersFile.path, rows: users, bytes: usersFile.bytesWritten),
            orders: FileSummary(path: ordersFile.path, rows: run.orderRows, bytes: ordersFile.bytesWritten),
            anomalies: run.anomalies)
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw FormatError(.io, file: path, message: "cannot create directory: \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FormatError(.io, file: path, message: "not a directory", hint: "choose another --out")
        }
    }
}

extension UsersOrdersGenerator {
    /// The state of one generation: the random stream, counters and lookup tables.
    struct Run {
        let generator: UsersOrdersGenerator
        var random: SplitMix64
        var anomalies = Anomalies()
        var orderRows = 0
        let vocabulary = PeopleVocabulary.shared
        /// `YYYY-MM-DD` of each day from 2023-01-01, 10 bytes apiece.
        let dates: [UInt8]
        /// Cumulative thresholds of the binomial count of orders per user.
        let orderCountThresholds: [UInt64]
        /// Quantiles of the skewed order total, in cents, at 4096 equal steps.
        let totalQuantiles: [Double]

        static let dayCount = 731          // 2023-01-01 ... 2024-12-31
        static let span = dayCount * 86_400

        init(generator: UsersOrdersGenerator) {
            self.generator = generator
            random = SplitMix64(seed: generator.seed)
            var dates: [UInt8] = []
            let first = CivilCalendar.days(year: 2023, month: 1, day: 1)
            for day in 0..<Self.dayCount {
                let (y, m, d) = CivilCalendar.civil(fromDays: first + day)
                dates += Array(String(y).utf8) + [0x2D, UInt8(m / 10) + 0x30, UInt8(m % 10) + 0x30,
                                                  0x2D, UInt8(d / 10) + 0x30, UInt8(d % 10) + 0x30]
            }
            self.dates = dates
            // Binomial(n, p) with mean `ordersPerUser`.
            let n = UsersOrdersGenerator.maximumOrdersPerUser
            let p = generator.ordersPerUser / Double(n)
            var cumulative = 0.0
            var thresholds: [UInt64] = []
            for k in 0...n {
                var choose = 1.0
                for i in 0..<k { choose = choose * Double(n - i) / Double(i + 1) }
                cumulative += choose * pow(p, Double(k)) * pow(1 - p, Double(n - k))
                thresholds.append(k == n ? .max : SplitMix64.threshold(probability: cumulative))
            }
            orderCountThresholds = thresholds
            // Many small orders, a long tail of large ones: 2.00 ... ~7,900.00.
            totalQuantiles = (0...4096).map { step in
                let u = Double(step) / 4096
                return 100 * pow(10, 0.3 + 3.6 * pow(u, 1.8))
            }
        }

        /// Draws `true` with probability `perMillion / 1,000,000`.
        @inline(__always)
        mutating func perMillion(_ rate: UInt64) -> Bool {
            random.next(below: 1_000_000 as UInt64) < rate
        }

        mutating func generate(usersFile: OutputFile, ordersFile: OutputFile) throws {
            var userText = ByteWriter()
            var orderText = ByteWriter()
            defer {
                userText.deallocate()
                orderText.deallocate()
            }
            userText.put("id,email,name,created_at\n")
            orderText.put("id,user_id,total,created_at\n")
            let userCount = generator.users
            let slot = userCount > 0 ? max(1, Self.span / userCount) : 1
            let orphanBase = userCount + 1
            let orphanRange = max(userCount, 1_000)
            var nextUserID = 1
            var nextOrderID = 1
            var parts: [Int64] = []
            parts.reserveCapacity(UsersOrdersGenerator.maximumOrdersPerUser)

            for row in 0..<userCount {
                try userText.reserve(1_024, drainingTo: usersFile)
                // id: a few rows reuse an earlier id.
                let id: Int
                if nextUserID > 1 && perMillion(UsersOrdersGenerator.duplicateIDRate) {
                    id = 1 + random.next(below: nextUserID - 1)
                    anomalies.duplicateUserIDs += 1
                } else {
                    id = nextUserID
                    nextUserID += 1
                }
                let created = min(Self.span - 1, row * Self.span / userCount + random.next(below: slot))
                userText.putDecimal(id)
                userText.put(UInt8(ascii: ","))
                writeUserFields(id: id, created: created, into: &userText)

                // Orders of this user row.
                try orderText.reserve(UsersOrdersGenerator.maximumOrdersPerUser * 128, drainingTo: ordersFile)
                let draw = random.next()
                var count = 0
                while draw >= orderCountThresholds[count] { count += 1 }
                let exactSum = count >= 2 && perMillion(UsersOrdersGenerator.exactSumUserRate)
                if exactSum {
                    splitExactly(target: random.next(below: 10 as UInt64) < 7 ? 10_000 : 100_000, into: count,
                                 parts: &parts)
                    anomalies.exactSumUsers += 1
                }
                for index in 0..<count {
                    orderText.putDecimal(nextOrderID)
                    nextOrderID += 1
                    orderText.put(UInt8(ascii: ","))
                    if !exactSum && perMillion(UsersOrdersGenerator.orphanOrderRate) {
                        orderText.putDecimal(orphanBase + random.next(below: orphanRange))
                        anomalies.orphanOrders += 1
                    } else {
                        orderText.putDecimal(id)
                    }
                    orderText.put(UInt8(ascii: ","))
                    orderText.putCents(exactSum ? parts[index] : drawTotal())
                    orderText.put(UInt8(ascii: ","))
                    let unit = random.nextUnit()
                    let placed = created + Int(Double(Self.span - 1 - created) * unit * unit)
                    appendTimestamp(placed, to: &orderText)
                    orderText.put(UInt8(ascii: "\n"))
                }
                orderRows += count
            }
            try userText.drain(to: usersFile)
            try orderText.drain(to: ordersFile)
        }

        /// `email,name,created_at\n` of one user row.
        @inline(__always)
        mutating func writeUserFields(id: Int, created: Int, into text: inout ByteWriter) {
            let v = vocabulary
            // Name parts first: the address is made from them.
            let nameDraw = random.next(below: 1_000_000 as UInt64)
            let isChinese = nameDraw >= 1_000_000 - UsersOrdersGenerator.chineseNameRate
            let first = random.next(below: isChinese ? v.chineseGivenNames.count : v.firstNames.count)
            let last = random.next(below: isChinese ? v.chineseFamilyNames.count : v.lastNames.count)

            // email
            if perMillion(UsersOrdersGenerator.nullEmailRate) {
                anomalies.nullEmails += 1
            } else {
                let padDraw = random.next(below: 1_000_000 as UInt64)
                let padding = padDraw < UsersOrdersGenerator.tabPaddedRate ? 2
                    : padDraw < UsersOrdersGenerator.tabPaddedRate + UsersOrdersGenerator.spacePaddedRate ? 1 : 0
                let sides = random.next(below: 3 as UInt64)   // 0 leading, 1 trailing, 2 both
                if padding == 2 {
                    anomalies.tabPaddedEmails += 1
                    if sides != 1 { text.put(random.next() & 1 == 0 ? "\t" : " \t") }
                } else if padding == 1 {
                    anomalies.spacePaddedEmails += 1
                    if sides != 1 { text.put(random.next() & 1 == 0 ? " " : "  ") }
                }
                let start = text.count
                let firstASCII = isChinese ? v.chineseGivenNamesASCII : v.firstNamesASCII
                let lastASCII = isChinese ? v.chineseFamilyNamesASCII : v.lastNamesASCII
                switch random.next(below: 4 as UInt64) {
                case 0:
                    firstASCII.append(first, to: &text)
                    text.put(UInt8(ascii: "_"))
                    lastASCII.append(last, to: &text)
                case 1:
                    lastASCII.append(last, to: &text)
                    text.put(UInt8(ascii: "."))
                    firstASCII.append(first, to: &text)
                default:
                    firstASCII.append(first, to: &text)
                    text.put(UInt8(ascii: "."))
                    lastASCII.append(last, to: &text)
                }
                text.putDecimal(id)
                text.put(UInt8(ascii: "@"))
                v.domains.append(random.next(below: v.domains.count), to: &text)
                let caseDraw = random.next(below: 1_000_000 as UInt64)
                if caseDraw < UsersOrdersGenerator.upperCaseRate {
                    let bytes = text.pending(from: start)
                    for i in bytes.indices where bytes[i] &- 0x61 < 26 { bytes[i] &-= 0x20 }
                    anomalies.mixedCaseEmails += 1
                } else if caseDraw < UsersOrdersGenerator.upperCaseRate + UsersOrdersGenerator.capitalizedRate {
                    let bytes = text.pending(from: start)
                    var atWordStart = true
                    for i in bytes.indices {
                        let byte = bytes[i]
                        if atWordStart && byte &- 0x61 < 26 { bytes[i] = byte &- 0x20 }
                        atWordStart = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "@")
                    }
                    anomalies.mixedCaseEmails += 1
                }
                if padding == 2 && sides != 0 { text.put(random.next() & 1 == 0 ? "\t" : "\t\t") }
                if padding == 1 && sides != 0 { text.put(" ") }
            }
            text.put(UInt8(ascii: ","))

            // name
            if isChinese {
                v.chineseFamilyNames.append(last, to: &text)
                v.chineseGivenNames.append(first, to: &text)
                anomalies.nonASCIINames += 1
            } else {
                if nameDraw < UsersOrdersGenerator.multilineNameRate {
                    text.put(UInt8(ascii: "\""))
                    v.firstNames.append(first, to: &text)
                    text.put(UInt8(ascii: "\n"))
                    v.lastNames.append(last, to: &text)
                    text.put(UInt8(ascii: "\""))
                    anomalies.multilineNames += 1
                } else if nameDraw < UsersOrdersGenerator.multilineNameRate + UsersOrdersGenerator.quotedNameRate {
                    text.put(UInt8(ascii: "\""))
                    v.firstNames.append(first, to: &text)
                    text.put(" \"\"")
                    v.nicknames.append(random.next(below: v.nicknames.count), to: &text)
                    text.put("\"\" ")
                    v.lastNames.append(last, to: &text)
                    text.put(UInt8(ascii: "\""))
                    anomalies.quotedNames += 1
                } else if nameDraw < UsersOrdersGenerator.multilineNameRate + UsersOrdersGenerator.quotedNameRate
                            + UsersOrdersGenerator.commaNameRate {
                    text.put(UInt8(ascii: "\""))
                    v.lastNames.append(last, to: &text)
                    text.put(", ")
                    v.firstNames.append(first, to: &text)
                    text.put(UInt8(ascii: "\""))
                    anomalies.commaNames += 1
                } else {
                    v.firstNames.append(first, to: &text)
                    text.put(UInt8(ascii: " "))
                    v.lastNames.append(last, to: &text)
                }
                if v.isNonASCII(first: first, last: last) { anomalies.nonASCIINames += 1 }
            }
            text.put(UInt8(ascii: ","))
            appendTimestamp(created, to: &text)
            text.put(UInt8(ascii: "\n"))
        }

        /// An order total in cents: skewed, with a few negatives and exact bucket edges.
        @inline(__always)
        mutating func drawTotal() -> Int64 {
            let kind = random.next(below: 1_000_000 as UInt64)
            let edge = UsersOrdersGenerator.edgeTotalRate
            let negative = UsersOrdersGenerator.negativeTotalRate
            if kind < negative {
                anomalies.negativeTotals += 1
                return -1 - Int64(random.next(below: 20_000 as UInt64))
            }
            if kind < negative + 3 * edge {
                switch (kind - negative) / edge {
                case 0: anomalies.zeroTotals += 1; return 0
                case 1: anomalies.hundredTotals += 1; return 10_000
                default: anomalies.thousandTotals += 1; return 100_000
                }
            }
            let bits = random.next()
            let step = Int(bits >> 52)
            let fraction = Double((bits >> 20) & 0xFFFF_FFFF) * 0x1.0p-32
            let low = totalQuantiles[step], high = totalQuantiles[step + 1]
            return Int64(low + (high - low) * fraction)
        }

        /// Fills `parts` with `count` non-negative amounts that add up to `target` cents.
        mutating func splitExactly(target: Int64, into count: Int, parts: inout [Int64]) {
            parts.removeAll(keepingCapacity: true)
            for _ in 0..<(count - 1) {
                parts.append(1 + Int64(random.next(below: UInt64(target - 1))))
            }
            parts.sort()
            var previous: Int64 = 0
            for index in parts.indices {
                let cut = parts[index]
                parts[index] = cut - previous
                previous = cut
            }
            parts.append(target - previous)
        }

        /// `YYYY-MM-DD HH:MM:SS` for seconds since 2023-01-01 00:00:00.
        @inline(__always)
        func appendTimestamp(_ seconds: Int, to text: inout ByteWriter) {
            let day = seconds / 86_400, second = seconds % 86_400
            dates.withUnsafeBufferPointer { all in
                text.put(all.baseAddress! + day * 10, 10)
            }
            text.put(UInt8(ascii: " "))
            text.putTwoDigits(second / 3_600)
            text.put(UInt8(ascii: ":"))
            text.putTwoDigits(second / 60 % 60)
            text.put(UInt8(ascii: ":"))
            text.putTwoDigits(second % 60)
        }
    }
}
