import SluiceCore

extension Pipeline {
    /// Checks the DAG before anything runs: unique names, existing upstreams, no cycles,
    /// an input for every task that reads a table, named connections, known template values.
    ///
    /// - Throws: ``PipelineError`` located at the offending task; a cycle is spelled out
    ///   (`extract → transform → extract`).
    public func validate() throws {
        func fail(_ task: PipelineTask, _ code: PipelineError.Code, _ message: String, hint: String? = nil) -> PipelineError {
            PipelineError(code, file: file, line: task.line, column: task.column, message: message, hint: hint)
        }
        guard !tasks.isEmpty else { throw PipelineError(.invalidSpec, file: file, message: "the pipeline has no tasks") }
        var byName: [String: PipelineTask] = [:]
        for task in tasks {
            if byName[task.name] != nil { throw fail(task, .invalidSpec, "two tasks are named \"\(task.name)\"") }
            byName[task.name] = task
        }
        let names = tasks.map(\.name)
        for task in tasks {
            for up in task.upstream {
                guard up != task.name else { throw fail(task, .cycle, "task \"\(task.name)\" depends on itself") }
                guard byName[up] != nil else {
                    throw fail(task, .missingReference, "task \"\(task.name)\" runs after \"\(up)\", which is not a task",
                               hint: suggestion(for: up, among: names).map { "did you mean \"\($0)\"?" } ?? "tasks: \(names.joined(separator: ", "))")
                }
            }
        }
        if let cycle = findCycle() {
            let task = byName[cycle[0]]!
            throw fail(task, .cycle, "tasks depend on each other in a circle: \(cycle.joined(separator: " → "))",
                       hint: "remove one of these `after:` links")
        }
        for task in tasks {
            if task.needsInput {
                do { _ = try inputTask(of: task) } catch let error as PipelineError {
                    throw fail(task, error.code, error.message, hint: error.hint)
                }
            } else if let input = task.input {
                throw fail(task, .invalidSpec, "task \"\(task.name)\" (\(task.action.kind)) reads no table, but names input \"\(input)\"")
            }
            for connection in task.connectionNames where connections[connection] == nil {
                let known = connections.keys.sorted()
                throw fail(task, .missingReference, "task \"\(task.name)\" uses connection \"\(connection)\", which is not under `connections:`",
                           hint: suggestion(for: connection, among: known).map { "did you mean \"\($0)\"?" }
                               ?? (known.isEmpty ? "add `connections: { \(connection): \"sqlite:data/\(connection).db\" }`" : "connections: \(known.joined(separator: ", "))"))
            }
            let placeholder = RunVariables.placeholder(params: params)
            for text in task.templatedTexts {
                do { _ = try placeholder.render(text) } catch let error as PipelineError {
                    throw fail(task, .invalidSpec, "task \"\(task.name)\": \(error.message)", hint: error.hint)
                }
            }
            for text in task.templatedExpressions {
                do { _ = try placeholder.bindExpression(text) } catch let error as PipelineError {
                    throw fail(task, .invalidSpec, "task \"\(task.name)\": \(error.message)", hint: error.hint)
                }
            }
        }
    }

    /// The first cycle found, as task names with the first repeated at the end.
    func findCycle() -> [String]? {
        var state: [String: Int] = [:]   // 1 visiting, 2 done
        var stack: [String] = []
        let byName = Dictionary(tasks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func visit(_ name: String) -> [String]? {
            if state[name] == 2 { return nil }
            if state[name] == 1 {
                let start = stack.firstIndex(of: name)!
                return Array(stack[start...]) + [name]
            }
            state[name] = 1
            stack.append(name)
            for up in byName[name]?.upstream ?? [] {
                if let cycle = visit(up) { return cycle }
            }
            stack.removeLast()
            state[name] = 2
            return nil
        }
        for task in tasks { if let cycle = visit(task.name) { return cycle.reversed() } }
        return nil
    }

    /// Every task that `task` transitively runs after.
    public func ancestors(of task: PipelineTask) -> Set<String> {
        var seen = Set<String>()
        var pending = task.upstream
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let up = self.task(named: name) else { continue }
            pending.append(contentsOf: up.upstream)
        }
        return seen
    }

    /// The task whose table `task` reads.
    public func inputTask(of task: PipelineTask) throws -> String {
        if let input = task.input {
            guard let source = self.task(named: input) else {
                throw PipelineError(.missingReference, message: "task \"\(task.name)\" reads input \"\(input)\", which is not a task",
                                    hint: suggestion(for: input, among: tasks.map(\.name)).map { "did you mean \"\($0)\"?" })
            }
            guard source.producesTable else {
                throw PipelineError(.missingReference, message: "task \"\(task.name)\" reads input \"\(input)\", a \(source.action.kind) task, which produces no table")
            }
            guard ancestors(of: task).contains(input) else {
                throw PipelineError(.missingReference, message: "task \"\(task.name)\" reads input \"\(input)\" but does not run after it",
                                    hint: "add \"\(input)\" to its `after:` list")
            }
            return input
        }
        let producers = task.upstream.filter { self.task(named: $0)?.producesTable == true }
        guard producers.count == 1 else {
            throw PipelineError(.missingReference,
                                message: producers.isEmpty ? "task \"\(task.name)\" (\(task.action.kind)) needs a table, but no task it runs after produces one"
                                                           : "task \"\(task.name)\" runs after several tasks with tables (\(producers.joined(separator: ", ")))",
                                hint: producers.isEmpty ? "add `after: [extract_task]`" : "say which with `input: \(producers[0])`")
        }
        return producers[0]
    }

    /// Tasks in an order where each comes after its upstreams (declaration order breaks ties).
    public func topologicalOrder() -> [PipelineTask] {
        var done = Set<String>(), order: [PipelineTask] = []
        while order.count < tasks.count {
            let before = order.count
            for task in tasks where !done.contains(task.name) && task.upstream.allSatisfy(done.contains) {
                done.insert(task.name)
                order.append(task)
            }
            if order.count == before { break }   // a cycle; validate() reports it
        }
        return order
    }
}

extension PipelineTask {
    /// Whether the task reads an upstream table.
    var needsInput: Bool {
        switch action {
        case .transform, .check, .load: true
        case .swift: input != nil
        case .extract, .sql, .shell: false
        }
    }

    /// The connections the task uses, by name.
    public var connectionNames: [String] {
        switch action {
        case .extract(let a): if case .query(let c, _) = a.source { return [c] }
        case .sql(let a): return [a.connection]
        case .load(let a): if case .table(let c, _, _) = a.destination { return [c] }
        default: break
        }
        return []
    }

    /// Paths and values rendered with `{{ }}` text substitution (not SQL, which is bound).
    var templatedTexts: [String] {
        switch action {
        case .extract(let a): if case .file(let p, _, _) = a.source { return [p] }
        case .check(let a): return (a.quarantine.map { [$0] } ?? []) + a.suite.filePaths
        case .transform(let a): return a.tableNames
        case .load(let a):
            var texts = a.partition.map { [$0] } ?? []
            if case .file(let p, _) = a.destination { texts.append(p) }
            return texts
        default: break
        }
        return []
    }
}

extension PipelineTask {
    /// Expressions whose `{{ }}` values are bound as typed literals (transform steps).
    var templatedExpressions: [String] {
        guard case .transform(let a) = action else { return [] }
        return a.expressionTexts
    }
}

extension Pipeline {
    /// `task` and every task that runs after it, directly or not.
    public func downstream(of task: String) -> [String] {
        var result = [task]
        var changed = true
        while changed {
            changed = false
            for t in tasks where !result.contains(t.name) && t.upstream.contains(where: result.contains) {
                result.append(t.name)
                changed = true
            }
        }
        return result
    }
}
