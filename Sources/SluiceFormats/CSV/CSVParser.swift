import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a field could not be read; positions are offsets in the window.
enum CSVFieldProblem: Error {
    case unterminatedQuote(start: Int)
    case strayQuote(at: Int)
    case typeMismatch(start: Int, end: Int)
    case invalidUTF8(at: Int)
}

/// The CSV engine behind ``CSVReader``: a window of input bytes, refilled from a
/// ``ByteSource``, parsed row by row straight into typed column sinks.
///
/// The window always ends with two sentinel bytes, `\n` then the quote, so the
/// inner loops need no bounds checks: a scan that reaches the sentinel is an
/// incomplete row (refill and parse it again) or, at end of input, the last row.
final class CSVParser {
    let options: CSVReadOptions
    let sourceName: String
    private var source: any ByteSource

    // Window: valid bytes are window[0..<end]; window[end] == '\n', window[end+1] == quote.
    private var window: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var end = 0
    private var pos = 0
    private var atEOF = false
    static let slack = 72

    // Where we are, for error messages.
    private(set) var line = 1
    private var lineStart = 0

    let delimiter: UInt8
    let quote: UInt8
    let quoting: Bool
    private let special: UnsafeMutablePointer<Bool>
    private let nullTokens: [[UInt8]]
    /// The fewest bytes a row can take (its delimiters and line end): bounds rows per byte.
    private(set) var minimumRowBytes = 1

    /// Every column of the file (the skipped ones too).
    private(set) var schema = Schema([])
    /// Whether each file column is skipped (``CSVReadOptions/columns``).
    private var skipped: [Bool] = []
    private var types: [DataType] = []
    private(set) var inferred: [Bool] = []
    /// File offset of `window[0]`.
    private(set) var windowFileOffset = 0
    /// Parsing stops at the row that starts at this file offset (parallel reads).
    var stopFileOffset = Int.max
    /// Whether parsing stopped exactly at `stopFileOffset`.
    private(set) var stoppedAtBoundary = false
    /// Whether parsing met a row that starts past `stopFileOffset` (and stopped there).
    private(set) var crossedBoundary = false
    var report = ReadReport()
    private let powersOfTen: UnsafeMutablePointer<Double>
    private var scratch: [UInt8] = []
    /// Where the quoted field that ran to the end of the input started, if the last
    /// `tokenizeRow` met one.
    private var unterminatedQuoteStart: Int?
    private var finished = false

    /// Opens `source`, reads the header and infers types from the first rows.
    ///
    /// With `continuing`, the source starts at a row boundary in the middle of a
    /// file whose header and types are already known: nothing is read ahead.
    init(source: any ByteSource, options: CSVReadOptions, windowSize: Int = 2 << 20,
         continuing: (schema: Schema, inferred: [Bool])? = nil) throws {
        self.options = options
        self.source = source
        sourceName = source.name
        try options.dialect.validate(file: source.name)
        guard options.batchSize > 0 else {
            throw FormatError(.invalidOption, file: source.name, message: "batch size must be at least 1")
        }
        delimiter = options.dialect.delimiter
        quoting = options.dialect.quote != nil
        quote = options.dialect.quote ?? UInt8(ascii: "\n")
        nullTokens = options.dialect.nullTokens.map { Array($0.utf8) }
        capacity = Swift.max(windowSize, 64)
        window = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + CSVParser.slack)
        powersOfTen = UnsafeMutablePointer<Double>.allocate(capacity: 23)
        for (i, power) in ScalarParser.exactPowersOfTen.enumerated() { powersOfTen[i] = power }
        special = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        special.initialize(repeating: false, count: 256)
        special[Int(delimiter)] = true
        special[10] = true
        special[13] = true
        if quoting { special[Int(quote)] = true }
        try fill()
        if let continuing {
            schema = continuing.schema
            types = continuing.schema.fields.map(\.type)
            inferred = continuing.inferred
            minimumRowBytes = (options.badRows == .pad || types.count == 1) ? 1 : types.count
            try chooseColumns()
            return
        }
        if end >= 3 && window[0] == 0xEF && window[1] == 0xBB && window[2] == 0xBF {
            pos = 3
            lineStart = 3
        }
        let names = try readHeader()
        let sampled = try inferTypes(columnCount: names.count)
        var fields: [Field] = []
        for (i, name) in names.enumerated() {
            fields.append(Field(name, sampled[i] ?? .string))
        }
        inferred = [Bool](repeating: true, count: names.count)
        if let override = options.schemaOverride {
            for field in override.fields {
                guard let index = names.firstIndex(of: field.name) else {
                    throw FormatError(.unknownColumn, file: sourceName,
                                      message: "the schema names column \"\(field.name)\", which the file does not have (columns: \(names.joined(separator: ", ")))",
                                      hint: suggestion(for: field.name, among: names).map { "did you mean `\($0)`?" })
                }
                fields[index].type = field.type
                inferred[index] = options.widenedColumns.contains(field.name)
            }
        }
        schema = Schema(fields)
        types = fields.map(\.type)
        minimumRowBytes = (options.badRows == .pad || names.count == 1) ? 1 : names.count
        try chooseColumns()
    }

    /// Marks the columns ``CSVReadOptions/columns`` leaves out as skipped.
    private func chooseColumns() throws {
        let names = schema.names
        guard let wanted = options.columns else {
            skipped = [Bool](repeating: false, count: names.count)
            return
        }
        for name in wanted where !names.contains(name) {
            throw FormatError(.unknownColumn, file: sourceName,
                              message: "no column \"\(name)\" to read (columns: \(names.joined(separator: ", ")))",
                              hint: suggestion(for: name, among: names).map { "did you mean `\($0)`?" })
        }
        skipped = names.map { !wanted.contains($0) }
    }

    /// The schema of the tables this parser produces: the file's columns minus the skipped ones.
    var tableSchema: Schema {
        Schema(zip(schema.fields, skipped).filter { !$0.1 }.map(\.0))
    }

    /// The table of finished `sinks` (one per file column; skipped ones are left out).
    func table(from sinks: [CSVColumnSink]) throws -> Table {
        try Table(schema: tableSchema, columns: zip(sinks, skipped).filter { !$0.1 }.map { $0.0.finish() })
    }

    deinit {
        window.deallocate()
        special.deallocate()
        powersOfTen.deallocate()
    }

    // MARK: Window

    /// Reads until the window is full or the input ends, then writes the sentinels.
    private func fill() throws {
        while end < capacity && !atEOF {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: window + end, count: capacity - end))
            if n == 0 { atEOF = true } else { end += n }
        }
        writeSentinels()
    }

    private func writeSentinels() {
        window[end] = UInt8(ascii: "\n")
        window[end + 1] = quoting ? quote : UInt8(ascii: "\"")
        for i in 2..<CSVParser.slack { window[end + i] = 0 }
    }

    /// Drops the bytes before `keepFrom` and reads more; grows the window when the
    /// kept part fills it (one row longer than the window).
    private func refill(keepFrom: Int) throws {
        let keep = end - keepFrom
        if keepFrom > 0 {
            memmove(window, window + keepFrom, keep)
            windowFileOffset += keepFrom
            pos -= keepFrom
            lineStart -= keepFrom
            end = keep
        }
        if keep >= capacity {
            let bigger = capacity * 2
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger + CSVParser.slack)
            grown.update(from: window, count: end)
            window.deallocate()
            window = grown
            capacity = bigger
        }
        try fill()
    }

    // MARK: Generic row tokenizer (header, sampling, bad-row recovery)

    /// Walks the row at `start`, calling `body` with each field's bytes (quotes
    /// removed, doubled quotes undone). Returns where the next row starts and the
    /// line breaks consumed, or `nil` when the row runs past the window before the
    /// input ends. Lenient: stray quotes are kept as text.
    private func tokenizeRow(at start: Int, _ body: (Int, UnsafeBufferPointer<UInt8>, Bool) -> Void) -> (next: Int, lines: Int)? {
        // The window does not move while a row is walked: read it once, not per byte
        // (a class property read per byte costs an exclusivity check: a 200 MB field took minutes).
        let window = UnsafePointer(self.window), end = self.end, quote = self.quote, delimiter = self.delimiter
        var q = start
        var column = 0
        var lines = 0
        unterminatedQuoteStart = nil
        while true {
            var quoted = false
            if quoting && q < end && window[q] == quote {
                quoted = true
                scratch.removeAll(keepingCapacity: true)
                let fieldStart = q
                q += 1
                while true {
                    let segment = q
                    // To the next quote, counting the line breaks on the way (memchr: a long
                    // field is passed at memory speed).
                    let stop = memchr(window + q, Int32(quote), end - q).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - window } ?? end
                    while q < stop, let newline = memchr(window + q, 10, stop - q) {
                        lines += 1
                        q = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) - window + 1
                    }
                    q = stop
                    scratch.append(contentsOf: UnsafeBufferPointer(start: window + segment, count: q - segment))
                    if q >= end {
                        if !atEOF { return nil }
                        unterminatedQuoteStart = fieldStart
                        break
                    }
                    q += 1
                    if q < end && window[q] == quote {
                        scratch.append(quote)
                        q += 1
                        continue
                    }
                    break
                }
                // Text after the closing quote belongs to the field (lenient).
                while q < end && window[q] != delimiter && window[q] != 10 && window[q] != 13 {
                    scratch.append(window[q])
                    q += 1
                }
                scratch.withUnsafeBufferPointer { body(column, $0, true) }
            } else {
                let fieldStart = q
                while q < end && window[q] != delimiter && window[q] != 10 && window[q] != 13 { q += 1 }
                body(column, UnsafeBufferPointer(start: window + fieldStart, count: q - fieldStart), quoted)
            }
            if q >= end {
                return atEOF ? (end, lines + (end > start ? 1 : 0)) : nil
            }
            let c = window[q]
            if c == delimiter {
                q += 1
                column += 1
                continue
            }
            q += 1
            if c == 13 {
                if q >= end && !atEOF { return nil }
                if q < end && window[q] == 10 { q += 1 }
            }
            return (q, lines + 1)
        }
    }

    /// The header's names (or `column_N` without a header), made unique.
    private func readHeader() throws -> [String] {
        var fields: [(bytes: [UInt8], quoted: Bool)] = []
        var result: (next: Int, lines: Int)?
        while true {
            fields.removeAll()
            result = tokenizeRow(at: pos) { _, bytes, quoted in fields.append((Array(bytes), quoted)) }
            if result != nil || atEOF { break }
            try refill(keepFrom: pos)
        }
        guard let result, pos < end else {
            throw FormatError(.missingHeader, file: sourceName, line: 1, message: "the file is empty: no header row",
                              hint: options.dialect.hasHeader ? "write a header line naming the columns" : nil)
        }
        if options.dialect.hasHeader, let start = unterminatedQuoteStart {
            let (line, lineStart) = location(of: start, rowLine: 1, rowStart: pos)
            throw FormatError(.unterminatedQuote, file: sourceName, line: line, column: characterColumn(lineStart, start),
                              message: "quoted column name \(fields.count) is never closed",
                              hint: "add the closing quote; a quote inside a quoted field is written twice (\"\")")
        }
        var names: [String] = []
        for (i, field) in fields.enumerated() {
            if options.dialect.hasHeader {
                if field.bytes.withUnsafeBufferPointer({ UTF8Validation.firstInvalidOffset($0.baseAddress!, $0.count) }) != nil {
                    // Locate the bad bytes in the header line itself: names lose their quotes,
                    // and the first invalid byte of the line lies in the first invalid name.
                    let bad = pos + (UTF8Validation.firstInvalidOffset(window + pos, result.next - pos) ?? 0)
                    let (line, start) = location(of: bad, rowLine: 1, rowStart: pos)
                    throw FormatError(.invalidUTF8, file: sourceName, line: line, column: characterColumn(start, bad),
                                      message: "column name \(i + 1) is not valid UTF-8", hint: "save the file as UTF-8")
                }
                let name = String(decoding: field.bytes, as: UTF8.self)
                names.append(name.isEmpty ? "column_\(i + 1)" : name)
            } else {
                names.append("column_\(i + 1)")
            }
        }
        var seen: [String: Int] = [:]
        for i in names.indices {
            if let n = seen[names[i]] {
                var k = n + 1
                while seen["\(names[i])_\(k)"] != nil { k += 1 }
                seen[names[i]] = k
                names[i] = "\(names[i])_\(k)"
            }
            seen[names[i], default: 1] = seen[names[i]] ?? 1
        }
        if options.dialect.hasHeader {
            pos = result.next
            line += result.lines
            lineStart = pos
        }
        return names
    }

    /// Types seen in the first rows that fit in the window: `nil` where only nulls were seen.
    private func inferTypes(columnCount: Int) throws -> [DataType?] {
        var types = [DataType?](repeating: nil, count: columnCount)
        var q = pos
        var rows = 0
        while rows < options.inferenceRows && q < end {
            if columnCount > 1 && (window[q] == 10 || window[q] == 13) {
                q += window[q] == 13 && q + 1 < end && window[q + 1] == 10 ? 2 : 1
                continue
            }
            // Classify the row's fields, but count them only once the row is whole:
            // the last row in the window may be cut short.
            var rowTypes: [(Int, DataType)] = []
            guard let result = tokenizeRow(at: q, { column, bytes, quoted in
                guard column < columnCount, let base = bytes.baseAddress else { return }
                let n = bytes.count
                if n == 0 || (!quoted && self.isNullToken(base, n)) { return }
                rowTypes.append((column, ScalarParser.narrowestType(base, n)))
            }) else {
                // Even the first data row does not fit: make room for it (the window
                // grows when one row fills it) so inference sees at least one row.
                if rows == 0 && !atEOF {
                    let offset = q - pos
                    try refill(keepFrom: pos)
                    q = pos + offset
                    continue
                }
                break
            }
            for (column, type) in rowTypes {
                types[column] = types[column].map { $0.widened(with: type) } ?? type
            }
            q = result.next
            rows += 1
        }
        return types
    }

    @inline(__always) private func isNullToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if nullTokens.isEmpty { return false }
        for token in nullTokens where token.count == n {
            if token.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        return false
    }

    // MARK: Batches

    /// Every remaining row (up to `stopFileOffset`), as unfinished column sinks.
    ///
    /// - Parameter prepared: sinks to fill (e.g. over shared, pre-reserved buffers);
    ///   fresh ones by default.
    func readRemainingSinks(into prepared: [CSVColumnSink]? = nil) throws -> [CSVColumnSink] {
        var sinks = prepared ?? newSinks()
        let rows = try sinks.withUnsafeMutableBufferPointer { try parseRows(into: $0.baseAddress!, limit: Int.max) }
        report.rows += rows
        finished = true
        return sinks
    }

    /// One empty sink per column, with its own buffers.
    func newSinks() -> [CSVColumnSink] {
        (0..<types.count).map { CSVColumnSink(type: types[$0], isInferred: inferred[$0], isSkipped: skipped[$0]) }
    }

    /// File offset where the data rows begin (after the header).
    var dataStartFileOffset: Int { windowFileOffset + pos }

    /// The next batch of up to `options.batchSize` rows, or `nil` at the end.
    func nextBatch() throws -> Table? {
        if finished { return nil }
        var sinks = newSinks()
        let rows = try sinks.withUnsafeMutableBufferPointer { try parseRows(into: $0.baseAddress!, limit: options.batchSize) }
        if rows == 0 && pos >= end && atEOF {
            finished = true
            return nil
        }
        report.rows += rows
        return try table(from: sinks)
    }

    /// Parses up to `limit` rows into `sinks`; returns how many.
    ///
    /// The cursor (`pos`, `line`, `lineStart`, `end`) lives in locals while rows are
    /// parsed and is written back around every call that moves the window, so the
    /// loop touches no class state per byte or per row.
    private func parseRows(into sinks: UnsafeMutablePointer<CSVColumnSink>, limit: Int) throws -> Int {
        let columnCount = types.count
        let lastColumn = columnCount - 1
        let delimiter = self.delimiter, quote = self.quote, quoting = self.quoting
        let special = UnsafePointer(self.special)
        let powersOfTen = UnsafePointer(self.powersOfTen)
        let hasNullTokens = !nullTokens.isEmpty
        let skipped = self.skipped
        var rows = 0
        var reserved = 0   // rows the sinks have room for
        var p = UnsafePointer(window)
        var pos = self.pos, line = self.line, lineStart = self.lineStart
        var end = self.end, atEOF = self.atEOF
        var stopPos = stopFileOffset == Int.max ? Int.max : stopFileOffset - windowFileOffset

        func reserve() {
            let bound = Swift.min(limit - rows, (end - pos) / minimumRowBytes + 2)
            for c in 0..<columnCount { sinks[c].reserve(rows: bound, stringBytes: end - pos + 1) }
            reserved = rows + bound
            p = UnsafePointer(window)
        }
        /// Moves the window so it starts at `keepFrom` and holds more input.
        func refillKeeping(_ keepFrom: Int) throws {
            self.pos = pos
            self.lineStart = lineStart
            try refill(keepFrom: keepFrom)
            pos = self.pos
            lineStart = self.lineStart
            end = self.end
            atEOF = self.atEOF
            if stopFileOffset != Int.max { stopPos = stopFileOffset - windowFileOffset }
            reserve()
        }
        /// Forgets the partial row and parses it again once more input is in.
        func retryRow(_ rowStart: Int, _ rowLine: Int, _ rowLineStart: Int) throws {
            for c in 0..<columnCount { sinks[c].truncate(toRows: rows) }
            pos = rowStart
            line = rowLine
            lineStart = rowLineStart
            try refillKeeping(rowStart)
        }
        defer {
            self.pos = pos
            self.line = line
            self.lineStart = lineStart
        }
        reserve()

        @inline(__always) func isTerminator(_ c: UInt8) -> Bool {
            c == delimiter || c == 10 || c == 13
        }

        rowLoop: while rows < limit {
            if pos >= end {
                if atEOF { break }
                try refillKeeping(pos)
                continue
            }
            if rows >= reserved { reserve() }
            if pos >= stopPos {
                // Exactly at the boundary: the guess was a row start. Past it: the guess
                // was inside a quoted field; stop too, the caller reads the file again.
                if pos == stopPos { stoppedAtBoundary = true } else { crossedBoundary = true }
                break
            }
            let rowStart = pos, rowLine = line, rowLineStart = lineStart
            // Blank lines carry no row when there are several columns.
            if columnCount > 1 && (p[pos] == 10 || p[pos] == 13) {
                let c = p[pos]
                pos += 1
                if c == 13 && p[pos] == 10 { pos += 1 }
                if pos > end && !atEOF {
                    try retryRow(rowStart, rowLine, rowLineStart)
                    continue
                }
                pos = Swift.min(pos, end)
                line += 1
                lineStart = pos
                continue
            }
            var column = 0
            var problem: CSVFieldProblem?
            var tooMany = false
            fieldLoop: while true {
                let start = pos
                var general = false
                // A skipped column's field is only found (nil), never converted.
                let kind: DataType? = skipped[column] ? nil : sinks[column].type
                switch kind {
                case nil:
                    let (q, _) = scanField(p, from: start)
                    if quoting && p[q] == quote {
                        guard q == start else {
                            problem = .strayQuote(at: q)
                            break fieldLoop
                        }
                        do {
                            pos = try skipQuotedField(at: start, line: &line, lineStart: &lineStart)
                        } catch {
                            problem = error
                            break fieldLoop
                        }
                    } else {
                        pos = q
                    }
                case .int64:
                    var q = start
                    let negative = p[q] == UInt8(ascii: "-")
                    if negative { q &+= 1 }
                    let digitsStart = q
                    var value: Int64 = 0
                    while true {
                        let d = p[q] &- 48
                        if d > 9 { break }
                        value = value &* 10 &+ Int64(d)
                        q &+= 1
                    }
                    let digits = q &- digitsStart
                    if digits > 0 && digits <= 18 && isTerminator(p[q]) {
                        sinks[column].append(int64: negative ? 0 &- value : value)
                        pos = q
                    } else if q == start && isTerminator(p[q]) {
                        sinks[column].appendNull()
                    } else {
                        general = true
                    }
                case .float64:
                    var q = start
                    let negative = p[q] == UInt8(ascii: "-")
                    if negative { q &+= 1 }
                    let digitsStart = q
                    var mantissa: UInt64 = 0
                    while true {
                        let d = p[q] &- 48
                        if d > 9 { break }
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        q &+= 1
                    }
                    var digits = q &- digitsStart
                    var fraction = 0
                    if p[q] == UInt8(ascii: ".") {
                        q &+= 1
                        let fractionStart = q
                        while true {
                            let d = p[q] &- 48
                            if d > 9 { break }
                            mantissa = mantissa &* 10 &+ UInt64(d)
                            q &+= 1
                        }
                        fraction = q &- fractionStart
                        digits &+= fraction
                    }
                    if digits > 0 && digits <= 15 && isTerminator(p[q]) {
                        let magnitude = Double(mantissa) / powersOfTen[fraction]
                        sinks[column].append(float64: negative ? -magnitude : magnitude)
                        pos = q
                    } else if q == start && isTerminator(p[q]) {
                        sinks[column].appendNull()
                    } else {
                        general = true
                    }
                case .string:
                    let (q, highBitSeen) = scanField(p, from: start)
                    let c = p[q]
                    if c == quote && quoting {
                        general = true
                    } else if q == start {
                        sinks[column].appendNull()
                    } else if hasNullTokens && isNullToken(p + start, q - start) {
                        sinks[column].appendNull()
                        pos = q
                    } else {
                        if highBitSeen, let bad = UTF8Validation.firstInvalidOffset(p + start, q - start) {
                            problem = .invalidUTF8(at: start + bad)
                            break fieldLoop
                        }
                        sinks[column].append(string: p + start, count: q - start)
                        pos = q
                    }
                case .timestamp, .date:
                    var q = start
                    while !special[Int(p[q])] { q &+= 1 }
                    if q > start && isTerminator(p[q]) && !(hasNullTokens && isNullToken(p + start, q - start)) {
                        if sinks[column].type == .timestamp, let value = ScalarParser.timestamp(p + start, q - start) {
                            sinks[column].append(int64: value)
                            pos = q
                        } else if sinks[column].type == .date, let value = ScalarParser.date(p + start, q - start) {
                            sinks[column].append(date: value)
                            pos = q
                        } else {
                            general = true
                        }
                    } else if q == start && isTerminator(p[q]) {
                        sinks[column].appendNull()
                    } else {
                        general = true
                    }
                case .bool, .decimal, .binary:
                    general = true
                }
                if general {
                    do {
                        pos = try slowField(column, at: start, sink: &sinks[column], line: &line, lineStart: &lineStart)
                    } catch {
                        problem = error
                        break fieldLoop
                    }
                }
                // pos is at the byte after the field: a delimiter or a line end.
                if p[pos] == delimiter {
                    if column == lastColumn { tooMany = true; break fieldLoop }
                    pos &+= 1
                    column &+= 1
                    continue
                }
                break
            }

            if problem == nil && !tooMany {
                // Consume the line end.
                let fieldsEnd = pos
                let c = p[pos]
                pos &+= 1
                if c == 13 && p[pos] == 10 { pos &+= 1 }
                if pos > end && !atEOF {
                    try retryRow(rowStart, rowLine, rowLineStart)
                    continue rowLoop
                }
                pos = Swift.min(pos, end)
                if column == lastColumn {
                    rows &+= 1
                    line &+= 1
                    lineStart = pos
                    continue rowLoop
                }
                // Too few fields.
                let error = FormatError(.fieldCount, file: sourceName, line: line, column: characterColumn(lineStart, fieldsEnd),
                                        message: "row has \(column + 1) field\(column == 0 ? "" : "s"), the header has \(columnCount)",
                                        hint: "fix the row, or read with --bad-rows skip (leave it out) or --bad-rows pad (fill with nulls)")
                switch options.badRows {
                case .error: throw error
                case .pad:
                    for c in (column + 1)..<columnCount { sinks[c].appendNull() }
                    report.note(error, padded: true)
                    rows &+= 1
                case .skip:
                    for c in 0..<columnCount { sinks[c].truncate(toRows: rows) }
                    report.note(error, padded: false)
                }
                line &+= 1
                lineStart = pos
                continue rowLoop
            }

            // A problem: first make sure the whole row is in the window.
            guard let rowEnd = tokenizeRow(at: rowStart, { _, _, _ in }) else {
                try retryRow(rowStart, rowLine, rowLineStart)
                continue rowLoop
            }
            let error: FormatError
            var padded = false
            if tooMany {
                var fieldCount = 0
                _ = tokenizeRow(at: rowStart) { _, _, _ in fieldCount += 1 }
                error = FormatError(.fieldCount, file: sourceName, line: line, column: characterColumn(lineStart, pos) + 1,
                                    message: "row has \(fieldCount) fields, the header has \(columnCount)",
                                    hint: "quote fields that contain the delimiter, or read with --bad-rows skip or --bad-rows pad (drop the extra fields)")
                padded = options.badRows == .pad
            } else {
                error = describe(problem!, column: column, rowLine: rowLine, rowStart: rowStart)
                if case .unterminatedQuote = problem! { throw error }
                if error.code == .typeMismatch && sinks[column].isInferred { throw error }
            }
            if padded {
                rows &+= 1
                report.note(error, padded: true)
            } else if options.badRows == .skip {
                for c in 0..<columnCount { sinks[c].truncate(toRows: rows) }
                report.note(error, padded: false)
            } else {
                throw error
            }
            pos = rowEnd.next
            line = rowLine + rowEnd.lines
            lineStart = pos
        }
        return rows
    }

    /// The offset of the first delimiter, quote, CR or LF at or after `start`,
    /// eight bytes at a time, and whether a non-ASCII byte came before it.
    @inline(__always)
    private func scanField(_ p: UnsafePointer<UInt8>, from start: Int) -> (Int, Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let d = UInt64(delimiter) &* ones, qq = UInt64(quote) &* ones
        let nl: UInt64 = 0x0A &* ones, cr: UInt64 = 0x0D &* ones
        var i = start
        var seen: UInt64 = 0
        let raw = UnsafeRawPointer(p)
        while true {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let x1 = w ^ d, x2 = w ^ qq, x3 = w ^ nl, x4 = w ^ cr
            let m = ((x1 &- ones) & ~x1 | (x2 &- ones) & ~x2 | (x3 &- ones) & ~x3 | (x4 &- ones) & ~x4) & highs
            if m != 0 {
                let k = m.trailingZeroBitCount >> 3
                // Only the bytes before the match count towards the non-ASCII check.
                let before = k == 0 ? 0 : w & (UInt64.max >> UInt64(64 - 8 * k))
                return (i &+ k, (seen | before) & highs != 0)
            }
            seen |= w
            i &+= 8
        }
    }

    /// Passes over the quoted field at `start` of a skipped column, counting the line
    /// breaks inside it; returns the offset of the byte after it.
    private func skipQuotedField(at start: Int, line: inout Int, lineStart: inout Int) throws(CSVFieldProblem) -> Int {
        let p = window
        let end = self.end
        var q = start + 1
        while true {
            while p[q] != quote {
                if p[q] == 10 { line += 1; lineStart = q + 1 }
                q += 1
            }
            if q >= end { throw .unterminatedQuote(start: start) }
            q += 1
            if q < end && p[q] == quote {
                q += 1
                continue
            }
            break
        }
        if q < end && !(p[q] == delimiter || p[q] == 10 || p[q] == 13) { throw .strayQuote(at: q) }
        return q
    }

    /// The general field parser: quoted fields, null tokens, every type, and the
    /// errors. Returns the offset of the byte after the field.
    private func slowField(_ column: Int, at start: Int, sink: inout CSVColumnSink,
                           line: inout Int, lineStart: inout Int) throws(CSVFieldProblem) -> Int {
        let p = window
        let end = self.end
        var q = start
        var quoted = false
        var valueStart = UnsafePointer(p + start)
        var valueCount = 0
        if quoting && p[q] == quote {
            quoted = true
            scratch.removeAll(keepingCapacity: true)
            q += 1
            while true {
                let segment = q
                while p[q] != quote {
                    if p[q] == 10 { line += 1; lineStart = q + 1 }
                    q += 1
                }
                if q >= end { throw .unterminatedQuote(start: start) }
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + segment, count: q - segment))
                q += 1
                if q < end && p[q] == quote {
                    scratch.append(quote)
                    q += 1
                    continue
                }
                break
            }
            if q < end && !(p[q] == delimiter || p[q] == 10 || p[q] == 13) { throw .strayQuote(at: q) }
        } else {
            while !special[Int(p[q])] { q += 1 }
            if quoting && p[q] == quote { throw .strayQuote(at: q) }
            valueCount = q - start
            if valueCount == 0 || isNullToken(valueStart, valueCount) {
                sink.appendNull()
                return q
            }
        }
        return try scratch.withUnsafeBufferPointer { (buffer) throws(CSVFieldProblem) -> Int in
            if quoted {
                valueStart = buffer.baseAddress ?? valueStart
                valueCount = buffer.count
                if valueCount == 0 && sink.type != .string && sink.type != .binary {
                    sink.appendNull()
                    return q
                }
            }
            switch sink.type {
            case .string:
                if let bad = UTF8Validation.firstInvalidOffset(valueStart, valueCount) {
                    throw .invalidUTF8(at: quoted ? start : start + bad)
                }
                sink.append(string: valueStart, count: valueCount)
            case .int64:
                guard let v = ScalarParser.int64(valueStart, valueCount) else { throw .typeMismatch(start: start, end: q) }
                sink.append(int64: v)
            case .float64:
                guard let v = ScalarParser.float64(valueStart, valueCount) else { throw .typeMismatch(start: start, end: q) }
                sink.append(float64: v)
            case .bool:
                guard let v = ScalarParser.bool(valueStart, valueCount) else { throw .typeMismatch(start: start, end: q) }
                sink.append(bool: v)
            case .date:
                guard let v = ScalarParser.date(valueStart, valueCount) else { throw .typeMismatch(start: start, end: q) }
                sink.append(date: v)
            case .timestamp:
                if let v = ScalarParser.timestamp(valueStart, valueCount) {
                    sink.append(int64: v)
                } else if let d = ScalarParser.date(valueStart, valueCount) {
                    sink.append(int64: Int64(d) * 86_400_000_000)
                } else {
                    throw .typeMismatch(start: start, end: q)
                }
            case .decimal(let precision, let scale):
                guard let v = Decimal128.parse(valueStart, valueCount, scale: scale, precision: precision) else { throw .typeMismatch(start: start, end: q) }
                sink.append(decimal: v)
            case .binary:
                // Hex decodes to at most half its length: the bytes fit the room reserved for the text.
                var decoded: [UInt8] = []
                guard BinaryText.decodeHex(valueStart, valueCount, into: &decoded) else { throw .typeMismatch(start: start, end: q) }
                decoded.withUnsafeBufferPointer { sink.append(string: $0.baseAddress ?? valueStart, count: $0.count) }
            }
            return q
        }
    }

    /// 1-based column in characters of window offset `offset` on the line starting at `lineStart`.
    private func characterColumn(_ lineStart: Int, _ offset: Int) -> Int {
        var column = 1
        var i = Swift.max(lineStart, 0)
        while i < offset && i < end {
            if window[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    /// Line (1-based) and line start of window offset `offset`, counting from the row's start.
    private func location(of offset: Int, rowLine: Int, rowStart: Int) -> (line: Int, lineStart: Int) {
        var line = rowLine, start = rowStart
        var i = rowStart
        while i < offset {
            if window[i] == 10 { line += 1; start = i + 1 }
            i += 1
        }
        return (line, start)
    }

    private func describe(_ problem: CSVFieldProblem, column: Int, rowLine: Int, rowStart: Int) -> FormatError {
        func at(_ offset: Int) -> (Int, Int) {
            let (l, s) = location(of: offset, rowLine: rowLine, rowStart: rowStart)
            return (l, characterColumn(s, offset))
        }
        let name = schema.fields[column].name
        switch problem {
        case .unterminatedQuote(let start):
            let (l, c) = at(start)
            return FormatError(.unterminatedQuote, file: sourceName, line: l, column: c,
                               message: "quoted field in column \"\(name)\" is never closed",
                               hint: "add the closing quote; a quote inside a quoted field is written twice (\"\")")
        case .strayQuote(let offset):
            let (l, c) = at(offset)
            return FormatError(.strayQuote, file: sourceName, line: l, column: c,
                               message: "unexpected quote in column \"\(name)\"",
                               hint: "quote the whole field and double the quotes inside it (\"5\"\" screen\"), or read with --no-quote")
        case .invalidUTF8(let offset):
            let (l, c) = at(offset)
            return FormatError(.invalidUTF8, file: sourceName, line: l, column: c,
                               message: "column \"\(name)\" has bytes that are not valid UTF-8",
                               hint: "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)")
        case .typeMismatch(let start, let stop):
            let (l, c) = at(start)
            let type = schema.fields[column].type
            let text = quotedForMessage(UnsafeBufferPointer(start: window + start, count: stop - start))
            var widened: Field?
            if inferred[column] {
                let found = valueType(start, stop)
                widened = Field(name, type.widened(with: found))
            }
            let hint = inferred[column]
                ? "the type was inferred from the first rows; declare `\(name):\(widened?.type ?? .string)` with --schema, or sample more rows with --infer-rows"
                : "fix the value, or declare `\(name):string` with --schema"
            return FormatError(.typeMismatch, file: sourceName, line: l, column: c,
                               message: "column \"\(name)\" expects \(type), found \(text)", hint: hint, widenedField: widened)
        }
    }

    /// The narrowest type of the field at `start..<stop` (quotes removed).
    private func valueType(_ start: Int, _ stop: Int) -> DataType {
        var type = DataType.string
        _ = tokenizeRow(at: start) { column, bytes, _ in
            if column == 0, let base = bytes.baseAddress { type = ScalarParser.narrowestType(base, bytes.count) }
        }
        _ = stop
        return type
    }

}
