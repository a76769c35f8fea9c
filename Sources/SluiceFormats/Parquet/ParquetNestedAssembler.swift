import SluiceCore

/// The repetition and definition levels of one leaf of a nested column across all pages
/// of its chunk (a row may continue from one page into the next), and its present values.
final class ParquetLeafLevels {
    var repetition: [UInt8] = []
    var definition: [UInt8] = []
    let values: ParquetColumnBuffer
    /// Entries with repetition level 0 (rows started).
    var rows = 0

    init(type: DataType) {
        values = ParquetColumnBuffer(type: type, capacity: 0)
    }
}

/// Builds the JSON text of each row of a nested column from its leaves' levels
/// (record assembly as in the Dremel paper): a node is null where the first entry's
/// definition level is below the node's, a repeated node has one instance per entry
/// whose repetition level is at most the node's, and so on down to the leaves.
///
/// Every level is checked for consistency between leaves; damage is a ``ThriftError``.
final class ParquetNestedAssembler {
    private let shape: ParquetNestedShape
    private let leaves: [ParquetLeafLevels]
    private var nextValue: [Int]
    private var text: [UInt8] = []

    init(shape: ParquetNestedShape, leaves: [ParquetLeafLevels]) {
        self.shape = shape
        self.leaves = leaves
        nextValue = [Int](repeating: 0, count: leaves.count)
    }

    /// Appends `rows` rows (a JSON text each, or null) to `column`.
    func assemble(rows: Int, into column: ParquetColumnBuffer) throws {
        for (l, leaf) in leaves.enumerated() where leaf.rows != rows {
            throw ThriftError("leaf \"\(shape.leaves[l].name)\" holds \(leaf.rows) rows, the row group \(rows)")
        }
        var cursors = [Int](repeating: 0, count: leaves.count)
        var ranges = [Range<Int>](repeating: 0..<0, count: leaves.count)
        var rowLevels = [UInt8](repeating: 0, count: rows)
        var present = 0
        let root = shape.root
        for row in 0..<rows {
            for l in leaves.indices {
                let repetition = leaves[l].repetition
                let start = cursors[l]
                guard start < repetition.count, repetition[start] == 0 else { throw ThriftError("leaf \"\(shape.leaves[l].name)\" is out of step at row \(row)") }
                var end = start + 1
                while end < repetition.count && repetition[end] != 0 { end += 1 }
                ranges[l] = start..<end
                cursors[l] = end
            }
            text.removeAll(keepingCapacity: true)
            if root.repetition == .optional && !isDefined(root, ranges[...]) {
                column.appendString(UnsafeRawPointer(bitPattern: 1)!, count: 0)
                continue
            }
            try render(root, ranges[...], asInstance: false)
            text.withUnsafeBytes { column.appendString($0.baseAddress!, count: $0.count) }
            rowLevels[row] = 1
            present += 1
        }
        for (l, leaf) in leaves.enumerated() where nextValue[l] != leaf.values.pending {
            throw ThriftError("leaf \"\(shape.leaves[l].name)\" holds \(leaf.values.pending) values, its levels place \(nextValue[l])")
        }
        // Strings were appended for every row (empty for nulls); mark the nulls.
        column.markRows(rows, validity: rowLevels, present: present)
    }

    private func isDefined(_ node: ParquetNestedShape.Node, _ ranges: ArraySlice<Range<Int>>) -> Bool {
        let l = node.leaves.lowerBound
        let range = ranges[l]
        return !range.isEmpty && Int(leaves[l].definition[range.lowerBound]) >= node.maxDefinition
    }

    private func append(_ literal: StaticString) {
        literal.withUTF8Buffer { text.append(contentsOf: $0) }
    }

    private func render(_ node: ParquetNestedShape.Node, _ ranges: ArraySlice<Range<Int>>, asInstance: Bool) throws {
        if node.repetition == .repeated && !asInstance {
            append("[")
            try forEachInstance(of: node, ranges) { first, instance in
                if !first { self.append(",") }
                try self.render(node, instance, asInstance: true)
            }
            append("]")
            return
        }
        if node.repetition == .optional && !isDefined(node, ranges) {
            append("null")
            return
        }
        switch node.kind {
        case .leaf(let l):
            let range = ranges[l]
            guard range.count == 1 else { throw ThriftError("leaf \"\(shape.leaves[l].name)\" repeats where its schema does not") }
            let maxLevel = shape.leaves[l].maxDefinitionLevel
            let level = Int(leaves[l].definition[range.lowerBound])
            guard level <= maxLevel else { throw ThriftError("definition level \(level) above the column's maximum \(maxLevel)") }
            if level == maxLevel {
                guard nextValue[l] < leaves[l].values.pending else { throw ThriftError("leaf \"\(shape.leaves[l].name)\" has fewer values than its levels say") }
                ParquetListText.appendJSON(leaves[l].values, at: nextValue[l], into: &text)
                nextValue[l] += 1
            } else {
                append("null")
            }
        case .group(let children):
            append("{")
            for (i, child) in children.enumerated() {
                if i > 0 { append(",") }
                ParquetListText.appendString(child.name, into: &text)
                append(":")
                try render(child, ranges[child.leaves], asInstance: false)
            }
            append("}")
        case .list(let repeated, let elementIsRepeated):
            append("[")
            try forEachInstance(of: repeated, ranges) { first, instance in
                if !first { self.append(",") }
                if elementIsRepeated {
                    try self.render(repeated, instance, asInstance: true)
                } else {
                    let element = repeated.children[0]
                    try self.render(element, instance[element.leaves], asInstance: false)
                }
            }
            append("]")
        case .map(let repeated):
            let parts = repeated.children
            append("{")
            try forEachInstance(of: repeated, ranges) { first, instance in
                if !first { self.append(",") }
                let keyStart = self.text.count
                try self.render(parts[0], instance[parts[0].leaves], asInstance: false)
                if self.text[keyStart] != UInt8(ascii: "\"") {   // a number or boolean key, as text
                    self.text.insert(UInt8(ascii: "\""), at: keyStart)
                    self.append("\"")
                }
                self.append(":")
                if parts.count > 1 {
                    try self.render(parts[1], instance[parts[1].leaves], asInstance: false)
                } else {
                    self.append("null")
                }
            }
            append("}")
        }
    }

    /// Calls `body` for each instance of the repeated `node` within `ranges` (none when
    /// the first entry says the list is empty or absent).
    private func forEachInstance(of node: ParquetNestedShape.Node, _ ranges: ArraySlice<Range<Int>>,
                                 _ body: (Bool, ArraySlice<Range<Int>>) throws -> Void) throws {
        let first = node.leaves.lowerBound
        let outer = ranges[first]
        guard !outer.isEmpty else { throw ThriftError("leaf \"\(shape.leaves[first].name)\" has no entry where its list starts") }
        if Int(leaves[first].definition[outer.lowerBound]) < node.maxDefinition {
            for l in node.leaves where ranges[l].count != 1 {
                throw ThriftError("leaf \"\(shape.leaves[l].name)\" has entries inside an empty list")
            }
            return
        }
        var instance = [Range<Int>](repeating: 0..<0, count: leaves.count)
        var cursors = [Int](repeating: 0, count: leaves.count)
        for l in node.leaves { cursors[l] = ranges[l].lowerBound }
        var isFirst = true
        let level = UInt8(truncatingIfNeeded: node.maxRepetition)
        while cursors[first] < outer.upperBound {
            for l in node.leaves {
                let range = ranges[l]
                let start = cursors[l]
                guard start < range.upperBound else { throw ThriftError("leaf \"\(shape.leaves[l].name)\" has fewer list elements than its siblings") }
                let repetition = leaves[l].repetition
                var end = start + 1
                while end < range.upperBound && repetition[end] > level { end += 1 }
                instance[l] = start..<end
                cursors[l] = end
            }
            try body(isFirst, instance[node.leaves])
            isFirst = false
        }
        for l in node.leaves where cursors[l] != ranges[l].upperBound {
            throw ThriftError("leaf \"\(shape.leaves[l].name)\" has more list elements than its siblings")
        }
    }
}
