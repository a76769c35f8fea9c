import SluiceSpec

/// Every transform step and its keys, defined once: the step parser's allowed keys and
/// the steps part of `docs/REFERENCE.md` come from here.
extension Transform {
    /// One section per step, in the order the reference lists them. A step whose value is
    /// not a mapping (`filter: total > 0`) has one pseudo-key named after itself.
    public static let stepSections: [SpecSection] = [
        SpecSection("Step: select", summary: "Keeps these columns, in this order.", keys: [
            SpecKey("select", "column or list of columns", required: true, doc: "The columns to keep.", example: "- select: [id, email]"),
        ]),
        SpecSection("Step: drop", summary: "Removes these columns.", keys: [
            SpecKey("drop", "column or list of columns", required: true, doc: "The columns to remove.", example: "- drop: [password_hash]"),
        ]),
        SpecSection("Step: rename", summary: "Renames columns.", keys: [
            SpecKey("rename", "mapping of old: new", required: true, doc: "Old name to new name.", example: "- rename: { mail: email }"),
        ]),
        SpecSection("Step: derive", summary: "Adds or replaces columns computed by expressions.", keys: [
            SpecKey("derive", "mapping of column: expression", required: true, doc: "Each new column and its expression (see the README's expression language).", example: "- derive: { email: \"lower(trim(email))\" }"),
        ]),
        SpecSection("Step: filter", summary: "Keeps the rows where the condition is true.", keys: [
            SpecKey("filter", "boolean expression", required: true, doc: "The condition; null counts as false.", example: "- filter: total >= 0"),
        ]),
        SpecSection("Step: cast", summary: "Converts columns to other types.", keys: [
            SpecKey("cast", "mapping of column: type", required: true, doc: "Types: bool, int64, float64, decimal(p,s), string, date, timestamp.", example: "- cast: { user_id: int64 }"),
        ]),
        SpecSection("Step: fill_null", summary: "Replaces nulls with a value.", keys: [
            SpecKey("fill_null", "mapping of column: value", required: true, doc: "The value for each column's nulls.", example: "- fill_null: { country: unknown, total: 0 }"),
        ]),
        SpecSection("Step: bucket", summary: "Puts a numeric column's values into labelled intervals.", keys: [
            SpecKey("column", "column", required: true, doc: "The numeric column.", example: "- bucket: { column: total_spent, into: segment, edges: [0, 100, 1000, .inf], labels: [Bronze, Silver, Gold] }"),
            SpecKey("into", "column", doc: "The output column (default: replaces `column`).", example: "#   into: segment"),
            SpecKey("edges", "list of numbers (sorted; `.inf` allowed, NaN not)", required: true, doc: "Interval edges.", example: "#   edges: [0, 100, 1000, .inf]"),
            SpecKey("labels", "list of text (one fewer than edges)", doc: "The interval labels (default: the interval as text).", example: "#   labels: [Bronze, Silver, Gold]"),
            SpecKey("right", "boolean", default: "true", doc: "Intervals are closed on the right (as pandas.cut).", example: "#   right: true"),
            SpecKey("include_lowest", "boolean", default: "false", doc: "The first interval includes its lower edge.", example: "#   include_lowest: false"),
        ]),
        SpecSection("Step: dedupe", summary: "Keeps one row per key (a column list, or a mapping with these keys; no value: whole rows).", keys: [
            SpecKey("keys", "column or list of columns", doc: "The key columns (default: all).", example: "- dedupe: { keys: [id], keep: last }"),
            SpecKey("keep", "`first` or `last`", default: "first", doc: "Which row of each key is kept.", example: "#   keep: last"),
        ]),
        SpecSection("Step: sort", summary: "Sorts rows (stable).", keys: [
            SpecKey("sort", "list of `column [desc] [nulls first|last]` or `-column`", required: true, doc: "The sort keys, most significant first.", example: "- sort: [\"total desc\", id]"),
        ]),
        SpecSection("Step: limit", summary: "Keeps the first rows.", keys: [
            SpecKey("limit", "integer ≥ 0", required: true, doc: "How many rows.", example: "- limit: 100"),
        ]),
        SpecSection("Step: join", summary: "Joins another table, read from a file.", keys: [
            SpecKey("file", "path", required: true, doc: "The right-hand table (relative to the steps or pipeline file).", example: "- join: { file: orders.csv, on: { id: user_id }, how: left }"),
            SpecKey("on", "column, list of columns, or mapping of left: right", required: true, doc: "The join keys.", example: "#   on: { id: user_id }"),
            SpecKey("how", "`inner`, `left`, `semi`, `anti`", default: "inner", doc: "The join kind.", example: "#   how: left"),
        ]),
        SpecSection("Step: aggregate", summary: "Groups rows and computes aggregates.", keys: [
            SpecKey("by", "column or list of columns", doc: "The group keys (default: one group).", example: "- aggregate: { by: [id], compute: { order_count: count(order_id), total_spent: sum(total) } }"),
            SpecKey("compute", "mapping of column: aggregate", required: true, doc: "count, count_distinct, sum, min, max, avg, first, last.", example: "#   compute: { n: count(id) }"),
        ]),
        SpecSection("Step: union", summary: "Appends the rows of another table, read from a file (types are widened).", keys: [
            SpecKey("file", "path", required: true, doc: "The table to append.", example: "- union: { file: more_users.csv }"),
        ]),
    ]

    /// The section of step `name`.
    static func stepSection(_ name: String) -> SpecSection {
        stepSections.first { $0.title == "Step: " + name }!
    }

    /// The steps part of the reference.
    public static let reference = SpecReference(kind: "Steps", summary: "A list of transform steps (`sluice transform --steps steps.yaml`, or a pipeline task's `transform:`). Each item is one `step: settings` entry; steps run in order.", sections: stepSections)
}
