import SluiceCore

/// Renders column profiles as text (one block per column) or JSON.
///
/// JSON (schema version 1): `{"schema_version": 1, "dataset": "…", "rows": N,
/// "columns": [{"name", "type", "count", "nulls", "null_fraction", "distinct",
/// "distinct_exact": true | false, "top_values_exact", "nan_count", "min", "max", "mean", "stddev",
/// "quantiles": {"p05": …, "p25": …, "p50": …, "p75": …, "p95": …},
/// "top_values": [{"value", "count"}], "length": {"min", "max", "mean"} | null,
/// "histogram": [{"lower", "upper", "count"}]}]}`;
/// values are JSON strings as Sluice prints them, statistics are numbers or `null`.
public enum ProfileReport {
    public static func text(dataset: String, rows: Int, profiles: [ColumnProfile]) -> String {
        var lines = ["\(dataset): \(rows) rows × \(profiles.count) columns (quantiles exact; distinct counts exact unless marked ≈ (HyperLogLog, ±0.8%) past \(Profiler.exactDistinctLimit) distinct strings)"]
        for p in profiles {
            lines.append("")
            lines.append("\(p.name)  \(p.type)")
            lines.append("  count \(p.count)  nulls \(p.nulls) (\(p.nullFraction.map(percent) ?? "n/a"))  distinct \(distinctText(p))" + (p.nanCount > 0 ? "  NaN \(p.nanCount)" : ""))
            if let min = p.min, let max = p.max { lines.append("  min \(shorten(min.description))  max \(shorten(max.description))") }
            if let mean = p.mean, let sd = p.standardDeviation { lines.append("  mean \(formatDouble(mean))  stddev \(formatDouble(sd))") }
            if !p.quantiles.isEmpty {
                lines.append("  quantiles " + p.quantiles.map { "p\(Int(($0.probability * 100).rounded())) \($0.value)" }.joined(separator: "  "))
            }
            if let lengths = p.lengths {
                lines.append("  length min \(lengths.min)  max \(lengths.max)  mean \(formatDouble((lengths.mean * 100).rounded() / 100))")
            }
            if !p.topValues.isEmpty {
                lines.append((p.topValuesAreExact ? "  top " : "  top (among the first \(Profiler.exactDistinctLimit) distinct) ") + p.topValues.map { "\(shorten($0.value.description)) (\($0.count))" }.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(dataset: String, rows: Int, profiles: [ColumnProfile]) -> String {
        func value(_ v: Value?) -> String { v.map { jsonString($0.description) } ?? "null" }
        let columns = profiles.map { p -> String in
            let quantiles = p.quantiles.map { q -> String in
                let label = Int((q.probability * 100).rounded())
                return "\"p\(label < 10 ? "0" : "")\(label)\": \(value(q.value))"
            }.joined(separator: ", ")
            let top = p.topValues.map { "{\"value\": \(value($0.value)), \"count\": \($0.count)}" }.joined(separator: ", ")
            let bins = p.histogram.map { "{\"lower\": \(jsonNumber($0.lower)), \"upper\": \(jsonNumber($0.upper)), \"count\": \($0.count)}" }.joined(separator: ", ")
            let length = p.lengths.map { "{\"min\": \($0.min), \"max\": \($0.max), \"mean\": \(jsonNumber($0.mean))}" } ?? "null"
            return "{\"name\": \(jsonString(p.name)), \"type\": \"\(p.type)\", \"count\": \(p.count), \"nulls\": \(p.nulls), "
                + "\"null_fraction\": \(jsonNumber(p.nullFraction)), \"distinct\": \(p.distinct), \"distinct_exact\": \(p.distinctIsExact), \"top_values_exact\": \(p.topValuesAreExact), "
                + "\"nan_count\": \(p.nanCount), \"min\": \(value(p.min)), \"max\": \(value(p.max)), "
                + "\"mean\": \(jsonNumber(p.mean)), \"stddev\": \(jsonNumber(p.standardDeviation)), "
                + "\"quantiles\": {\(quantiles)}, \"top_values\": [\(top)], \"length\": \(length), \"histogram\": [\(bins)]}"
        }
        return "{\"schema_version\": 1, \"dataset\": \(jsonString(dataset)), \"rows\": \(rows), \"columns\": [\n  "
            + columns.joined(separator: ",\n  ") + "]}\n"
    }

    /// One self-contained page: a table per column and an inline SVG histogram for
    /// numeric, date and timestamp columns (no scripts, no network).
    public static func html(dataset: String, rows: Int, profiles: [ColumnProfile]) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Profile: \(markupEscaped(dataset))</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}section{margin-bottom:2em}
        td{padding:2px 10px 2px 0;vertical-align:top}h2{margin-bottom:.3em}.type{color:#666;font-weight:normal}</style></head><body>
        <h1>Profile: \(markupEscaped(dataset))</h1><p>\(rows) rows × \(profiles.count) columns. Quantiles are exact; distinct counts are exact unless marked ≈ (a HyperLogLog estimate, ±0.8%, past \(Profiler.exactDistinctLimit) distinct strings).</p>

        """
        for p in profiles {
            out += "<section><h2>\(markupEscaped(p.name)) <span class=\"type\">\(p.type)</span></h2><table>\n"
            func row(_ label: String, _ value: String) { out += "<tr><td>\(label)</td><td>\(markupEscaped(value))</td></tr>\n" }
            row("count", String(p.count))
            row("nulls", "\(p.nulls) (\(p.nullFraction.map(percent) ?? "n/a"))")
            row("distinct", distinctText(p))
            if let min = p.min, let max = p.max { row("min / max", "\(shorten(min.description)) / \(shorten(max.description))") }
            if let mean = p.mean, let sd = p.standardDeviation { row("mean / stddev", "\(formatDouble(mean)) / \(formatDouble(sd))") }
            if !p.quantiles.isEmpty { row("quantiles", p.quantiles.map { "p\(Int(($0.probability * 100).rounded())) \($0.value)" }.joined(separator: ", ")) }
            if let l = p.lengths { row("length", "min \(l.min), max \(l.max), mean \(formatDouble((l.mean * 100).rounded() / 100))") }
            if !p.topValues.isEmpty { row("top values", p.topValues.map { "\(shorten($0.value.description)) (\($0.count))" }.joined(separator: ", ")) }
            out += "</table>\n"
            if !p.histogram.isEmpty { out += histogramSVG(p.histogram) }
            out += "</section>\n"
        }
        return out + "</body></html>\n"
    }

    static func histogramSVG(_ bins: [HistogramBin]) -> String {
        let height = 80.0, barWidth = 30.0
        let top = Double(bins.map(\.count).max() ?? 1)
        var out = "<svg width=\"\(Int(barWidth * Double(bins.count)))\" height=\"\(Int(height) + 2)\" role=\"img\">"
        for (i, bin) in bins.enumerated() {
            let h = top > 0 ? (Double(bin.count) / top * height).rounded() : 0
            out += "<rect x=\"\(Int(Double(i) * barWidth))\" y=\"\(Int(height - h))\" width=\"\(Int(barWidth) - 2)\" height=\"\(Int(h))\" fill=\"#4c78a8\">"
                + "<title>\(formatDouble(bin.lower)) to \(formatDouble(bin.upper)): \(bin.count)</title></rect>"
        }
        return out + "</svg>\n"
    }

    static func shorten(_ text: String) -> String {
        let flat = text.replacing("\n", with: "\\n").replacing("\t", with: "\\t")
        return flat.count > 30 ? String(flat.prefix(29)) + "…" : flat
    }
}

/// `1234` when exact, `≈1234 (HyperLogLog)` when estimated.
func distinctText(_ p: ColumnProfile) -> String {
    p.distinctIsExact ? String(p.distinct) : "≈\(p.distinct) (HyperLogLog)"
}
