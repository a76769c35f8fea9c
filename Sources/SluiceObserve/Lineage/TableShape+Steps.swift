import SluiceCore
import SluiceTransform

extension TableShape {
    /// Functions whose result hides the values they read.
    static let maskingFunctions: Set<String> = ["md5", "sha1", "sha256", "sha512", "hash", "xxhash64"]

    /// The dependencies of a column computed by `text` (an expression of Sluice's language):
    /// a bare column is an identity, other value references a transformation described by
    /// the text, `case when` tests are indirect (conditional). Unparsable text depends on nothing.
    func inputs(ofExpression text: String) -> [FieldDependency] {
        guard let parsed = try? Expression(parsing: text) else { return [] }
        if case .column(let name, _) = parsed.root { return inputs(of: name, then: .identity) }
        let masking = Self.callsMaskingFunction(parsed.root)
        var result: [FieldDependency] = []
        for reference in parsed.root.columnReferences() {
            let transformation: ColumnTransformation = reference.role == .condition
                ? .indirect(.conditional, text) : .transformation(text, masking: masking)
            result.add(contentsOf: inputs(of: reference.name, then: transformation))
        }
        return result
    }

    /// `100` for 100.0, `2.5`, `inf`.
    static func number(_ value: Double) -> String {
        if value == .infinity { return "inf" }
        if value == -.infinity { return "-inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : formatDouble(value)
    }

    static func callsMaskingFunction(_ node: ExpressionNode) -> Bool {
        switch node {
        case .call(let name, let arguments, _):
            return maskingFunctions.contains(name.lowercased()) || arguments.contains(where: callsMaskingFunction)
        case .unary(_, let a, _), .isNull(let a, _, _), .cast(let a, _, _): return callsMaskingFunction(a)
        case .binary(_, let a, let b, _), .like(let a, let b, _, _): return callsMaskingFunction(a) || callsMaskingFunction(b)
        default: return false
        }
    }

    /// The shape after one transform step. `other` names the dataset a `join`/`union`
    /// step reads (with that dataset's shape).
    ///
    /// - Parameters:
    ///   - step: the step.
    ///   - other: for `join` and `union`, the dataset and shape of the other table.
    public func applying(_ step: Step, other: (DatasetName, TableShape)? = nil) -> TableShape {
        var result = self
        switch step {
        case .select(let names):
            result.columns = names.map { column(named: $0) ?? LineageColumn(name: $0) }
            result.openSource = nil
        case .drop(let names):
            result.columns.removeAll { names.contains($0.name) }
        case .rename(let pairs):
            for (old, new) in pairs {
                var column = column(named: old) ?? LineageColumn(name: old)
                column.name = new
                if let i = result.columns.firstIndex(where: { $0.name == old }) { result.columns[i] = column } else { result.columns.append(column) }
            }
        case .derive(let pairs):
            for (name, text) in pairs {
                let type = (try? Expression(parsing: text)).flatMap { parsed -> DataType? in
                    if case .column(let source, _) = parsed.root { return result.column(named: source)?.type }
                    return nil
                }
                result.set(LineageColumn(name: name, type: type, inputs: result.inputs(ofExpression: text)))
            }
        case .filter(let text):
            let names = (try? Expression(parsing: text))?.root.columnReferences().map(\.name) ?? []
            result.addDatasetInputs(names, .indirect(.filter, text))
        case .cast(let pairs):
            for (name, type) in pairs {
                result.set(LineageColumn(name: name, type: type, inputs: inputs(of: name, then: .transformation("cast(\(name) as \(type))"))))
            }
        case .fillNull(let pairs):
            for (name, value) in pairs {
                result.set(LineageColumn(name: name, type: column(named: name)?.type,
                                         inputs: inputs(of: name, then: .transformation("coalesce(\(name), \(value))"))))
            }
        case .bucket(let spec):
            let edges = spec.edges.map(Self.number)
            var text = "bucket(\(spec.column); edges \(edges.joined(separator: ", "))"
            if let labels = spec.labels { text += " → " + labels.joined(separator: ", ") }
            text += ")"
            result.set(LineageColumn(name: spec.into, type: .string, inputs: inputs(of: spec.column, then: .indirect(.conditional, text))))
        case .dedupe(let keys, _):
            result.addDatasetInputs(keys.isEmpty ? names : keys, .indirect(.filter, "dedupe"))
        case .sort(let keys):
            result.addDatasetInputs(keys.map(\.column), .indirect(.sort, "sort"))
        case .limit:
            break
        case .join(let spec):
            guard let (dataset, right) = other else { break }
            let description = "join " + spec.on.map { "\($0.0) = \($0.1)" }.joined(separator: " and ")
            result.addDatasetInputs(spec.on.map(\.0), .indirect(.join, description))
            for (_, rightKey) in spec.on {
                result.datasetInputs.add(contentsOf: right.inputs(of: rightKey, then: .indirect(.join, description)))
            }
            result.datasetInputs.add(contentsOf: right.datasetInputs)
            if spec.kind == .inner || spec.kind == .left {
                let rightKeys = Set(spec.on.map(\.1))
                var taken = Set(result.names)
                for column in right.columns where !rightKeys.contains(column.name) {
                    var name = column.name
                    while taken.contains(name) { name += "_right" }
                    taken.insert(name)
                    result.columns.append(LineageColumn(name: name, type: column.type, inputs: column.inputs))
                }
            }
            _ = dataset
        case .aggregate(let spec):
            var columns: [LineageColumn] = []
            for key in spec.by {
                columns.append(column(named: key) ?? LineageColumn(name: key))
            }
            for measure in spec.measures {
                let text = measure.function.rawValue + "(" + (measure.column ?? "*") + ")"
                let masking = measure.function == .count || measure.function == .countDistinct
                let inputs = measure.column.map { self.inputs(of: $0, then: .aggregation(text, masking: masking)) } ?? []
                let type: DataType? = masking ? .int64 : measure.column.flatMap { column(named: $0)?.type }.map { source -> DataType in
                    // As AggregateSpec computes them: decimals stay exact (sum 38 digits, avg 6 more places).
                    if case .decimal(_, let s) = source, measure.function == .sum { return .decimal(precision: 38, scale: s) }
                    if case .decimal(_, let s) = source, measure.function == .avg { return .decimal(precision: 38, scale: min(s + 6, 38)) }
                    return measure.function == .avg ? .float64 : source
                }
                columns.append(LineageColumn(name: measure.name, type: type, inputs: inputs))
            }
            result.columns = columns
            result.openSource = nil
            result.addDatasetInputs(spec.by, .indirect(.groupBy, "group by " + spec.by.joined(separator: ", ")))
        case .union(_):
            guard let (_, other) = other else { break }
            for i in result.columns.indices {
                result.columns[i].inputs.add(contentsOf: other.inputs(of: result.columns[i].name, then: .identity))
            }
            result.datasetInputs.add(contentsOf: other.datasetInputs)
        }
        return result
    }
}
