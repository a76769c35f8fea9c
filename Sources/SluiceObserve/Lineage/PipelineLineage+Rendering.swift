import SluiceCore

extension PipelineLineage {
    /// Output formats of `sluice lineage`.
    public enum Format: String, Sendable, CaseIterable { case text, json, mermaid, dot }

    /// The graph in `format`.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .text: textReport()
        case .json: json().rendered(pretty: true) + "\n"
        case .mermaid: mermaid()
        case .dot: dot()
        }
    }

    /// A short label for a dataset: its name, or the file name of a file.
    func label(_ name: DatasetName) -> String {
        name.namespace == "file" ? String(name.name.split(separator: "/").last ?? Substring(name.name)) : name.name
    }

    /// Destinations' columns, end to end, grouped by source field.
    public var outputColumnLineage: [(dataset: DatasetName, column: LineageColumn)] {
        datasets.filter { $0.role == .destination }.flatMap { d in d.shape.columns.map { (d.name, $0) } }
    }

    // MARK: - Text

    public func textReport() -> String {
        var out = "pipeline \(pipeline)  (job namespace \(namespace))\n\ndatasets\n"
        for dataset in datasets where dataset.role != .intermediate {
            out += "  \(dataset.role == .source ? "in " : "out") \(dataset.name)"
            if let connection = dataset.connection { out += "   via \(connection)" }
            out += "\n"
        }
        out += "\njobs\n"
        let width = jobs.map(\.task.count).max() ?? 0
        for job in jobs {
            let inputs = job.inputs.map(label).joined(separator: ", ")
            let outputs = job.outputs.map(label).joined(separator: ", ")
            out += "  " + job.task.padding(width) + "  \(job.kind.padding(9))  [\(inputs)] → [\(outputs)]\n"
        }
        for dataset in datasets where dataset.role == .destination {
            out += "\ncolumns of \(dataset.name.name)\n"
            let columnWidth = dataset.shape.columns.map(\.name.count).max() ?? 0
            for column in dataset.shape.columns {
                let sources = column.inputs.bySource
                if sources.isEmpty { out += "  " + column.name.padding(columnWidth) + "  ← (no input column)\n" }
                for (i, (source, transformations)) in sources.enumerated() {
                    out += "  " + (i == 0 ? column.name : "").padding(columnWidth) + "  ← " + source.description
                    out += "  " + transformations.map { $0.description }.joined(separator: "; ") + "\n"
                }
            }
            let rowInputs = dataset.shape.datasetInputs.bySource
            if !rowInputs.isEmpty {
                out += "  rows decided by: " + rowInputs.map { "\($0.source) (\($0.transformations.map(\.subtype.rawValue).joined(separator: ", ")))" }.joined(separator: ", ") + "\n"
            }
        }
        for note in notes { out += "\nnote: \(note)" }
        if !notes.isEmpty { out += "\n" }
        return out
    }

    // MARK: - JSON

    /// The graph as JSON: datasets (with fields and their end-to-end inputs), jobs, notes.
    public func json() -> JSONValue {
        func field(_ column: LineageColumn) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("name", .string(column.name))]
            if let type = column.type { pairs.append(("type", .string(type.description))) }
            pairs.append(("inputFields", dependencies(column.inputs)))
            return .object(pairs)
        }
        let datasetValues: [JSONValue] = datasets.map { dataset in
            var pairs: [(String, JSONValue)] = [("namespace", .string(dataset.name.namespace)), ("name", .string(dataset.name.name)),
                                                ("role", .string(dataset.role.rawValue))]
            if let connection = dataset.connection { pairs.append(("connection", .string(connection))) }
            if let producer = dataset.producer { pairs.append(("producer", .string(producer))) }
            pairs.append(("fields", .array(dataset.shape.columns.map(field))))
            if !dataset.shape.datasetInputs.isEmpty { pairs.append(("datasetInputs", dependencies(dataset.shape.datasetInputs))) }
            if dataset.shape.isOpen { pairs.append(("open", true)) }
            return .object(pairs)
        }
        let jobValues: [JSONValue] = jobs.map { job in
            var pairs: [(String, JSONValue)] = [("namespace", .string(namespace)), ("name", .string(pipeline + "." + job.task)),
                                                ("task", .string(job.task)), ("kind", .string(job.kind))]
            if let description = job.description { pairs.append(("description", .string(description))) }
            pairs.append(("inputs", .array(job.inputs.map { .object([("namespace", .string($0.namespace)), ("name", .string($0.name))]) })))
            pairs.append(("outputs", .array(job.outputs.map { .object([("namespace", .string($0.namespace)), ("name", .string($0.name))]) })))
            return .object(pairs)
        }
        return .object([("pipeline", .string(pipeline)), ("namespace", .string(namespace)), ("datasets", .array(datasetValues)),
                        ("jobs", .array(jobValues)), ("notes", .array(notes.map { .string($0) }))])
    }

    /// Dependencies in the shape of the OpenLineage column-lineage facet's `inputFields`.
    func dependencies(_ dependencies: [FieldDependency]) -> JSONValue {
        .array(dependencies.bySource.map { source, transformations in
            .object([("namespace", .string(source.dataset.namespace)), ("name", .string(source.dataset.name)), ("field", .string(source.field)),
                     ("transformations", .array(transformations.map(\.json)))])
        })
    }

    // MARK: - Mermaid

    /// A Mermaid flowchart: datasets as boxes listing their columns' sources, tasks as
    /// rounded nodes, and one edge per source column → output column.
    public func mermaid() -> String {
        var out = "flowchart LR\n"
        var ids: [DatasetName: String] = [:]
        for (i, dataset) in datasets.enumerated() where dataset.role != .intermediate { ids[dataset.name] = "d\(i)" }
        for (name, id) in ids.sorted(by: { $0.value < $1.value }) {
            let dataset = self.dataset(name)!
            out += "  subgraph \(id)[\"\(mermaidText(dataset.name.description))\"]\n"
            let columns = dataset.role == .destination ? dataset.shape.columns.map(\.name) : usedColumns(of: name)
            for column in columns { out += "    \(id)_\(safeID(column))[\"\(mermaidText(column))\"]\n" }
            out += "  end\n"
        }
        for (i, job) in jobs.enumerated() {
            out += "  j\(i)([\"\(mermaidText(job.task)) · \(job.kind)\"])\n"
        }
        // Task flow between the jobs, through their tables.
        for (i, job) in jobs.enumerated() {
            for input in job.inputs {
                if let source = ids[input] { out += "  \(source) --> j\(i)\n" }
                if let producer = dataset(input)?.producer, let p = jobs.firstIndex(where: { $0.task == producer }), dataset(input)?.role == .intermediate {
                    out += "  j\(p) --> j\(i)\n"
                }
            }
            for output in job.outputs { if let target = ids[output] { out += "  j\(i) --> \(target)\n" } }
        }
        for dataset in datasets where dataset.role == .destination {
            let target = ids[dataset.name]!
            for column in dataset.shape.columns {
                for (source, transformations) in column.inputs.bySource {
                    guard let sourceID = ids[source.dataset] else { continue }
                    let arrow = transformations.contains { $0.kind == .direct } ? "-->" : "-.->"
                    let label = transformations.map(\.subtype.rawValue).joined(separator: ", ")
                    out += "  \(sourceID)_\(safeID(source.field)) \(arrow)|\(label)| \(target)_\(safeID(column.name))\n"
                }
            }
        }
        return out
    }

    /// Columns of a source that some destination column or row decision reads.
    func usedColumns(of dataset: DatasetName) -> [String] {
        var names: [String] = []
        for output in datasets where output.role == .destination {
            for dependency in output.shape.columns.flatMap(\.inputs) + output.shape.datasetInputs where dependency.source.dataset == dataset {
                if !names.contains(dependency.source.field) { names.append(dependency.source.field) }
            }
        }
        if names.isEmpty, let own = self.dataset(dataset) { names = own.shape.columns.map(\.name) }
        return names
    }

    func mermaidText(_ text: String) -> String { text.replacing("\"", with: "#quot;") }
    func safeID(_ text: String) -> String { String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" }) }

    // MARK: - Graphviz

    /// A Graphviz digraph: datasets as tables of their columns, tasks as ellipses, column
    /// edges solid for direct and dashed for indirect lineage.
    public func dot() -> String {
        var out = "digraph \"\(dotText(pipeline))\" {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
        var ids: [DatasetName: String] = [:]
        for (i, dataset) in datasets.enumerated() where dataset.role != .intermediate { ids[dataset.name] = "d\(i)" }
        for (name, id) in ids.sorted(by: { $0.value < $1.value }) {
            let dataset = self.dataset(name)!
            let columns = dataset.role == .destination ? dataset.shape.columns.map(\.name) : usedColumns(of: name)
            var label = "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\"><tr><td bgcolor=\"\(dataset.role == .source ? "#dbeafe" : "#dcfce7")\"><b>\(htmlText(dataset.name.description))</b></td></tr>"
            for column in columns { label += "<tr><td port=\"\(safeID(column))\" align=\"left\">\(htmlText(column))</td></tr>" }
            label += "</table>"
            out += "  \(id) [shape=plain, label=<\(label)>];\n"
        }
        for (i, job) in jobs.enumerated() { out += "  j\(i) [shape=box, style=rounded, label=\"\(dotText(job.task))\\n\(job.kind)\"];\n" }
        for (i, job) in jobs.enumerated() {
            for input in job.inputs {
                if let source = ids[input] { out += "  \(source) -> j\(i) [color=gray];\n" }
                if let producer = dataset(input)?.producer, let p = jobs.firstIndex(where: { $0.task == producer }), dataset(input)?.role == .intermediate {
                    out += "  j\(p) -> j\(i) [color=gray];\n"
                }
            }
            for output in job.outputs { if let target = ids[output] { out += "  j\(i) -> \(target) [color=gray];\n" } }
        }
        for dataset in datasets where dataset.role == .destination {
            let target = ids[dataset.name]!
            for column in dataset.shape.columns {
                for (source, transformations) in column.inputs.bySource {
                    guard let sourceID = ids[source.dataset] else { continue }
                    let direct = transformations.contains { $0.kind == .direct }
                    let label = transformations.map(\.subtype.rawValue).joined(separator: ", ")
                    out += "  \(sourceID):\(safeID(source.field)) -> \(target):\(safeID(column.name)) [label=\"\(label)\"\(direct ? "" : ", style=dashed")];\n"
                }
            }
        }
        return out + "}\n"
    }

    func dotText(_ text: String) -> String { text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") }
}

/// `text` escaped for HTML and SVG (the one markup escaper).
func htmlText(_ text: String) -> String { markupEscaped(text) }

extension ColumnTransformation {
    /// The transformation as in the OpenLineage column-lineage facet.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string(kind.rawValue)), ("subtype", .string(subtype.rawValue))]
        if let detail { pairs.append(("description", .string(detail))) }
        pairs.append(("masking", .bool(masking)))
        return .object(pairs)
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
