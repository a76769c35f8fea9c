import SluiceCore
import SluiceFormats

/// What processing one batch produced: the records for each output, the
/// dead-letter envelopes, and counts.
public struct ProcessedBatch: @unchecked Sendable {   // EncodedRecords are immutable once returned
    /// Index 0 is the main `output`; then the spec's named `outputs`, in order.
    public var outputs: [EncodedRecords]
    public var deadLetters: EncodedRecords
    /// Records a `filter` dropped.
    public var filtered: Int
    /// Why each dead letter was rejected, in `deadLetters` order.
    public var deadLetterReasons: [(row: Int, step: Int, processor: String, message: String)] = []
}

/// A stream spec's processors compiled for batches: expressions are parsed and
/// checked once, then every batch is decoded into columns and run through the
/// processors a whole column at a time.
///
/// ```swift
/// let processor = try StreamProcessor(spec)
/// let batch = RawBatch(origin: "events.jsonl", isKafka: false)
/// batch.append(Array(#"{"user_id":"u1","event_type":"click","timestamp":"2024-01-01T00:00:00Z"}"#.utf8), offset: 1)
/// let result = processor.process(batch)
/// print(result.outputs[0].text, result.deadLetters.text)
/// ```
public final class StreamProcessor: @unchecked Sendable {   // mutable decoder state: one thread at a time (the runner gives each worker its own)
    public let spec: StreamSpec
    let decoder: RecordDecoder
    let outputNames: [String]
    /// Fields that exist before the first `map` and are referenced by name.
    let inputFields: [FieldPlan]

    /// Compiles `spec`.
    ///
    /// - Throws: ``StreamError`` `.invalidSpec` when an expression does not bind
    ///   (a type error such as comparing an undeclared — string — field with a number).
    public init(_ spec: StreamSpec) throws {
        self.spec = spec
        outputNames = ["output"] + spec.outputs.map(\.name)
        var fields: [FieldPlan] = []
        var typeOwner: [String: Int] = [:]
        func add(_ name: String, _ type: DataType?) {
            if let i = fields.firstIndex(where: { $0.name == name }) {
                if let type { fields[i].type = type }
            } else {
                fields.append(FieldPlan(name: name, type: type))
            }
        }
        var sawMap = false
        var problems: [(index: Int, text: String)] = []
        for (index, processor) in spec.processors.enumerated() where !sawMap {
            func refs(_ text: String) {
                if let e = try? Expression(parsing: text) { for (name, _) in columnReferences(e.root) { add(name, nil) } }
            }
            switch processor {
            case .validate(let v):
                v.required.forEach { add($0, nil) }
                for (field, type) in v.types { add(field, type); typeOwner[field] = index + 1 }
                v.check.map(refs)
            case .enrich(let e): e.fields.forEach { refs($0.expression) }
            case .map(let m): m.fields.forEach { refs($0.expression) }; sawMap = true
            case .filter(let text): refs(text)
            case .route(let rules): rules.forEach { refs($0.condition) }
            }
        }
        for (index, processor) in spec.processors.enumerated() {
            if case .validate(let v) = processor, !v.types.isEmpty,
               spec.processors[..<index].contains(where: { if case .map = $0 { true } else { false } }) {
                problems.append((index, "processor \(index + 1) (validate): `types` applies to input fields; move this validate before the map"))
            }
        }
        inputFields = fields
        decoder = RecordDecoder(fields: fields, keepsUnknownFields: !sawMap, typeOwner: typeOwner)
        // Dry run on an empty batch: binds every expression against the field types.
        var state = BatchState(names: fields.map(\.name),
                               columns: fields.map { ColumnBuilder(type: $0.type ?? .string).finish() },
                               raw: fields.map { $0.type == nil ? [] : nil }, rowCount: 0)
        for (index, processor) in spec.processors.enumerated() {
            do { try state.dryRun(processor) } catch {
                // "processor 2 (enrich): unknown function nnw()" and the expression's caret lines.
                let text = ErrorFormatter.text(of: error)
                problems.append((index, "processor \(index + 1) (\(processor.kind)): " + (text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text)))
            }
        }
        if !problems.isEmpty {
            let hint = "fields not declared under validate `types` are strings; declare e.g. `types: { amount: float64 }` to compare numbers"
            // Located at each processor when the spec was parsed from YAML.
            let located = spec.processorLocations.count == spec.processors.count
            throw StreamError(.invalidSpec, message: problems.map(\.text).joined(separator: "\n"), hint: hint,
                              diagnostics: !located ? [] : problems.map { problem in
                                  let at = spec.processorLocations[problem.index]
                                  return StreamDiagnostic(.invalidValue, file: at.file ?? "<spec>", line: at.line, column: at.column,
                                                          message: problem.text, hint: hint)
                              })
        }
    }

    /// Decodes and processes one batch.
    public func process(_ batch: RawBatch) -> ProcessedBatch {
        let now = currentMicroseconds()
        let decoded = decoder.decode(batch, maxRecordBytes: spec.settings.maxRecordBytes)
        var state = BatchState(names: decoded.names, columns: decoded.columns, raw: decoded.raw, rowCount: batch.count)
        state.passThrough = Array(repeating: true, count: decoded.names.count)
        var failure = [Int32](repeating: -1, count: batch.count)   // index into failures
        var failures: [(row: Int, step: Int, message: String)] = []
        var destination = [Int32](repeating: 0, count: batch.count)   // -1: filtered
        func fail(_ row: Int, _ step: Int, _ message: String) {
            guard failure[row] < 0 else { return }
            failure[row] = Int32(failures.count)
            failures.append((row, step, message))
        }
        for f in decoded.failures { fail(f.row, f.step, f.message) }
        var alive: [Bool] { failure.indices.map { failure[$0] < 0 && destination[$0] >= 0 } }

        for (index, processor) in spec.processors.enumerated() {
            let step = index + 1
            switch processor {
            case .validate(let v):
                if !v.required.isEmpty {
                    // One pass per required column over its validity; a bit per missing field,
                    // and one per field the record held as `null` (its own message).
                    var missing = [UInt64](repeating: 0, count: batch.count)
                    var nulls = [UInt64](repeating: 0, count: batch.count)
                    for (k, name) in v.required.prefix(64).enumerated() {
                        let bit = UInt64(1) << UInt64(k)
                        guard let index = state.names.firstIndex(of: name) else {
                            for row in 0..<batch.count { missing[row] |= bit }
                            continue
                        }
                        guard let validity = state.columns[index].validity else { continue }
                        let flags = state.raw[index]
                        for row in 0..<batch.count where !validity.isValid(row) {
                            if flags?[row] == RecordDecoder.presentNull { nulls[row] |= bit } else { missing[row] |= bit }
                        }
                    }
                    func named(_ bits: UInt64) -> [String] {
                        v.required.prefix(64).enumerated().filter { bits >> UInt64($0.offset) & 1 == 1 }.map { "\"\($0.element)\"" }
                    }
                    for row in 0..<batch.count where (missing[row] | nulls[row]) != 0 && failure[row] < 0 && destination[row] >= 0 {
                        var parts: [String] = []
                        let absent = named(missing[row]), null = named(nulls[row])
                        if !absent.isEmpty {
                            parts.append(absent.count == 1 ? "missing required field \(absent[0])"
                                         : "missing required fields " + absent.joined(separator: ", "))
                        }
                        if !null.isEmpty {
                            parts.append(null.count == 1 ? "required field \(null[0]) is null"
                                         : "required fields " + null.joined(separator: ", ") + " are null")
                        }
                        fail(row, step, parts.joined(separator: "; "))
                    }
                }
                if let check = v.check {
                    let (column, errors) = state.evaluate(check, alive: alive)
                    for (row, message) in errors { fail(row, step, message) }
                    let message = v.message ?? "check failed: \(check)"
                    column.withUnsafeValues(as: UInt8.self) { values in
                        for row in 0..<batch.count where failure[row] < 0 && destination[row] >= 0 && (column.isNull(row) || values[row] == 0) {
                            fail(row, step, message)
                        }
                    }
                }
            case .enrich(let e):
                for (name, text) in e.fields {
                    let errors = state.assign(name, text, alive: alive)
                    for (row, message) in errors { fail(row, step, message) }
                }
                for (name, json) in e.defaults { state.applyDefault(name, json: json) }
            case .map(let m):
                var next = BatchState(names: [], columns: [], raw: [], rowCount: batch.count)
                for (name, text) in m.fields {
                    let (column, raw, errors) = state.value(text, alive: alive)
                    for (row, message) in errors { fail(row, step, message) }
                    next.set(name, column, raw)
                }
                state = next
            case .filter(let text):
                let (column, errors) = state.evaluate(text, alive: alive)
                for (row, message) in errors { fail(row, step, message) }
                column.withUnsafeValues(as: UInt8.self) { values in
                    for row in 0..<batch.count where column.isNull(row) || values[row] == 0 { destination[row] = -1 }
                }
            case .route(let rules):
                var routed = [Bool](repeating: false, count: batch.count)
                for rule in rules {
                    let target = Int32(outputNames.firstIndex(of: rule.output) ?? 0)
                    let (column, errors) = state.evaluate(rule.condition, alive: alive)
                    for (row, message) in errors { fail(row, step, message) }
                    column.withUnsafeValues(as: UInt8.self) { values in
                        for row in 0..<batch.count where !routed[row] && destination[row] >= 0 && !column.isNull(row) && values[row] != 0 {
                            destination[row] = target
                            routed[row] = true
                        }
                    }
                }
            }
        }

        // Kafka keys and headers: per output, one column per expression over the output record.
        let endpoints = [spec.output] + spec.outputs.map(\.endpoint)
        let attributes: [[(column: Column, raw: [UInt8]?)]] = endpoints.map { endpoint in
            guard let kafka = endpoint.kafka, kafka.key != nil || !kafka.headers.isEmpty else { return [] }
            return ([kafka.key] + kafka.headers.map(\.expression)).map { text in
                guard let text else { return (ColumnBuilder(type: .string).finishNulls(batch.count), nil) }
                let (column, raw, errors) = state.value(text, alive: alive)
                for (row, message) in errors { fail(row, spec.processors.count + 1, "output \(endpoint.kafka!.topic): \(message)") }
                return (column, raw)
            }
        }

        // Encode outputs, a column source per field. A field the record lacked (null, not
        // held as `null`) is left out of records that pass through, as the record had it;
        // fields set by processors (enrich, map) are always written.
        let outputs = attributes.map { EncodedRecords(attributes: $0.count) }
        let attributeSources = attributes.map { $0.map { (source: CellSource($0.column), validity: $0.column.validity, raw: $0.raw) } }
        var attributeWriter = ByteWriter(capacity: 256)
        defer { attributeWriter.deallocate() }
        let sources = state.columns.map(CellSource.init)
        let validity = state.columns.map(\.validity)
        let keys: [[UInt8]] = state.names.map { Array((jsonString($0) + ":").utf8) }
        let passThrough = state.passThrough
        var filtered = 0
        withExtendedLifetime((state.columns, attributes)) {
            let rawPointers: [UnsafeMutableBufferPointer<UInt8>?] = state.raw.map { r in
                r.map { a in
                    let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Swift.max(a.count, 1))
                    _ = p.initialize(from: a)
                    return p
                }
            }
            defer { rawPointers.forEach { $0?.deallocate() } }
            for row in 0..<batch.count where failure[row] < 0 {
                let d = Int(destination[row])
                if d < 0 { filtered += 1; continue }
                let out = outputs[d]
                out.writer.reserve(1)
                out.writer.put(0x7B)
                var first = true
                for c in sources.indices {
                    if passThrough[c], let bits = validity[c], !bits.isValid(row),
                       rawPointers[c]?[row] != RecordDecoder.presentNull { continue }
                    keys[c].withUnsafeBufferPointer { key in
                        out.writer.reserve(key.count + 1)
                        if !first { out.writer.put(0x2C) }
                        out.writer.put(key.baseAddress!, key.count)
                    }
                    first = false
                    out.writer.putJSONValue(sources[c], validity[c], rawPointers[c].map { UnsafePointer($0.baseAddress!) }, row: row)
                }
                out.writer.put("}")
                out.finishRecord(row: row)
                for (source, validity, raw) in attributeSources[d] {
                    if let validity, !validity.isValid(row) { out.appendAttribute(nil); continue }
                    attributeWriter.count = 0
                    attributeWriter.putAttributeText(source, raw, row: row)
                    out.appendAttribute(UnsafeRawBufferPointer(start: attributeWriter.base, count: attributeWriter.count))
                }
            }
        }
        let dead = EncodedRecords()
        var reasons: [(row: Int, step: Int, processor: String, message: String)] = []
        for f in failures.sorted(by: { $0.row < $1.row }) {
            let name = f.step == 0 ? "parse" : f.step > spec.processors.count ? "output" : spec.processors[f.step - 1].kind
            DeadLetterEnvelope.write(into: dead, batch: batch, row: f.row, processor: name, step: f.step, error: f.message, time: now)
            reasons.append((f.row, f.step, name, f.message))
        }
        return ProcessedBatch(outputs: outputs, deadLetters: dead, filtered: filtered, deadLetterReasons: reasons)
    }
}

/// The columns of a batch while processors run: names, columns, and per column
/// the "JSON as written" flags of string columns decoded from untyped fields.
struct BatchState {
    var names: [String]
    var columns: [Column]
    var raw: [[UInt8]?]
    let rowCount: Int
    /// Per column: decoded from the records and not set since, so a record that lacked the
    /// field is written without it.
    var passThrough: [Bool] = []

    init(names: [String], columns: [Column], raw: [[UInt8]?], rowCount: Int) {
        self.names = names
        self.columns = columns
        self.raw = raw
        self.rowCount = rowCount
        self.passThrough = Array(repeating: false, count: names.count)
    }

    func column(_ name: String) -> Column? { names.firstIndex(of: name).map { columns[$0] } }

    mutating func set(_ name: String, _ column: Column, _ flags: [UInt8]?) {
        if let i = names.firstIndex(of: name) {
            columns[i] = column
            raw[i] = flags
            passThrough[i] = false
        } else {
            names.append(name)
            columns.append(column)
            raw.append(flags)
            passThrough.append(false)
        }
    }

    var table: Table { try! Table(Array(zip(names, columns))) }

    /// Binds and evaluates `text`; when evaluation fails for the batch, evaluates row
    /// by row so only the rows that fail are reported.
    func evaluate(_ text: String, alive: [Bool]) -> (Column, [(Int, String)]) {
        let table = self.table
        let bound: BoundExpression
        do { bound = try BoundExpression(text, schema: table.schema) } catch {
            let message = "\(error)"
            return (ColumnBuilder(type: .bool).finishNulls(rowCount), alive.indices.filter { alive[$0] }.map { ($0, message) })
        }
        if let column = try? bound.evaluate(on: table) { return (column, []) }
        var builder = ColumnBuilder(type: bound.type, capacity: rowCount)
        var errors: [(Int, String)] = []
        for row in 0..<rowCount {
            guard alive[row] else { builder.appendNull(); continue }
            do {
                let one = try bound.evaluate(on: table.slice(row..<row + 1))
                builder.append(from: one, at: 0)
            } catch {
                builder.appendNull()
                errors.append((row, "\(error)".replacingOccurrences(of: "\n", with: " ")))
            }
        }
        return (builder.finish(), errors)
    }

    /// A field's column: a bare field name keeps its JSON; anything else is evaluated.
    func value(_ text: String, alive: [Bool]) -> (Column, [UInt8]?, [(Int, String)]) {
        if case .column(let name, _)? = try? Expression(parsing: text).root, let i = names.firstIndex(of: name) {
            return (columns[i], raw[i], [])
        }
        let (column, errors) = evaluate(text, alive: alive)
        return (column, nil, errors)
    }

    mutating func assign(_ name: String, _ text: String, alive: [Bool]) -> [(Int, String)] {
        let (column, flags, errors) = value(text, alive: alive)
        set(name, column, flags)
        return errors
    }

    /// Fills null or missing values of `name` with the JSON text `json`.
    mutating func applyDefault(_ name: String, json: String) {
        let existing = column(name)
        let flags = names.firstIndex(of: name).flatMap { raw[$0] }
        if let existing, existing.nullCount == 0 { return }
        var builder = ColumnBuilder(type: .string, capacity: rowCount)
        var newFlags = [UInt8](repeating: 0, count: rowCount)
        var writer = ByteWriter(capacity: 256)
        defer { writer.deallocate() }
        let source = existing.map(CellSource.init)
        var json = json
        withExtendedLifetime(existing) {
            json.withUTF8 { defaultBytes in
                for row in 0..<rowCount {
                    if let existing, !existing.isNull(row) {
                        if case .string(let strings)? = source {
                            builder.append(utf8: UnsafeRawBufferPointer(strings[row]))
                            newFlags[row] = flags?[row] == RecordDecoder.asWritten ? RecordDecoder.asWritten : 0
                        } else {
                            writer.count = 0
                            writer.putJSONValue(source!, nil, nil, row: row)
                            builder.append(utf8: UnsafeRawBufferPointer(start: writer.base, count: writer.count))
                            newFlags[row] = 1
                        }
                    } else {
                        builder.append(utf8: UnsafeRawBufferPointer(defaultBytes))
                        newFlags[row] = 1
                    }
                }
            }
        }
        set(name, builder.finish(), newFlags)
    }

    /// Binds a processor's expressions on an empty batch (types only) and updates the fields.
    mutating func dryRun(_ processor: ProcessorSpec) throws {
        let schema = table.schema
        switch processor {
        case .validate(let v):
            if let c = v.check { try expectBool(try BoundExpression(c, schema: schema), c) }
        case .enrich(let e):
            for (name, text) in e.fields { try dryAssign(name, text) }
            for (name, _) in e.defaults { set(name, ColumnBuilder(type: .string).finish(), []) }
        case .map(let m):
            let before = self
            self = BatchState(names: [], columns: [], raw: [], rowCount: 0)
            for (name, text) in m.fields {
                var copy = before
                try copy.dryAssign("\u{0}result", text)
                set(name, copy.column("\u{0}result")!, copy.raw[copy.names.firstIndex(of: "\u{0}result")!])
            }
        case .filter(let text): try expectBool(try BoundExpression(text, schema: schema), text)
        case .route(let rules): for r in rules { try expectBool(try BoundExpression(r.condition, schema: schema), r.condition) }
        }
    }

    private mutating func dryAssign(_ name: String, _ text: String) throws {
        if case .column(let source, _)? = try? Expression(parsing: text).root, let i = names.firstIndex(of: source) {
            set(name, columns[i], raw[i]); return
        }
        let bound = try BoundExpression(text, schema: table.schema)
        set(name, ColumnBuilder(type: bound.type).finish(), nil)
    }

    private func expectBool(_ bound: BoundExpression, _ text: String) throws {
        guard bound.type == .bool else {
            throw ExpressionError(.typeMismatch, message: "a condition must be true or false, found \(bound.type)", expression: text, position: 0)
        }
    }
}

extension ColumnBuilder {
    /// A column of `count` nulls.
    func finishNulls(_ count: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: count)
        for _ in 0..<count { b.appendNull() }
        return b.finish()
    }
}
