#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Counters, gauges and histograms with labels, rendered in the Prometheus text
/// exposition format (version 0.0.4), which Prometheus, the Pushgateway and
/// node-exporter's textfile collector read.
///
/// Families are declared once with their label names; series are created on first use.
/// Label values must come from bounded sets (pipeline, task, outcome — never a run id or a path).
///
/// ```swift
/// let registry = MetricsRegistry()
/// let rows = registry.counter("sluice_task_rows_out_total", help: "Rows produced.", labels: ["pipeline", "task"])
/// registry.add(rows, 1000, ["user_analytics", "extract"])
/// print(registry.exposition())
/// ```
public final class MetricsRegistry: @unchecked Sendable {   // `families` is guarded by `lock`
    /// A declared metric family.
    public struct Family: Hashable, Sendable {
        let index: Int
    }

    enum Kind: String { case counter, gauge, histogram }

    final class Storage {
        let name: String
        let help: String
        let kind: Kind
        let labelNames: [String]
        let buckets: [Double]
        /// counter/gauge: [value]; histogram: per-bucket counts…, count, sum.
        var series: [[String]: [Double]] = [:]
        init(name: String, help: String, kind: Kind, labelNames: [String], buckets: [Double]) {
            self.name = name; self.help = help; self.kind = kind; self.labelNames = labelNames; self.buckets = buckets
        }
    }

    private let lock = Lock()   // guards `families`
    private var families: [Storage] = []

    /// Prometheus' default buckets, extended to an hour for pipeline runs.
    public static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600]

    public init() {}

    private func locked<T>(_ body: () -> T) -> T { lock.locked(body) }

    private func declare(_ name: String, _ help: String, _ kind: Kind, _ labels: [String], _ buckets: [Double]) -> Family {
        precondition(Self.isValidName(name) && labels.allSatisfy(Self.isValidName), "invalid metric or label name in \(name) \(labels)")
        return locked {
            if let i = families.firstIndex(where: { $0.name == name }) {
                precondition(families[i].kind == kind && families[i].labelNames == labels, "metric \(name) declared twice differently")
                return Family(index: i)
            }
            families.append(Storage(name: name, help: help, kind: kind, labelNames: labels, buckets: buckets.sorted()))
            return Family(index: families.count - 1)
        }
    }

    /// Declares a counter (its name should end in `_total`).
    public func counter(_ name: String, help: String, labels: [String] = []) -> Family { declare(name, help, .counter, labels, []) }
    /// Declares a gauge.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Family { declare(name, help, .gauge, labels, []) }
    /// Declares a histogram with upper bucket bounds (`+Inf` is implied).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double] = durationBuckets) -> Family {
        declare(name, help, .histogram, labels, buckets)
    }

    /// Adds `amount` (≥ 0) to a counter, or to a gauge.
    public func add(_ family: Family, _ amount: Double = 1, _ labels: [String] = []) {
        locked {
            let f = families[family.index]
            precondition(labels.count == f.labelNames.count, "\(f.name) takes labels \(f.labelNames)")
            f.series[labels, default: [0]][0] += amount
        }
    }

    /// Sets a gauge.
    public func set(_ family: Family, _ value: Double, _ labels: [String] = []) {
        locked {
            let f = families[family.index]
            precondition(labels.count == f.labelNames.count, "\(f.name) takes labels \(f.labelNames)")
            f.series[labels] = [value]
        }
    }

    /// Records one observation in a histogram.
    public func observe(_ family: Family, _ value: Double, _ labels: [String] = []) {
        locked {
            let f = families[family.index]
            precondition(labels.count == f.labelNames.count, "\(f.name) takes labels \(f.labelNames)")
            var cells = f.series[labels] ?? [Double](repeating: 0, count: f.buckets.count + 2)
            for (i, bound) in f.buckets.enumerated() where value <= bound { cells[i] += 1 }
            cells[f.buckets.count] += 1
            cells[f.buckets.count + 1] += value
            f.series[labels] = cells
        }
    }

    /// The current value of a counter or gauge series (`nil` if never set).
    public func value(_ family: Family, _ labels: [String] = []) -> Double? {
        locked { families[family.index].series[labels].map { families[family.index].kind == .histogram ? $0[$0.count - 2] : $0[0] } }
    }

    /// Removes every series of a family whose labels match `prefix` (e.g. a partition no longer assigned).
    public func removeSeries(_ family: Family, where matches: ([String]) -> Bool) {
        locked {
            let f = families[family.index]
            for key in f.series.keys where matches(key) { f.series[key] = nil }
        }
    }

    /// Everything, in the text exposition format (families in declaration order, series sorted).
    public func exposition() -> String {
        locked {
            var out = ""
            for f in families where !f.series.isEmpty {
                out += "# HELP \(f.name) \(Self.escapeHelp(f.help))\n# TYPE \(f.name) \(f.kind.rawValue)\n"
                for key in f.series.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    let cells = f.series[key]!
                    let labels = zip(f.labelNames, key).map { "\($0)=\"\(Self.escapeLabel($1))\"" }
                    func line(_ suffix: String, _ extra: String?, _ value: Double) {
                        let all = labels + (extra.map { [$0] } ?? [])
                        out += f.name + suffix + (all.isEmpty ? "" : "{" + all.joined(separator: ",") + "}") + " " + Self.format(value) + "\n"
                    }
                    if f.kind == .histogram {
                        for (i, bound) in f.buckets.enumerated() { line("_bucket", "le=\"\(Self.format(bound))\"", cells[i]) }
                        line("_bucket", "le=\"+Inf\"", cells[f.buckets.count])
                        line("_sum", nil, cells[f.buckets.count + 1])
                        line("_count", nil, cells[f.buckets.count])
                    } else {
                        line("", nil, cells[0])
                    }
                }
            }
            return out
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 58 }
    }

    static func escapeLabel(_ value: String) -> String {
        escaping(value) { c in
            switch c {
            case "\\": "\\\\"
            case "\"": "\\\""
            case "\n": "\\n"
            default: nil
            }
        }
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// Integers without a fraction, others in Swift's shortest round-trip form; NaN and infinities as Prometheus spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
