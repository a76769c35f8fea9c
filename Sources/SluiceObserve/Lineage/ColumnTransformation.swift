/// How an input field reaches an output field, in OpenLineage's column-lineage terms.
///
/// `DIRECT` means the output's value is computed from the input's (`IDENTITY`,
/// `TRANSFORMATION`, `AGGREGATION`); `INDIRECT` means the input only decides which rows
/// or which branch (`JOIN`, `GROUP_BY`, `FILTER`, `SORT`, `CONDITIONAL`).
///
/// ```swift
/// let lowered = ColumnTransformation.transformation("lower(trim(email))")
/// ColumnTransformation.identity.then(lowered) == lowered   // true
/// ```
public struct ColumnTransformation: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable { case direct = "DIRECT", indirect = "INDIRECT" }
    public enum Subtype: String, Sendable, Hashable, CaseIterable {
        case identity = "IDENTITY", transformation = "TRANSFORMATION", aggregation = "AGGREGATION"
        case join = "JOIN", groupBy = "GROUP_BY", filter = "FILTER", sort = "SORT", window = "WINDOW", conditional = "CONDITIONAL"
    }
    public var kind: Kind
    public var subtype: Subtype
    /// The transformation in words or as an expression (`lower(trim(email))`): the facet's `description`.
    public var detail: String?
    /// Whether the output hides the input's values (a count, a hash).
    public var masking: Bool

    public init(_ kind: Kind, _ subtype: Subtype, description: String? = nil, masking: Bool = false) {
        self.kind = kind
        self.subtype = subtype
        self.detail = description
        self.masking = masking
    }

    public static let identity = ColumnTransformation(.direct, .identity)
    public static func transformation(_ description: String, masking: Bool = false) -> ColumnTransformation {
        ColumnTransformation(.direct, .transformation, description: description, masking: masking)
    }
    public static func aggregation(_ description: String, masking: Bool = false) -> ColumnTransformation {
        ColumnTransformation(.direct, .aggregation, description: description, masking: masking)
    }
    public static func indirect(_ subtype: Subtype, _ description: String? = nil) -> ColumnTransformation {
        ColumnTransformation(.indirect, subtype, description: description)
    }

    /// This transformation followed by `outer` (the value went through both).
    ///
    /// Indirect wins over direct (the outer one's subtype when both are indirect);
    /// between direct ones, aggregation wins over transformation over identity.
    /// Descriptions are chained with `→`.
    public func then(_ outer: ColumnTransformation) -> ColumnTransformation {
        let kind: Kind = kind == .indirect || outer.kind == .indirect ? .indirect : .direct
        let subtype: Subtype
        switch (self.kind, outer.kind) {
        case (_, .indirect): subtype = outer.subtype
        case (.indirect, .direct): subtype = self.subtype
        case (.direct, .direct): subtype = Self.rank(self.subtype) >= Self.rank(outer.subtype) ? self.subtype : outer.subtype
        }
        let text: String?
        switch (detail, outer.detail) {
        case (nil, let b): text = b
        case (let a, nil): text = a
        case (let a?, let b?): text = a == b ? a : a + " → " + b
        }
        return ColumnTransformation(kind, subtype, description: text, masking: masking || outer.masking)
    }

    static func rank(_ subtype: Subtype) -> Int {
        switch subtype {
        case .identity: 0
        case .transformation: 1
        case .aggregation: 2
        default: 3
        }
    }

    /// `DIRECT/TRANSFORMATION lower(trim(email))`.
    public var description: String {
        kind.rawValue + "/" + subtype.rawValue + (masking ? " (masking)" : "") + (detail.map { " " + $0 } ?? "")
    }
}

/// One field of one dataset.
public struct FieldRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var dataset: DatasetName
    public var field: String

    public init(_ dataset: DatasetName, _ field: String) {
        self.dataset = dataset
        self.field = field
    }

    public static func < (a: FieldRef, b: FieldRef) -> Bool { (a.dataset, a.field) < (b.dataset, b.field) }
    public var description: String { dataset.name + "." + field }
}

/// An output depends on `source` through `transformation`.
public struct FieldDependency: Hashable, Sendable {
    public var source: FieldRef
    public var transformation: ColumnTransformation

    public init(_ source: FieldRef, _ transformation: ColumnTransformation) {
        self.source = source
        self.transformation = transformation
    }
}

extension Array where Element == FieldDependency {
    /// Appends `dependency` unless an equal one is present.
    mutating func add(_ dependency: FieldDependency) {
        if !contains(dependency) { append(dependency) }
    }

    mutating func add(contentsOf dependencies: [FieldDependency]) {
        for dependency in dependencies { add(dependency) }
    }

    /// Every dependency with `outer` applied after its transformation.
    func then(_ outer: ColumnTransformation) -> [FieldDependency] {
        map { FieldDependency($0.source, $0.transformation.then(outer)) }
    }

    /// The dependencies grouped by source field, sources in first-seen order.
    public var bySource: [(source: FieldRef, transformations: [ColumnTransformation])] {
        var order: [FieldRef] = [], groups: [FieldRef: [ColumnTransformation]] = [:]
        for dependency in self {
            if groups[dependency.source] == nil { order.append(dependency.source) }
            if !(groups[dependency.source] ?? []).contains(dependency.transformation) {
                groups[dependency.source, default: []].append(dependency.transformation)
            }
        }
        return order.map { ($0, groups[$0]!) }
    }
}
