import SluiceCore

/// Reads JSON Lines (one JSON object per line) into typed tables, batch by batch.
///
/// The first ``JSONLinesReadOptions/inferenceRows`` non-blank lines are sampled when
/// the reader is created: their keys, in order of first appearance, become the
/// columns, and their values decide each column's type:
///
/// | JSON value | column type |
/// |---|---|
/// | `true`, `false` | `bool` |
/// | integer that fits in 64 bits | `int64` (other numbers: `float64`) |
/// | the string `"NaN"`, `"Infinity"` or `"-Infinity"` | `float64` (how floats JSON cannot hold are written) |
/// | string that is a whole `YYYY-MM-DD` date / ISO timestamp | `date` / `timestamp` |
/// | other string | `string` |
/// | object or array | `string` holding the value's JSON text as written |
/// | `null`, or key missing | null (no type information) |
///
/// Mixed types widen (`int64`+`float64` → `float64`, `date`+`timestamp` →
/// `timestamp`, anything else → `string`, where numbers and booleans keep their
/// JSON text such as `12` or `true`). A key that is null or missing on every sampled
/// line, or appears only on a sampled line that is skipped, is `string`. Blank lines are skipped, `\r\n` line ends and a leading UTF-8
/// byte order mark are accepted; a duplicate key in one object: the last one wins.
///
/// The input is read through a bounded window (1 MiB, grown only for a longer
/// line), and the result is the same however the source splits its bytes. The
/// sampled lines are kept (as bytes) until the first batches have read them again.
/// A reader shares its window when copied: use one copy only.
///
/// ```swift
/// var reader = try JSONLinesReader(source: FileByteSource(path: "events.jsonl"))
/// print(reader.schema)                    // id: int64, user: string, at: timestamp
/// while let batch = try reader.next() {
///     total += batch.rowCount
/// }
/// ```
///
/// Errors are ``FormatError``s located to the byte (`file:line:column`, columns in
/// bytes from 1, after a byte order mark): `.malformedJSON` and `.invalidUTF8` for
/// lines that are not one JSON object (skippable with ``BadRowPolicy/skip``);
/// `.typeMismatch` for a value that does not fit its column after the sample (for an
/// inferred column always thrown, with ``FormatError/widenedField`` set, so a
/// whole-file read can widen and read again; for an overridden column skippable);
/// `.unknownColumn` for a key that the sample did not have (always thrown).
public struct JSONLinesReader: TableReader {
    /// The columns of every batch: the sampled keys with inferred or overridden types.
    public let schema: Schema
    /// Rows read and lines skipped so far.
    public private(set) var report = ReadReport()

    private let options: JSONLinesReadOptions
    private let window: JSONLineWindow
    private let decoder: JSONObjectDecoder
    private let sourceName: String
    private let types: [DataType]
    private let isInferred: [Bool]
    /// The sampled lines that decoded, kept to be read again as rows.
    private var sample: RawBuffer
    private var sampleLines: [(start: Int, count: Int, line: Int)] = []
    private var sampleCursor = 0
    private var sampledLineCount = 0
    private var isExhausted = false

    /// Opens a reader: samples the first lines and infers the schema.
    ///
    /// ```swift
    /// let reader = try JSONLinesReader(source: MemoryByteSource(#"{"id":1,"ok":true}"#))
    /// reader.schema   // id: int64, ok: bool
    /// ```
    ///
    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - options: schema override, sample size, batch size and bad-line policy.
    /// - Throws: ``FormatError`` `.invalidOption` for out-of-range options,
    ///   `.unknownColumn` when the override names a key the sample lacks (with a
    ///   "did you mean" hint), a line error in the sample under ``BadRowPolicy/error``,
    ///   or what the source throws.
    public init(source: any ByteSource, options: JSONLinesReadOptions = .init()) throws {
        let name = source.name
        guard options.badLines != .pad else {
            throw FormatError(.invalidOption, file: name, message: "bad-line policy `pad` does not apply to JSON Lines",
                              hint: "use `error` (stop at the first bad line) or `skip` (leave bad lines out)")
        }
        guard options.inferenceRows >= 1 else {
            throw FormatError(.invalidOption, file: name, message: "inference rows must be at least 1, got \(options.inferenceRows)")
        }
        guard options.batchSize >= 1 else {
            throw FormatError(.invalidOption, file: name, message: "batch size must be at least 1, got \(options.batchSize)")
        }
        self.options = options
        sourceName = name
        window = JSONLineWindow(source: source)
        decoder = JSONObjectDecoder(unknownKeys: .addColumn, unit: "line")
        sample = RawBuffer(capacity: 1 << 16)

        // Sample: find the keys and the narrowest type holding each column's values.
        var found: [DataType?] = []
        var report = ReadReport()
        while sampledLineCount < options.inferenceRows, let line = try window.nextLine() {
            let line = JSONLinesReader.strippingByteOrderMark(line, lineNumber: window.lineNumber)
            if JSONObjectDecoder.isBlank(line) { continue }
            sampledLineCount += 1
            do {
                try decoder.decode(line)
            } catch {
                let formatError = JSONLinesReader.error(error, file: name, line: window.lineNumber, sampledLines: sampledLineCount)
                guard options.badLines == .skip else { throw formatError }
                report.note(formatError, padded: false)
                continue
            }
            let base = line.baseAddress ?? UnsafePointer(bitPattern: 1)!
            if found.count < decoder.slots.count { found.append(contentsOf: repeatElement(nil, count: decoder.slots.count - found.count)) }
            for (column, slot) in decoder.slots.enumerated() where slot.stamp == decoder.stamp {
                guard let type = decoder.inferredType(slot, line: base) else { continue }
                found[column] = found[column].map { $0.widened(with: type) } ?? type
            }
            sampleLines.append((sample.count, line.count, window.lineNumber))
            sample.append(UnsafeRawPointer(base), byteCount: line.count)
        }
        decoder.unknownKeys = .reject

        let names = decoder.keys.names
        // A key seen only on a skipped sampled line is a column too (as one null on every
        // sampled line is): the decoder knows it, so it may not be dropped from the schema.
        var types = found.map { $0 ?? .string } + repeatElement(DataType.string, count: names.count - found.count)
        var isInferred = [Bool](repeating: true, count: names.count)
        for field in options.schemaOverride?.fields ?? [] {
            guard let index = names.firstIndex(of: field.name) else {
                let hint = suggestion(for: field.name, among: names).map { "did you mean `\($0)`?" }
                    ?? (names.isEmpty ? "the sampled lines have no keys"
                        : "the sampled lines have the keys \(names.joined(separator: ", ")); sample more lines with --infer-rows if it appears later")
                throw FormatError(.unknownColumn, file: name,
                                  message: "the schema override names \"\(field.name)\", which is not a key of the first \(sampledLineCount) lines",
                                  hint: hint)
            }
            types[index] = field.type
            isInferred[index] = false
        }
        self.types = types
        self.isInferred = isInferred
        self.schema = Schema(zip(names, types).map { Field($0, $1) })
        self.report = report
    }

    /// The next batch of at most ``JSONLinesReadOptions/batchSize`` rows; `nil` when
    /// the input is exhausted.
    ///
    /// - Throws: ``FormatError`` for a bad line (under ``BadRowPolicy/error``), a value
    ///   that does not fit its column, a key outside the schema, or what the source throws.
    public mutating func next() throws -> Table? {
        guard !isExhausted else { return nil }
        let columnCount = types.count
        var builders = types.map { ColumnBuilder(type: $0, capacity: Swift.min(options.batchSize, 4096)) }
        var rows = 0
        while rows < options.batchSize {
            let line: UnsafeBufferPointer<UInt8>
            let lineNumber: Int
            if sampleCursor < sampleLines.count {
                let entry = sampleLines[sampleCursor]
                sampleCursor += 1
                line = UnsafeBufferPointer(start: sample.pointer.assumingMemoryBound(to: UInt8.self) + entry.start, count: entry.count)
                lineNumber = entry.line
            } else {
                guard let next = try window.nextLine() else { isExhausted = true; break }
                lineNumber = window.lineNumber
                line = JSONLinesReader.strippingByteOrderMark(next, lineNumber: lineNumber)
                if JSONObjectDecoder.isBlank(line) { continue }
            }
            do {
                try decoder.decode(line)
            } catch {
                let formatError = JSONLinesReader.error(error, file: sourceName, line: lineNumber, sampledLines: sampledLineCount)
                if case .unknownKey = error.kind { throw formatError }
                guard options.badLines == .skip else { throw formatError }
                report.note(formatError, padded: false)
                continue
            }
            let base = line.baseAddress ?? UnsafePointer(bitPattern: 1)!
            // Check every value first, so a bad line adds nothing.
            if let column = firstMisfit(line: base) {
                let formatError = mismatch(column: column, line: base, lineNumber: lineNumber)
                guard options.badLines == .skip, !isInferred[column] else { throw formatError }
                report.note(formatError, padded: false)
                continue
            }
            // Read the decoder's state once per line, not once per value.
            let slots = decoder.slots, stamp = decoder.stamp
            let scratch = decoder.scratch.pointer.assumingMemoryBound(to: UInt8.self)
            for column in 0..<columnCount {
                let slot = slots[column]
                guard slot.stamp == stamp, slot.kind != .null else { builders[column].appendNull(); continue }
                if types[column] == .string {
                    if slot.kind == .string {
                        let text = slot.inScratch ? scratch + slot.textStart : base + slot.textStart
                        builders[column].append(utf8: UnsafeRawBufferPointer(start: text, count: slot.textCount))
                    } else {
                        builders[column].append(utf8: UnsafeRawBufferPointer(start: base + slot.start, count: slot.end - slot.start))
                    }
                } else {
                    decoder.append(slot, as: types[column], line: base, to: &builders[column])
                }
            }
            rows += 1
        }
        if sampleCursor == sampleLines.count && !sampleLines.isEmpty {
            // The sample has been read again: give its memory back.
            sampleLines = []
            sampleCursor = 0
            sample = RawBuffer()
        }
        guard rows > 0 else { return nil }
        report.rows += rows
        return try Table(schema: schema, columns: builders.map { $0.finish() })
    }

    /// Converts each present value to its column's type (the decoder's typing rules;
    /// a `string` column keeps any other JSON value as its JSON text), storing it in the
    /// slot; returns the first column whose value does not fit.
    private func firstMisfit(line: UnsafePointer<UInt8>) -> Int? {
        let stamp = decoder.stamp
        let slots = decoder.slots
        for column in 0..<types.count {
            let slot = slots[column]
            guard slot.stamp == stamp, slot.kind != .null else { continue }
            let type = types[column]
            if type == .string { continue }
            if !decoder.convert(column, to: type, line: line) { return column }
        }
        return nil
    }

    private func mismatch(column: Int, line: UnsafePointer<UInt8>, lineNumber: Int) -> FormatError {
        let slot = decoder.slots[column]
        let name = schema.fields[column].name
        let type = types[column]
        let raw = UnsafeBufferPointer(start: line + slot.start, count: slot.end - slot.start)
        let value: String
        switch slot.kind {
        case .string:
            value = "string " + quotedForMessage(UnsafeBufferPointer(start: decoder.text(slot, line: line), count: slot.textCount))
        case .integer, .number: value = "number " + String(decoding: raw.prefix(60), as: UTF8.self)
        case .trueValue: value = "true"
        case .falseValue: value = "false"
        case .object: value = "object " + quotedForMessage(raw)
        case .array: value = "array " + quotedForMessage(raw)
        case .null: value = "null"
        }
        let widenedType = type.widened(with: decoder.inferredType(slot, line: line) ?? type)
        let hint = isInferred[column]
            ? "the type was inferred from the first \(sampledLineCount) lines; declare `\(name):\(widenedType)` with --schema, or sample more lines with --infer-rows"
            : "fix the value, or declare `\(name):\(widenedType)` with --schema"
        return FormatError(.typeMismatch, file: sourceName, line: lineNumber, column: slot.start + 1,
                           message: "key \"\(name)\" expects \(type), found \(value)", hint: hint,
                           widenedField: isInferred[column] ? Field(name, widenedType) : nil)
    }

    private static func error(_ problem: JSONLineProblem, file: String, line: Int, sampledLines: Int) -> FormatError {
        switch problem.kind {
        case .syntax:
            return FormatError(.malformedJSON, file: file, line: line, column: problem.offset + 1, message: problem.message,
                               hint: "each line must hold one JSON object; fix the line, or read with --bad-rows skip to leave it out")
        case .utf8:
            return FormatError(.invalidUTF8, file: file, line: line, column: problem.offset + 1, message: problem.message,
                               hint: "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), or read with --bad-rows skip")
        case .unknownKey(let key):
            return FormatError(.unknownColumn, file: file, line: line, column: problem.offset + 1,
                               message: "key \"\(key)\" is not in the schema: the first \(sampledLines) lines do not have it",
                               hint: "sample at least \(line) lines with --infer-rows so that the key becomes a column")
        }
    }

    /// The line without a leading UTF-8 byte order mark, which only the first line may have.
    private static func strippingByteOrderMark(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> UnsafeBufferPointer<UInt8> {
        guard lineNumber == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF else { return line }
        return UnsafeBufferPointer(rebasing: line[3...])
    }
}
