import SluiceCore

/// One column of a table whose lineage is known: its name, its type when known, and the
/// fields it is computed from.
public struct LineageColumn: Sendable, Equatable {
    public var name: String
    public var type: DataType?
    public var inputs: [FieldDependency]

    public init(name: String, type: DataType? = nil, inputs: [FieldDependency] = []) {
        self.name = name
        self.type = type
        self.inputs = inputs
    }
}

/// The columns of a table as lineage sees them, before any data is read: names, types when
/// known, and for each column the input fields it depends on. ``datasetInputs`` are the
/// fields that decide which rows there are (filters, join and group keys, sort keys).
///
/// A shape is *open* when not every column is known (`SELECT *`, a file not read yet):
/// a column asked for by name then passes through from ``openSource`` unchanged.
public struct TableShape: Sendable, Equatable {
    public var columns: [LineageColumn]
    public var datasetInputs: [FieldDependency]
    public var openSource: DatasetName?

    public init(columns: [LineageColumn] = [], datasetInputs: [FieldDependency] = [], openSource: DatasetName? = nil) {
        self.columns = columns
        self.datasetInputs = datasetInputs
        self.openSource = openSource
    }

    /// Every column of `dataset` as itself: the start of a task's own (one-hop) lineage.
    public static func identity(of dataset: DatasetName, like shape: TableShape) -> TableShape {
        TableShape(columns: shape.columns.map { LineageColumn(name: $0.name, type: $0.type, inputs: [FieldDependency(FieldRef(dataset, $0.name), .identity)]) },
                   openSource: shape.openSource == nil ? nil : dataset)
    }

    /// Columns `names` of `dataset`, types when known.
    public static func dataset(_ dataset: DatasetName, fields: [(String, DataType?)], open: Bool = false) -> TableShape {
        TableShape(columns: fields.map { LineageColumn(name: $0.0, type: $0.1, inputs: [FieldDependency(FieldRef(dataset, $0.0), .identity)]) },
                   openSource: open ? dataset : nil)
    }

    public var isOpen: Bool { openSource != nil }
    public var names: [String] { columns.map(\.name) }

    /// The column `name`, or a pass-through of the open source, or nil.
    public func column(named name: String) -> LineageColumn? {
        if let column = columns.first(where: { $0.name == name }) { return column }
        guard let openSource else { return nil }
        return LineageColumn(name: name, inputs: [FieldDependency(FieldRef(openSource, name), .identity)])
    }

    /// The inputs of column `name` with `transformation` applied after (empty for an unknown column).
    func inputs(of name: String, then transformation: ColumnTransformation) -> [FieldDependency] {
        column(named: name)?.inputs.then(transformation) ?? []
    }

    /// Sets (replacing, or appending) a column.
    mutating func set(_ column: LineageColumn) {
        if let i = columns.firstIndex(where: { $0.name == column.name }) { columns[i] = column } else { columns.append(column) }
    }

    /// Adds whole-table dependencies on `names` (a filter, join keys …).
    mutating func addDatasetInputs(_ names: [String], _ transformation: ColumnTransformation) {
        for name in names { datasetInputs.add(contentsOf: inputs(of: name, then: transformation)) }
    }

    /// This shape's lineage pushed back through `upstream`: every dependency on a field of
    /// `dataset` (the upstream task's table) is replaced by that field's own dependencies.
    public func resolved(_ dataset: DatasetName, through upstream: TableShape) -> TableShape {
        func resolve(_ dependencies: [FieldDependency]) -> [FieldDependency] {
            var result: [FieldDependency] = []
            for dependency in dependencies {
                if dependency.source.dataset == dataset {
                    result.add(contentsOf: upstream.inputs(of: dependency.source.field, then: dependency.transformation))
                } else {
                    result.add(dependency)
                }
            }
            return result
        }
        var datasetInputs = upstream.datasetInputs
        datasetInputs.add(contentsOf: resolve(self.datasetInputs))
        return TableShape(columns: columns.map { LineageColumn(name: $0.name, type: $0.type, inputs: resolve($0.inputs)) },
                          datasetInputs: datasetInputs,
                          openSource: openSource == dataset ? upstream.openSource : openSource)
    }
}
