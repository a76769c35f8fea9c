/// The pipeline as a left-to-right graph — sources, tasks, destinations — laid out in
/// columns by longest path, for Mermaid text and inline SVG.
struct DAGLayout {
    struct Node {
        var id: String
        var label: String
        var detail: String
        /// `source`, `task` or `destination`.
        var kind: String
        var layer = 0
        var row = 0
    }
    var nodes: [Node] = []
    var edges: [(from: Int, to: Int)] = []

    static let width = 150.0, height = 46.0, columnGap = 46.0, rowGap = 22.0, margin = 16.0

    init(_ document: DesignDocument) {
        let lineage = document.lineage
        var index: [String: Int] = [:]
        func add(_ id: String, _ label: String, _ detail: String, _ kind: String) -> Int {
            if let i = index[id] { return i }
            nodes.append(Node(id: id, label: label, detail: detail, kind: kind))
            index[id] = nodes.count - 1
            return nodes.count - 1
        }
        for task in document.pipeline.topologicalOrder() {
            let t = add("task:" + task.name, task.name, task.action.kind, "task")
            for upstream in task.upstream { if let u = index["task:" + upstream] { edges.append((u, t)) } }
            guard let job = lineage.job(task.name) else { continue }
            for input in job.inputs where lineage.dataset(input)?.role == .source {
                let s = add("dataset:" + input.description, lineage.label(input), DesignDocument.systemName(input), "source")
                edges.append((s, t))
            }
            for output in job.outputs where lineage.dataset(output)?.role == .destination {
                let d = add("dataset:" + output.description, lineage.label(output), DesignDocument.systemName(output), "destination")
                edges.append((t, d))
            }
        }
        // Longest-path layers (edges go forward in insertion order of tasks).
        var changed = true
        while changed {
            changed = false
            for (from, to) in edges where nodes[to].layer < nodes[from].layer + 1 {
                nodes[to].layer = nodes[from].layer + 1
                changed = true
            }
        }
        var rows: [Int: Int] = [:]
        for i in nodes.indices {
            nodes[i].row = rows[nodes[i].layer, default: 0]
            rows[nodes[i].layer, default: 0] += 1
        }
    }

    var columns: Int { (nodes.map(\.layer).max() ?? 0) + 1 }
    var maxRows: Int { Dictionary(grouping: nodes, by: \.layer).values.map(\.count).max() ?? 1 }

    func x(_ node: Node) -> Double { Self.margin + Double(node.layer) * (Self.width + Self.columnGap) }
    func y(_ node: Node) -> Double {
        let count = nodes.filter { $0.layer == node.layer }.count
        let offset = Double(maxRows - count) * (Self.height + Self.rowGap) / 2
        return Self.margin + offset + Double(node.row) * (Self.height + Self.rowGap)
    }

    /// Mermaid flowchart text.
    func mermaid() -> String {
        var out = "flowchart LR\n"
        for (i, node) in nodes.enumerated() {
            let text = "\(node.label)<br/><small>\(node.detail)</small>".replacing("\"", with: "#quot;")
            switch node.kind {
            case "task": out += "  n\(i)[\"\(text)\"]\n"
            default: out += "  n\(i)[(\"\(text)\")]\n"
            }
        }
        for (from, to) in edges { out += "  n\(from) --> n\(to)\n" }
        return out
    }

    /// An SVG drawing (no scripts, no external references).
    func svg() -> String {
        let w = Self.margin * 2 + Double(columns) * Self.width + Double(max(0, columns - 1)) * Self.columnGap
        let h = Self.margin * 2 + Double(maxRows) * Self.height + Double(max(0, maxRows - 1)) * Self.rowGap
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"100%\" style=\"max-width:\(Int(w))px;height:auto\" role=\"img\" aria-label=\"pipeline graph\">\n"
        out += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#64748b\"/></marker></defs>\n"
        for (from, to) in edges {
            let a = nodes[from], b = nodes[to]
            let x1 = x(a) + Self.width, y1 = y(a) + Self.height / 2, x2 = x(b), y2 = y(b) + Self.height / 2
            let mid = (x1 + x2) / 2
            out += "<path d=\"M \(f(x1)) \(f(y1)) C \(f(mid)) \(f(y1)), \(f(mid)) \(f(y2)), \(f(x2 - 2)) \(f(y2))\" fill=\"none\" stroke=\"#64748b\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n"
        }
        for node in nodes {
            let fill = node.kind == "source" ? "#dbeafe" : node.kind == "destination" ? "#dcfce7" : "#f8fafc"
            let stroke = node.kind == "source" ? "#3b82f6" : node.kind == "destination" ? "#22c55e" : "#475569"
            let radius = node.kind == "task" ? 8 : 18
            out += "<g><rect x=\"\(f(x(node)))\" y=\"\(f(y(node)))\" width=\"\(f(Self.width))\" height=\"\(f(Self.height))\" rx=\"\(radius)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>"
            out += "<text x=\"\(f(x(node) + Self.width / 2))\" y=\"\(f(y(node) + 19))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\" fill=\"#0f172a\">\(htmlText(clip(node.label)))</text>"
            out += "<text x=\"\(f(x(node) + Self.width / 2))\" y=\"\(f(y(node) + 35))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#475569\">\(htmlText(clip(node.detail)))</text></g>\n"
        }
        return out + "</svg>"
    }

    func clip(_ text: String) -> String { text.count > 21 ? String(text.prefix(20)) + "…" : text }
    func f(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(Double(Int(value * 10)) / 10) }
}
