import SluiceCore

/// A set of checks run together on one table.
///
/// Running plans the work first: every check declares its ``Metric``s, the suite
/// removes duplicates, groups them by column and computes each column's metrics
/// in one pass (``SuiteResult/columnScans`` says how many passes there were). Then
/// each check reads its numbers.
///
/// ```swift
/// let suite = Suite(checks: [
///     try NotNullCheck(column: "user_id", threshold: 0),
///     try UniqueCheck(columns: ["id"], threshold: 1),
///     try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000_000)),
/// ])
/// let result = try suite.run(on: orders)
/// print(result.summary.passRate ?? 0)
/// ```
public struct Suite: Sendable {
    public var checks: [any Check]
    /// Failing rows kept as samples per check.
    public var sampleLimit: Int

    public init(checks: [any Check], sampleLimit: Int = 5) {
        self.checks = checks
        self.sampleLimit = sampleLimit
    }

    /// Runs every check on `table`.
    ///
    /// - Parameters:
    ///   - now: "now" for freshness, microseconds since the epoch.
    ///   - history: earlier runs' metric values for change checks (``QualityHistory/history(for:dataset:)``);
    ///     `nil` leaves change checks not evaluated.
    ///   - datasetModifiedAt: the data file's modification time (microseconds), for `freshness_lag` without a column.
    /// - Throws: ``QualityError`` when checks do not fit the table (unknown columns,
    ///   wrong types), listing every problem at once; or when two checks share a name.
    public func run(on table: Table, now: Int64 = currentMicroseconds(), history: RunHistory? = nil,
                    datasetModifiedAt: Int64? = nil) throws -> SuiteResult {
        var seen = Set<String>()
        for check in checks where !seen.insert(check.name).inserted {
            throw QualityError(.invalidOption, message: "two checks are named \"\(check.name)\"",
                               hint: "give one of them its own name: so that reports and _failed_checks can tell them apart")
        }
        try validateCheckReferences()
        // Plan: metrics per column, each once.
        var problems: [String] = []
        var firstProblem: QualityError?
        var perColumn: [String: [Metric]] = [:]
        var columnOrder: [String] = []
        var multiColumn: [Metric] = []
        var planned = Set<Metric>()
        for check in checks {
            do {
                for metric in try check.metrics(for: table) where planned.insert(metric).inserted {
                    if let column = metric.column {
                        if perColumn[column] == nil { columnOrder.append(column) }
                        perColumn[column, default: []].append(metric)
                    } else {
                        multiColumn.append(metric)
                    }
                }
            } catch let error as QualityError {
                firstProblem = firstProblem ?? error
                let location = error.file.map { "\($0):\(error.line):\(error.column): " } ?? ""
                problems.append("\(location)\(check.name): \(error.message)" + (error.hint.map { " (\($0))" } ?? ""))
            }
        }
        if var error = firstProblem {
            if problems.count > 1 {
                error.message = "\(problems.count) checks do not fit the table:\n  " + problems.joined(separator: "\n  ")
                error.hint = nil
                error.file = nil   // each problem names its own place
                error.line = 0
                error.column = 0
            }
            throw error
        }
        // Execute: one pass per column (and one per multi-column metric: a uniqueness over
        // several columns, an expression), columns in parallel.
        let jobs: [(name: String?, metrics: [Metric])] = columnOrder.map { ($0, perColumn[$0]!) } + multiColumn.map { (nil, [$0]) }
        let measured = concurrentMap(jobs.count) { i in
            let job = jobs[i]
            return Result { () throws -> [Metric: MetricValue] in
                if let name = job.name {
                    return try ColumnScan.run(try table.qualityColumn(name), name: name, metrics: job.metrics)
                }
                switch job.metrics[0] {
                case .distinctRows(let names):
                    return [job.metrics[0]: DistinctRows.compute(try names.map { try table.qualityColumn($0) })]
                case .predicate(let predicate):
                    return [job.metrics[0]: try predicate.evaluate(on: table)]
                default:
                    return [:]
                }
            }
        }
        var values: [Metric: MetricValue] = [:]
        for result in measured { values.merge(try result.get()) { a, _ in a } }
        var context = EvaluationContext(table: table, sampleLimit: sampleLimit, now: now, history: history,
                                        datasetModifiedAt: datasetModifiedAt, metrics: values)
        var results = [CheckResult?](repeating: nil, count: checks.count)
        var failing = [Bitmap?](repeating: nil, count: checks.count)
        // Checks that compare another check's measured value run after all the others.
        let order = checks.indices.filter { !Self.readsCheck(checks[$0]) } + checks.indices.filter { Self.readsCheck(checks[$0]) }
        for i in order {
            let result = try checks[i].evaluate(in: context)
            results[i] = result
            context.results[result.name] = result
            failing[i] = checks[i].isRowLevel ? try checks[i].failingRows(in: context) : nil
        }
        return SuiteResult(results: results.map { $0! }, failingRows: failing, rowCount: table.rowCount,
                           columnScans: columnOrder.count + multiColumn.count)
    }

    static func readsCheck(_ check: any Check) -> Bool { (check as? any HistoryMetricCheck)?.metric.check != nil }

    /// Every `check:` metric names another check of this suite that does not itself read a check.
    ///
    /// - Throws: ``QualityError`` `.invalidOption` naming the check, with "did you mean".
    public func validateCheckReferences() throws {
        let names = checks.filter { !Self.readsCheck($0) }.map(\.name)
        for case let check as any HistoryMetricCheck in checks {
            guard let target = check.metric.check, !names.contains(target) else { continue }
            let reading = checks.contains { $0.name == target }
            throw QualityError(.invalidOption,
                               message: reading ? "\(check.name): check \"\(target)\" itself compares a check's value; compare a check that measures the data"
                                                : "\(check.name): no check named \"\(target)\" in the suite (checks: \(names.joined(separator: ", ")))",
                               hint: suggestion(for: target, among: names).map { "did you mean `\($0)`?" })
        }
    }
}

/// The results of a suite run, in check order, with what the run cost.
public struct SuiteResult: Sendable {
    public var results: [CheckResult]
    /// For each result: the rows it failed (row-level checks), else `nil`.
    public var failingRows: [Bitmap?]
    public var rowCount: Int
    /// Passes over column data the run made (one per column that any check read,
    /// plus one per multi-column uniqueness check and one per distinct expression).
    public var columnScans: Int

    public init(results: [CheckResult], failingRows: [Bitmap?], rowCount: Int, columnScans: Int) {
        self.results = results
        self.failingRows = failingRows
        self.rowCount = rowCount
        self.columnScans = columnScans
    }

    /// Totals as the seed's report gives them.
    public var summary: Summary { Summary(results) }

    /// Whether any check at or above `bar` failed (the gate).
    public func failed(atOrAbove bar: Severity) -> Bool { results.contains { $0.fails(atOrAbove: bar) } }

    /// Totals: checks, passed, failed, not evaluated, and the pass rate.
    public struct Summary: Sendable, Equatable {
        public var total: Int
        public var passed: Int
        public var failed: Int
        public var notEvaluated: Int
        /// Failed checks by severity.
        public var failedBySeverity: [Severity: Int]

        init(_ results: [CheckResult]) {
            total = results.count
            passed = results.count { $0.outcome == .passed }
            failed = results.count { $0.outcome == .failed }
            notEvaluated = results.count { $0.outcome == .notEvaluated }
            failedBySeverity = [:]
            for result in results where result.outcome == .failed { failedBySeverity[result.severity, default: 0] += 1 }
        }

        /// passed / evaluated checks; `nil` when no check was evaluated (never a division by zero).
        public var passRate: Double? {
            let evaluated = passed + failed
            return evaluated == 0 ? nil : Double(passed) / Double(evaluated)
        }
    }
}
