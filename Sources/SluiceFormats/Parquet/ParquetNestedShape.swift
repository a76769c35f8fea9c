import SluiceCore

/// The schema subtree of one nested top-level column (a struct, map, list, or any mix):
/// its nodes with their definition and repetition levels, and the plans of its leaves.
///
/// Sluice reads such a column as JSON text (``ParquetNestedAssembler``): a struct is an
/// object, a LIST (three-level, or the legacy two-level forms the Parquet spec keeps
/// readable) and an unannotated repeated field are arrays, a MAP is an object whose keys
/// are the map keys as text (`{"1":"a"}`, as `json.dumps` writes a dict).
struct ParquetNestedShape: Sendable {
    struct Node: Sendable, Equatable {
        indirect enum Kind: Sendable, Equatable {
            /// A leaf: its index in ``ParquetNestedShape/leaves``.
            case leaf(Int)
            case group([Node])
            /// A LIST-annotated group over `repeated`; the element is `repeated` itself
            /// (legacy two-level lists) or its only child.
            case list(repeated: Node, elementIsRepeated: Bool)
            /// A MAP-annotated group over a repeated key/value group.
            case map(repeated: Node)
        }
        var name: String
        var repetition: ParquetRepetition
        /// Definition level at which this node is present (counting itself).
        var maxDefinition: Int
        /// Repetition level of this node (counting itself when repeated).
        var maxRepetition: Int
        /// The leaves under this node (indices into ``ParquetNestedShape/leaves``).
        var leaves: Range<Int>
        var kind: Kind

        var children: [Node] {
            switch kind {
            case .leaf: []
            case .group(let nodes): nodes
            case .list(let repeated, _), .map(let repeated): [repeated]
            }
        }
    }

    var root: Node
    /// The leaf columns, in file order, each planned with its full levels.
    var leaves: [ParquetColumnPlan]

    /// A type description for notes and `schema`, e.g. `struct<a: int64, b: list<string>>`.
    var typeDescription: String { Self.describe(root, leaves: leaves, asInstance: false) }

    private static func describe(_ node: Node, leaves: [ParquetColumnPlan], asInstance: Bool) -> String {
        if node.repetition == .repeated && !asInstance {
            return "list<\(describe(node, leaves: leaves, asInstance: true))>"
        }
        switch node.kind {
        case .leaf(let i): return leaves[i].type.description
        case .group(let children):
            return "struct<" + children.map { "\($0.name): \(describe($0, leaves: leaves, asInstance: false))" }.joined(separator: ", ") + ">"
        case .list(let repeated, let elementIsRepeated):
            return "list<" + (elementIsRepeated ? describe(repeated, leaves: leaves, asInstance: true)
                                                : describe(repeated.children[0], leaves: leaves, asInstance: false)) + ">"
        case .map(let repeated):
            let parts = repeated.children
            return "map<\(describe(parts[0], leaves: leaves, asInstance: false)), \(parts.count > 1 ? describe(parts[1], leaves: leaves, asInstance: false) : "null")>"
        }
    }

    /// Parses the subtree at `elements[index]` (advancing `index` past it and `leaf`
    /// past its leaves). A malformed tree is a ``ThriftError``.
    static func make(_ elements: [ParquetSchemaElement], index: inout Int, leaf: inout Int) throws -> ParquetNestedShape {
        var leaves: [ParquetColumnPlan] = []
        func node(path: String, definition: Int, repetition: Int, depth: Int) throws -> Node {
            guard depth < 64 else { throw ThriftError("groups nested deeper than 64 levels") }
            guard index < elements.count else { throw ThriftError("the schema ends inside a group") }
            let element = elements[index]
            index += 1
            let kind = element.repetition ?? .required
            let definition = definition + (kind == .required ? 0 : 1)
            let repetition = repetition + (kind == .repeated ? 1 : 0)
            let name = path.isEmpty ? element.name : path + "." + element.name
            let childCount = Int(element.childCount ?? 0)
            let first = leaves.count
            if childCount == 0 {
                guard element.type != nil else { throw ThriftError("\"\(name)\" is neither a group nor a typed leaf") }
                switch ParquetColumnPlan.make(element: element, name: name, leafIndex: leaf, maxDefinitionLevel: definition) {
                case .success(var plan):
                    plan.maxRepetitionLevel = repetition
                    plan.isNestedLeaf = true
                    leaves.append(plan)
                case .failure(let error): throw error
                }
                leaf += 1
                return Node(name: element.name, repetition: kind, maxDefinition: definition, maxRepetition: repetition,
                            leaves: first..<first + 1, kind: .leaf(first))
            }
            guard childCount > 0, childCount <= elements.count - index else {
                throw ThriftError("group \"\(name)\" claims \(childCount) children, \(elements.count - index) elements follow")
            }
            var children: [Node] = []
            for _ in 0..<childCount {
                children.append(try node(path: name, definition: definition, repetition: repetition, depth: depth + 1))
            }
            var result = Node(name: element.name, repetition: kind, maxDefinition: definition, maxRepetition: repetition,
                              leaves: first..<leaves.count, kind: .group(children))
            let isList = element.logicalType == .list || element.convertedType == .list
            let isMap = element.logicalType == .map || element.convertedType == .map || element.convertedType == .mapKeyValue
            if isList, children.count == 1, children[0].repetition == .repeated {
                let repeated = children[0]
                // The spec's backward-compatibility rules for two-level lists.
                let grandchildren = repeated.children
                let elementIsRepeated: Bool
                if case .leaf = repeated.kind { elementIsRepeated = true }
                else { elementIsRepeated = grandchildren.count != 1 || repeated.name == "array" || repeated.name == element.name + "_tuple" }
                result.kind = .list(repeated: repeated, elementIsRepeated: elementIsRepeated)
            } else if isMap, children.count == 1, children[0].repetition == .repeated, case .group(let pair) = children[0].kind, pair.count == 1 || pair.count == 2 {
                result.kind = .map(repeated: children[0])
            }
            return result
        }
        let root = try node(path: "", definition: 0, repetition: 0, depth: 0)
        return ParquetNestedShape(root: root, leaves: leaves)
    }
}
