import SluiceCore
import SluiceSpec
import Yams

extension StreamSpec {
    /// Parses a stream spec written in YAML.
    ///
    /// ```yaml
    /// stream: user_events
    /// input: { file: events.jsonl }            # or { kafka: { topic: raw, group: g, brokers: "${KAFKA_BROKERS}" } }
    /// processors:
    ///   - validate: { required: [user_id, event_type, timestamp] }
    ///   - enrich:
    ///       fields: { processed_at: "now()", event_id: "user_id || '_' || timestamp" }
    ///       defaults: { metadata: {} }
    ///   - map: { id: event_id, user_id: user_id }
    /// output: { file: processed.jsonl }
    /// dead_letter: { file: dlq.jsonl }
    /// ```
    ///
    /// `${VAR}` in a value is replaced from `environment`. Every problem is collected
    /// before one error is thrown; expressions are parsed and field names checked
    /// (after a `map`, only the fields it keeps exist).
    ///
    /// - Throws: ``StreamError`` `.invalidSpec` with one ``StreamDiagnostic`` per problem.
    public init(yaml: String, file: String = "<spec>", environment: [String: String] = [:]) throws {
        let parser = StreamSpecParser(file: file, environment: environment)
        let node: Node?
        do { node = try SpecDocument.compose(yaml, file: file) } catch let error as SpecDiagnostic {
            throw StreamError(.invalidSpec, message: "\(file): \(error.message)", diagnostics: [error])
        }
        let spec = parser.spec(node)
        if parser.reader.hasProblems || spec == nil {
            throw StreamError(.invalidSpec, message: "\(file): invalid stream spec", diagnostics: parser.reader.sortedDiagnostics)
        }
        self = spec!
    }
}

extension StreamSpec {
    /// The input fields processors are bound against: ``fields``, or else the fields validate
    /// (`required`, `types`) and enrich `defaults` name; nil when the spec declares none
    /// (then input field names are not checked).
    public var declaredInputFields: [String]? { StreamSpecParser.declaredInputFields(processors, fields: fields) }
}

/// Turns YAML nodes into a ``StreamSpec``, collecting located problems.
struct StreamSpecParser {
    let file: String
    let environment: [String: String]
    let reader: SpecReader

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
        reader = SpecReader(file: file)
    }

    static let topKeys = StreamSpec.topSection.names
    static let processorNames = StreamSpec.processorsSection.names
    static let endpointKeys = StreamSpec.endpointSection.names
    static let kafkaKeys = StreamSpec.kafkaSection.names
    static let settingKeys = StreamSpec.settingsSection.names

    func report(_ node: Node?, _ message: String, hint: String? = nil) {
        reader.report(.invalidValue, at: node, message, hint: hint)
    }

    func unknownKey(_ key: String, _ node: Node, in what: String, allowed: [String]) {
        reader.report(.unknownKey, at: node, "unknown key \(quotedForMessage(key)) in \(what)", hint: SpecReader.didYouMean(key, among: allowed))
    }

    /// A scalar's text with `${VAR}` substituted.
    func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else { report(node, "\(what) must be a single value"); return nil }
        return substitute(scalar.string, node)
    }

    func substitute(_ text: String, _ node: Node) -> String {
        expandingVariables(in: text) { name in
            if let value = environment[name] { return value }
            report(node, "environment variable \(name) is not set", hint: "export \(name)=… before running, or write the value in the spec")
            return ""
        }
    }

    func mapping(_ node: Node?, _ what: String, example: String) -> [(String, Node, Node)]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else { report(node, "\(what) must be a map, e.g. \(example)"); return nil }
        return mapping.compactMap { pair in
            guard let key = pair.key.scalar?.string else { report(pair.key, "keys must be names"); return nil }
            return (key, pair.key, pair.value)
        }
    }

    func strings(_ node: Node?, _ what: String) -> [String] {
        guard let node else { return [] }
        if let sequence = node.sequence { return sequence.compactMap { string($0, what) } }
        return string(node, what).map { [$0] } ?? []
    }

    // MARK: Spec

    func spec(_ root: Node?) -> StreamSpec? {
        guard let root, let top = mapping(root, "a stream spec", example: "input: …, processors: […], output: …") else {
            report(root, "the spec is empty", hint: "a stream needs input, processors, output and dead_letter")
            return nil
        }
        var nodes: [String: (Node, Node)] = [:]
        for (key, keyNode, value) in top {
            if Self.topKeys.contains(key) { nodes[key] = (keyNode, value) } else {
                unknownKey(key, keyNode, in: "the stream spec", allowed: Self.topKeys)
            }
        }
        let kafkaDefaults = kafkaDefaults(nodes["kafka"]?.1)
        func required(_ key: String, example: String) -> Node? {
            guard let value = nodes[key]?.1 else {
                report(root, "the spec needs `\(key)`", hint: "e.g. \(key): \(example)")
                return nil
            }
            return value
        }
        var outputExpressions: [(text: String, node: Node)] = []   // Kafka keys and headers, over the output record
        var ignored: [(text: String, node: Node)] = []
        let input = required("input", example: "{ file: events.jsonl }").flatMap { endpoint($0, "input", kafkaDefaults, isInput: true, expressions: &ignored) }
        let output = required("output", example: "{ file: processed.jsonl }").flatMap {
            endpoint($0, "output", kafkaDefaults, isInput: false, expressions: &outputExpressions)
        }
        let deadLetter = required("dead_letter", example: "{ file: dlq.jsonl }").flatMap { endpoint($0, "dead_letter", kafkaDefaults, isInput: false, expressions: &ignored) }
        if !ignored.isEmpty {
            for (_, node) in ignored { report(node, "`key` and `headers` apply to `output` and `outputs` only", hint: "dead-letter envelopes keep the input's position; remove it here") }
        }
        var outputs: [(name: String, endpoint: Endpoint)] = []
        if let node = nodes["outputs"]?.1, let entries = mapping(node, "outputs", example: "{ purchases: { file: purchases.jsonl } }") {
            for (name, keyNode, value) in entries {
                if name == "output" || name == "dead_letter" { report(keyNode, "output name \"\(name)\" is reserved") }
                if let e = endpoint(value, "output \"\(name)\"", kafkaDefaults, isInput: false, expressions: &outputExpressions) { outputs.append((name, e)) }
            }
        }
        let fields = nodes["fields"].map { strings($0.1, "a field name") }
        var processors: [ProcessorSpec] = []
        var processorNodes: [Node] = []
        if let node = required("processors", example: "[ { validate: { required: [id] } } ]") {
            if let sequence = node.sequence {
                for item in sequence {
                    if let p = processor(item) { processors.append(p); processorNodes.append(item) }
                }
            } else {
                report(node, "processors must be a list, e.g.\n  - validate: { required: [user_id] }")
            }
        }
        let settings = settings(nodes["settings"]?.1)
        checkFields(processors, processorNodes, outputNames: ["output"] + outputs.map(\.name),
                    declared: fields.map { ($0, nodes["fields"]!.1) }, outputExpressions: outputExpressions)
        if let input, case .kafka(let k) = input, k.group == nil {
            report(nodes["input"]?.1, "a Kafka input needs `group` (the consumer group that owns the offsets)")
        }
        guard let input, let output, let deadLetter else { return nil }
        let name = string(nodes["stream"]?.1, "stream") ?? "stream"
        var spec = StreamSpec(name: name, input: input, processors: processors, output: output, outputs: outputs,
                              deadLetter: deadLetter, settings: settings, fields: fields)
        spec.processorLocations = processorNodes.map { ErrorLocation(file: file, line: $0.mark?.line ?? 0, column: $0.mark?.column ?? 0) }
        return spec
    }

    func kafkaDefaults(_ node: Node?) -> KafkaEndpoint {
        var result = KafkaEndpoint(topic: "", brokers: "")
        guard let entries = mapping(node, "kafka", example: "{ brokers: \"127.0.0.1:9092\", properties: { … } }") else { return result }
        for (key, keyNode, value) in entries {
            switch key {
            case "brokers": result.brokers = string(value, "brokers") ?? ""
            case "properties": result.properties = properties(value)
            default: unknownKey(key, keyNode, in: "kafka", allowed: ["brokers", "properties"])
            }
        }
        return result
    }

    func properties(_ node: Node) -> [String: String] {
        var result: [String: String] = [:]
        for (key, _, value) in mapping(node, "properties", example: "{ compression.type: zstd }") ?? [] {
            if let text = string(value, "a property value") { result[key] = text }
        }
        return result
    }

    func endpoint(_ node: Node, _ what: String, _ defaults: KafkaEndpoint, isInput: Bool,
                  expressions: inout [(text: String, node: Node)]) -> Endpoint? {
        guard let entries = mapping(node, what, example: "{ file: events.jsonl } or { kafka: { topic: events } }") else { return nil }
        guard entries.count == 1 else {
            report(node, "\(what) needs exactly one of: file, kafka")
            return nil
        }
        let (key, keyNode, value) = entries[0]
        switch key {
        case "file":
            guard let path = string(value, "file"), !path.isEmpty else { report(value, "file needs a path (or - for standard \(isInput ? "input" : "output"))"); return nil }
            return .file(path: path)
        case "kafka":
            var k = defaults
            if let scalar = value.scalar {
                k.topic = substitute(scalar.string, value)
            } else {
                for (key, keyNode, v) in mapping(value, "kafka", example: "{ topic: events, group: processor }") ?? [] {
                    switch key {
                    case "topic": k.topic = string(v, "topic") ?? ""
                    case "brokers": k.brokers = string(v, "brokers") ?? ""
                    case "group":
                        if !isInput { report(keyNode, "`group` applies to a Kafka input only") }
                        k.group = string(v, "group")
                    case "properties": k.properties.merge(properties(v)) { $1 }
                    case "key":
                        if isInput { report(keyNode, "`key` applies to a Kafka output only") }
                        k.key = string(v, "key")
                        if let text = k.key { expressions.append((text, v)) }
                    case "headers":
                        if isInput { report(keyNode, "`headers` applies to a Kafka output only") }
                        for (name, _, expression) in mapping(v, "headers", example: "{ event_type: event_type }") ?? [] {
                            guard let text = string(expression, "a header expression") else { continue }
                            k.headers.append(KafkaHeader(name: name, expression: text))
                            expressions.append((text, expression))
                        }
                    default: unknownKey(key, keyNode, in: "a kafka endpoint", allowed: Self.kafkaKeys)
                    }
                }
            }
            if k.topic.isEmpty { report(value, "a kafka endpoint needs `topic`") }
            if k.brokers.isEmpty && k.properties["bootstrap.servers"] == nil {
                report(value, "a kafka endpoint needs `brokers`", hint: "set it here or once under the top-level `kafka: { brokers: … }`")
            }
            return .kafka(k)
        default:
            unknownKey(key, keyNode, in: what, allowed: Self.endpointKeys)
            return nil
        }
    }

    // MARK: Processors

    func processor(_ node: Node) -> ProcessorSpec? {
        guard let mapping = node.mapping, mapping.count == 1, let pair = mapping.first,
              let name = pair.key.scalar?.string else {
            report(node, "each processor is one `name: settings` entry", hint: "processors: \(Self.processorNames.joined(separator: ", "))")
            return nil
        }
        let value = pair.value
        switch name {
        case "validate":
            var v = ValidateSpec()
            for (key, keyNode, item) in self.mapping(value, "validate", example: "{ required: [user_id] }") ?? [] {
                switch key {
                case "required": v.required = strings(item, "a field name")
                case "types":
                    for (field, _, typeNode) in self.mapping(item, "types", example: "{ user_id: string }") ?? [] {
                        guard let text = string(typeNode, "a type") else { continue }
                        do { v.types.append((field, try DataType(parsing: text))) } catch let error as CoreError {
                            report(typeNode, error.message, hint: error.hint)
                        } catch {}
                    }
                case "check": v.check = string(item, "check")
                case "message": v.message = string(item, "message")
                default: unknownKey(key, keyNode, in: "validate", allowed: ["required", "types", "check", "message"])
                }
            }
            return .validate(v)
        case "enrich":
            var e = EnrichSpec()
            for (key, keyNode, item) in self.mapping(value, "enrich", example: "{ fields: { event_id: \"user_id || '_' || timestamp\" } }") ?? [] {
                switch key {
                case "fields": e.fields = fieldPairs(item, "fields")
                case "defaults":
                    for (field, _, json) in self.mapping(item, "defaults", example: "{ metadata: {} }") ?? [] {
                        e.defaults.append((field, jsonText(json)))
                    }
                default: unknownKey(key, keyNode, in: "enrich", allowed: ["fields", "defaults"])
                }
            }
            return .enrich(e)
        case "map":
            return .map(EnrichSpec(fields: fieldPairs(value, "map")))
        case "filter":
            return string(value, "filter").map { .filter($0) }
        case "route":
            guard let sequence = value.sequence else {
                report(value, "route must be a list, e.g.\n  - { when: \"event_type = 'purchase'\", to: purchases }")
                return nil
            }
            var rules: [RouteRule] = []
            for item in sequence {
                var condition: String?, target: String?
                for (key, keyNode, v) in self.mapping(item, "a route rule", example: "{ when: …, to: … }") ?? [] {
                    switch key {
                    case "when": condition = string(v, "when")
                    case "to": target = string(v, "to")
                    default: unknownKey(key, keyNode, in: "a route rule", allowed: ["when", "to"])
                    }
                }
                guard let condition, let target else { report(item, "a route rule needs `when` and `to`"); continue }
                rules.append(RouteRule(when: condition, to: target))
            }
            return .route(rules)
        default:
            report(pair.key, "unknown processor \"\(name)\"",
                   hint: suggestion(for: name, among: Self.processorNames).map { "did you mean `\($0)`? Processors: \(Self.processorNames.joined(separator: ", "))" }
                       ?? "processors: \(Self.processorNames.joined(separator: ", "))")
            return nil
        }
    }

    func fieldPairs(_ node: Node, _ what: String) -> [(name: String, expression: String)] {
        (mapping(node, what, example: "{ id: event_id }") ?? []).compactMap { key, _, value in
            string(value, "an expression").map { (key, $0) }
        }
    }

    /// A YAML value as JSON text (for defaults such as `metadata: {}`).
    func jsonText(_ node: Node) -> String {
        switch node {
        case .mapping(let m):
            return "{" + m.map { jsonString($0.key.scalar?.string ?? "") + ":" + jsonText($0.value) }.joined(separator: ",") + "}"
        case .sequence(let s):
            return "[" + s.map(jsonText).joined(separator: ",") + "]"
        case .scalar(let scalar):
            let text = substitute(scalar.string, node)
            if scalar.style == .plain {
                if text == "null" || text == "~" || text.isEmpty { return "null" }
                if text == "true" || text == "false" { return text }
                if Int64(text) != nil { return text }
                if let d = Double(text), d.isFinite, text.first != "." { return text }
            }
            return jsonString(text)
        default:
            return "null"
        }
    }

    func settings(_ node: Node?) -> StreamSettings {
        var s = StreamSettings()
        for (key, keyNode, value) in mapping(node, "settings", example: "{ batch_size: 10000 }") ?? [] {
            func int(_ range: ClosedRange<Int>) -> Int? {
                guard let text = string(value, key), let n = Int(text), range.contains(n) else {
                    report(value, "\(key) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
                    return nil
                }
                return n
            }
            func duration() -> Duration? {
                guard let text = string(value, key) else { return nil }
                switch SpecDuration.seconds(text) {
                case .success(let seconds): return .milliseconds(Int64((seconds * 1000).rounded()))
                case .failure(.notADuration): report(value, "\(key) must be a duration such as 500ms, 2s or 1m")
                case .failure(let problem): report(value, "\(key) \(problem), found \(quotedForMessage(text))", hint: "durations are 0 to 3650d")
                }
                return nil
            }
            switch key {
            case "batch_size": s.batchSize = int(1...1_000_000) ?? s.batchSize
            case "max_record_bytes": s.maxRecordBytes = int(1...1 << 30) ?? s.maxRecordBytes
            case "max_attempts": s.maxAttempts = int(1...1000) ?? s.maxAttempts
            case "max_in_flight_batches": s.maxInFlightBatches = int(1...1000) ?? s.maxInFlightBatches
            case "workers": s.workers = int(1...8) ?? s.workers
            case "retry_backoff": s.retryBackoff = duration() ?? s.retryBackoff
            case "commit_interval": s.commitInterval = duration() ?? s.commitInterval
            case "status_interval": s.statusInterval = duration() ?? s.statusInterval
            default: unknownKey(key, keyNode, in: "settings", allowed: Self.settingKeys)
            }
        }
        return s
    }

    // MARK: Expressions and fields

    /// The fields input records carry, as far as the spec declares them: `fields:`, or else
    /// the fields validate (`required`, `types`) and enrich `defaults` name before the first
    /// `map`; nil when neither says (then input field names are not checked).
    static func declaredInputFields(_ processors: [ProcessorSpec], fields: [String]?) -> [String]? {
        if let fields { return fields }
        var names: [String] = []
        for processor in processors {
            switch processor {
            case .validate(let v): names += v.required + v.types.map(\.field)
            case .enrich(let e): names += e.defaults.map(\.name)
            case .map: break
            case .filter, .route: continue
            }
            if case .map = processor { break }
        }
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        return unique.isEmpty ? nil : unique
    }

    /// Binds every field reference: parses every expression and checks each field it reads
    /// against the fields that exist at that point — the declared input fields
    /// (``declaredInputFields(_:fields:)``) plus those enrich adds; after a `map`, only the
    /// fields it keeps. Kafka keys and headers are bound against the output record. Every
    /// problem is reported at its line and column, with "did you mean".
    func checkFields(_ processors: [ProcessorSpec], _ nodes: [Node], outputNames: [String],
                     declared: (names: [String], node: Node)?, outputExpressions: [(text: String, node: Node)]) {
        var known = Self.declaredInputFields(processors, fields: declared?.names)   // nil: open (input fields not declared)
        var afterMap = false
        func unknown(_ name: String, at node: Node, _ detail: String) {
            let declaration = afterMap ? "add it to the map"
                : declared == nil ? "the input fields are those validate (`required`, `types`) and enrich `defaults` name: declare every field records carry in `fields:`"
                : "add it to `fields:` if input records carry it, or set it with enrich before this point"
            let hint = suggestion(for: name, among: known ?? []).map { "did you mean `\($0)`? Or \(declaration)" } ?? declaration
            report(node, "no field \"\(name)\" at this point (fields: \((known ?? []).joined(separator: ", ")))\(detail)", hint: hint)
        }
        func check(_ text: String, _ node: Node) {
            do {
                let expression = try Expression(parsing: text)
                if let known {
                    for (name, position) in columnReferences(expression.root) where !known.contains(name) {
                        unknown(name, at: node, "\n  \(text)\n  \(String(repeating: " ", count: position))^")
                    }
                }
            } catch let error as ExpressionError {
                report(node, "\(error.message)\n  \(text)\n  \(String(repeating: " ", count: error.position))^", hint: error.hint)
            } catch {
                report(node, "\(error)")
            }
        }
        for (processor, node) in zip(processors, nodes) {
            let body = node.mapping?.first?.value ?? node
            func valueNode(_ key: String) -> Node { body.mapping?[key] ?? body }
            switch processor {
            case .validate(let v):
                if let known {
                    let requiredNodes = valueNode("required").sequence.map { Array($0) } ?? []
                    for (i, f) in v.required.enumerated() where !known.contains(f) {
                        unknown(f, at: i < requiredNodes.count ? requiredNodes[i] : valueNode("required"), "")
                    }
                    let typesNode = valueNode("types")
                    for f in v.types.map(\.field) where !known.contains(f) {
                        unknown(f, at: typesNode.mapping?.first(where: { $0.key.scalar?.string == f })?.key ?? typesNode, "")
                    }
                }
                if let c = v.check { check(c, valueNode("check")) }
            case .enrich(let e):
                let fieldsNode = valueNode("fields")
                for (name, text) in e.fields { check(text, fieldsNode.mapping?[name] ?? fieldsNode) }
                if known != nil { known! += (e.fields.map(\.name) + e.defaults.map(\.name)).filter { !known!.contains($0) } }
            case .map(let m):
                for (name, text) in m.fields { check(text, body.mapping?[name] ?? body) }
                known = m.fields.map(\.name)
                afterMap = true
            case .filter(let text):
                check(text, body)
            case .route(let rules):
                for (rule, ruleNode) in zip(rules, body.sequence ?? []) {
                    check(rule.condition, ruleNode.mapping?["when"] ?? ruleNode)
                    if !outputNames.contains(rule.output) {
                        report(ruleNode.mapping?["to"] ?? ruleNode, "route to unknown output \"\(rule.output)\"",
                               hint: (suggestion(for: rule.output, among: outputNames).map { "did you mean `\($0)`? " } ?? "")
                                   + "Declare it under `outputs:` (outputs: \(outputNames.joined(separator: ", ")))")
                    }
                }
            }
        }
        for (text, node) in outputExpressions { check(text, node) }
    }
}

/// Column names an expression reads, with their positions.
func columnReferences(_ node: ExpressionNode) -> [(String, Int)] {
    node.columnReferences().map { ($0.name, $0.position) }
}
