extension CheckSpec {
    /// The columns the check names (`column:`, `columns:`), in order.
    public var columns: [String] {
        var names: [String] = []
        if case .text(let column)? = options["column"] { names.append(column) }
        if case .texts(let list)? = options["columns"] { names += list }
        return names
    }

    /// `kind(column, …)`, or the check's own name: how docs and reports refer to it.
    public var label: String {
        if let name { return name }
        return columns.isEmpty ? kind : "\(kind)(\(columns.joined(separator: ", ")))"
    }
}
