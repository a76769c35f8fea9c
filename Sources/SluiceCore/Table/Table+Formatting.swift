/// How ``Table/formatted(_:)`` lays a table out for a terminal.
public struct TableFormat: Sendable {
    /// Rows shown; the rest are summarised as "… N more rows".
    public var maxRows: Int = 20
    /// Widest cell, in terminal columns; longer values end in `…`.
    public var maxCellWidth: Int = 40
    /// Whether a second header line shows each column's type.
    public var showsTypes: Bool = true
    /// What a null looks like. Distinct from any string: strings that are empty show as `""`.
    public var nullSymbol: String = "∅"

    public init(maxRows: Int = 20, maxCellWidth: Int = 40, showsTypes: Bool = true, nullSymbol: String = "∅") {
        self.maxRows = maxRows
        self.maxCellWidth = maxCellWidth
        self.showsTypes = showsTypes
        self.nullSymbol = nullSymbol
    }
}

extension Table {
    /// The table as an aligned box for a terminal: numbers right-aligned, nulls as
    /// `∅`, empty strings as `""`, control characters escaped (`\n`, `\t`), long
    /// cells cut with `…`, and a footer with the row and column counts.
    ///
    /// ```text
    /// ┌────┬─────────┐
    /// │ id │ email   │
    /// │ int64 │ string │ …
    /// ```
    public func formatted(_ format: TableFormat = TableFormat()) -> String {
        let shown = Swift.min(rowCount, Swift.max(format.maxRows, 0))
        var header = schema.names.map { clip(escapeControl($0), format.maxCellWidth) }
        var types = schema.fields.map { $0.type.description }
        var cells: [[String]] = columns.map { column in
            (0..<shown).map { row in renderCell(column.unsafeValue(at: row), format) }
        }
        if columns.isEmpty {
            header = [""]
            types = [""]
            cells = [[String](repeating: "", count: shown)]
        }
        var widths = (0..<header.count).map { c in
            Swift.max(displayWidth(header[c]), format.showsTypes ? displayWidth(types[c]) : 0,
                      cells[c].map(displayWidth).max() ?? 0)
        }
        // The "…" of the truncation row needs one column even when nothing else does.
        if shown < rowCount { widths[0] = Swift.max(widths[0], 1) }
        let rightAligned = columns.map { $0.type.isNumeric }
        func line(_ left: String, _ mid: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: mid) + right
        }
        func row(_ values: [String], alignRight: [Bool]) -> String {
            "│" + values.enumerated().map { c, value in
                let padding = String(repeating: " ", count: widths[c] - displayWidth(value))
                return " " + (alignRight.indices.contains(c) && alignRight[c] ? padding + value : value + padding) + " "
            }.joined(separator: "│") + "│"
        }
        var lines = [line("┌", "┬", "┐"), row(header, alignRight: [])]
        if format.showsTypes { lines.append(row(types, alignRight: [])) }
        lines.append(line("├", "┼", "┤"))
        for r in 0..<shown { lines.append(row(cells.map { $0[r] }, alignRight: rightAligned)) }
        if shown < rowCount {
            lines.append(row(widths.indices.map { $0 == 0 ? "…" : "" }, alignRight: []))
        }
        lines.append(line("└", "┴", "┘"))
        var footer = "\(rowCount) row\(rowCount == 1 ? "" : "s") × \(columnCount) column\(columnCount == 1 ? "" : "s")"
        if shown < rowCount { footer += " (showing first \(shown))" }
        lines.append(footer)
        return lines.joined(separator: "\n")
    }

    private func renderCell(_ value: Value, _ format: TableFormat) -> String {
        switch value {
        case .null: return format.nullSymbol
        case .string(let s):
            if s.isEmpty { return "\"\"" }
            // Only the start of a long value shows: escape and measure that, not all of it
            // (a 200 MB value took a minute).
            let scalars = s.unicodeScalars
            guard let cut = scalars.index(scalars.startIndex, offsetBy: 4 * format.maxCellWidth + 16, limitedBy: scalars.endIndex),
                  cut != scalars.endIndex else { return clip(escapeControl(s), format.maxCellWidth) }
            let shown = clip(escapeControl(String(scalars[..<cut])), format.maxCellWidth)
            return shown.hasSuffix("…") ? shown : shown + "…"
        default: return clip(value.description, format.maxCellWidth)
        }
    }
}

private func escapeControl(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
    return escaping(s) { scalar in
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: scalar.value < 0x20 || scalar.value == 0x7F ? "\\x" + hexDigits(scalar.value, width: 2) : nil
        }
    }
}

private func clip(_ s: String, _ width: Int) -> String {
    guard displayWidth(s) > width, width > 1 else { return s }
    var out = ""
    var used = 0
    for ch in s {
        let w = displayWidth(String(ch))
        if used + w > width - 1 { break }
        out.append(ch)
        used += w
    }
    return out + "…"
}

/// Terminal columns a string takes: East Asian wide characters and emoji count 2,
/// combining marks 0, everything else 1.
package func displayWidth(_ s: String) -> Int {
    var width = 0
    for scalar in s.unicodeScalars {
        let v = scalar.value
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: continue
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            width += 2
        default: width += 1
        }
    }
    return width
}
