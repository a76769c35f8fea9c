extension Pipeline {
    /// The DAG as text for `sluice validate`: a chain on one line (`extract → clean → load`);
    /// otherwise one line per task, by stage (a task's stage is one more than its latest
    /// upstream's), tasks of one stage — which can run in parallel — bracketed together,
    /// each with what it runs after.
    ///
    /// ```text
    /// ┌ extract_users
    /// └ extract_orders
    /// ─ transform  ← extract_users, extract_orders
    /// ┌ load       ← transform
    /// └ report     ← transform
    /// ```
    public func drawing() -> [String] {
        let order = topologicalOrder()
        let isChain = order.enumerated().allSatisfy { index, task in
            index == 0 ? task.upstream.isEmpty : task.upstream == [order[index - 1].name]
        }
        if isChain { return [order.map(\.name).joined(separator: " → ")] }
        var stage: [String: Int] = [:]
        for task in order { stage[task.name] = (task.upstream.compactMap { stage[$0] }.max() ?? -1) + 1 }
        let width = order.map(\.name.count).max() ?? 0
        var lines: [String] = []
        for level in 0...(stage.values.max() ?? 0) {
            let tasks = order.filter { stage[$0.name] == level }
            for (index, task) in tasks.enumerated() {
                let glyph = tasks.count == 1 ? "─" : index == 0 ? "┌" : index == tasks.count - 1 ? "└" : "├"
                let after = task.upstream.isEmpty ? "" : String(repeating: " ", count: width - task.name.count) + "  ← " + task.upstream.joined(separator: ", ")
                lines.append("\(glyph) \(task.name)\(after)")
            }
        }
        return lines
    }
}
