import SluiceSpec

/// Every key of a suite file and of each check, defined once: the suite parser's
/// allowed keys and the suite part of `docs/REFERENCE.md` come from here.
extension SuiteSpec {
    public static let suiteSection = SpecSection("Suite", summary: "The top level of a suite file (`sluice check DATA --suite checks.yaml`), or the body of a pipeline's `check:` task.", keys: [
        SpecKey("name", "text", doc: "The dataset's identity in the stored results (`--history`, a pipeline's state): runs under one name compare with each other in change and anomaly checks, whatever file each read. Default: the suite file (in a pipeline, `pipeline/task`).", example: "name: orders"),
        SpecKey("dataset", "path or dataset mapping", doc: "The table to check when none is given on the command line.", example: "dataset: data/users.csv"),
        SpecKey("references", "mapping of name: dataset", doc: "Tables `referential` checks look values up in.", example: "references: { users: data/users.csv }"),
        SpecKey("checks", "list of checks", required: true, doc: "The checks (see Check).", example: "checks:\n  - not_null: email"),
        SpecKey("sample_rows", "integer 0…1000000", default: "5", doc: "Failing rows shown per check.", example: "sample_rows: 5"),
    ])

    public static let datasetSection = SpecSection("Dataset", summary: "A table a suite reads: a file (`path`, optional `format`, `schema`), or a database (`connection` with `table` or `query`). A plain text is a path.", keys: [
        SpecKey("path", "path", doc: "A CSV, JSON Lines or `.sluice` file, relative to the suite file.", example: "dataset: { path: data/users.csv, format: csv }"),
        SpecKey("format", "`csv`, `jsonl`, `sluice`", doc: "The file's format when its name does not tell.", example: "#   format: csv"),
        SpecKey("schema", "`name:type,…`", doc: "Column types that override inference.", example: "#   schema: \"id:int64\""),
        SpecKey("connection", "connection URL", doc: "A database URL (`${VAR}` read from the environment).", example: "# dataset: { connection: \"sqlite:warehouse.db\", table: users }"),
        SpecKey("table", "table name", doc: "The table to read.", example: "#   table: users"),
        SpecKey("query", "SQL", doc: "A query to read instead of a table.", example: "#   query: SELECT * FROM users WHERE active"),
        SpecKey("filter", "boolean expression", doc: "Only rows where it is true are checked; Parquet row groups whose statistics rule it out are not read.", example: "#   filter: \"ds = '2024-06-01'\""),
    ])

    public static let commonCheckSection = SpecSection("Check", summary: "One item of `checks:`: exactly one check kind (below) and any of these keys. `- not_null: email` is short for `- not_null: { column: email }`.", keys: [
        SpecKey("name", "text", doc: "The check's name in reports (default: kind and column).", example: "- not_null: email\n  name: email_present"),
        SpecKey("severity", "`warning`, `error`, `critical`", default: "error", doc: "How bad a failure is; `--fail-on` / `fail_on` decide which fail the gate.", example: "  severity: critical"),
        SpecKey("threshold", "number 0…1", default: "0", doc: "The failing fraction (or the check's own measure) allowed.", example: "  threshold: 0.01"),
        SpecKey("mostly", "number 0…1", doc: "The passing fraction required (1 − threshold); give one of threshold and mostly.", example: "#   mostly: 0.99"),
    ])

    /// One section per check kind with its own keys.
    public static let checkSections: [SpecSection] = [
        SpecSection("Check: not_null", summary: "The column has no nulls.", keys: [
            SpecKey("column", "column", required: true, doc: "The column.", example: "- not_null: { column: email }"),
        ]),
        SpecSection("Check: unique", summary: "Values (or combinations of columns) appear once.", keys: [
            SpecKey("column", "column", doc: "One column.", example: "- unique: id"),
            SpecKey("columns", "list of columns", doc: "Several columns together.", example: "- unique: [user_id, day]"),
        ]),
        SpecSection("Check: range", summary: "Values lie between min and max (inclusive). NaN is out of range; the bounds must be finite.", keys: [
            SpecKey("column", "column", required: true, doc: "The column.", example: "- range: { column: age, min: 0, max: 150 }"),
            SpecKey("min", "finite number, date or timestamp", doc: "The lowest allowed value.", example: "#   min: 0"),
            SpecKey("max", "finite number, date or timestamp", doc: "The highest allowed value.", example: "#   max: 150"),
        ]),
        SpecSection("Check: accepted_values", summary: "Values are one of a list.", keys: [
            SpecKey("column", "column", required: true, doc: "The column.", example: "- accepted_values: { column: status, values: [active, closed] }"),
            SpecKey("values", "non-empty list of values", required: true, doc: "The allowed values.", example: "#   values: [active, closed]"),
        ]),
        SpecSection("Check: referential", summary: "Every value exists in a reference table's column.", keys: [
            SpecKey("column", "column", required: true, doc: "The column.", example: "- referential: { column: user_id, reference: users.id }"),
            SpecKey("reference", "`name.column`", required: true, doc: "A `references:` entry and its column.", example: "#   reference: users.id"),
        ]),
        SpecSection("Check: row_count", summary: "The table's row count lies between min and max.", keys: [
            SpecKey("min", "integer ≥ 0", doc: "The fewest rows.", example: "- row_count: { min: 1 }"),
            SpecKey("max", "integer ≥ 0", doc: "The most rows.", example: "#   max: 1000000"),
        ]),
        SpecSection("Check: schema", summary: "The table has these columns (and types).", keys: [
            SpecKey("columns", "list of columns, or mapping of column: type", required: true, doc: "The expected columns.", example: "- schema: { columns: { id: int64, email: string } }"),
            SpecKey("allow_extra", "boolean", default: "true", doc: "Whether other columns may exist.", example: "#   allow_extra: false"),
        ]),
        SpecSection("Check: pattern", summary: "Text values match a regular expression (POSIX extended).", keys: [
            SpecKey("column", "column", required: true, doc: "The column.", example: "- pattern: { column: email, regex: \"^[^@]+@[^@]+$\" }"),
            SpecKey("regex", "POSIX extended regular expression", required: true,
                    doc: "The pattern, in Sluice's one regex dialect (also used by `regexp_matches`/`regexp_replace` in expressions): POSIX extended, searching (anchor with `^…$`), matched on UTF-8 bytes (`.` and `[...]` match one byte); `\\w \\s \\b` work, `\\d` does not (write `[0-9]`).",
                    example: "#   regex: \"^[A-Z]{2}$\""),
        ]),
        SpecSection("Check: freshness", summary: "The newest timestamp is at most max_age old.", keys: [
            SpecKey("column", "timestamp or date column", required: true, doc: "The column.", example: "- freshness: { column: updated_at, max_age: 24h }"),
            SpecKey("max_age", "duration", required: true, doc: "The oldest the newest value may be.", example: "#   max_age: 24h"),
        ]),
        SpecSection("Check: expression", summary: "A boolean expression holds on every row.", keys: [
            SpecKey("condition", "boolean expression", required: true, doc: "The condition (`- expression: \"total >= 0\"` is short for it).", example: "- expression: { condition: \"total >= 0\", nulls: pass }"),
            SpecKey("nulls", "`pass` or `fail`", default: "fail", doc: "Whether a row whose condition is null passes (as SQL CHECK) or fails.", example: "#   nulls: pass"),
        ]),
        SpecSection("Check: row_count_change", summary: "The row count changed at most max_pct percent from the average of recent runs (history).", keys: [
            SpecKey("max_pct", "number ≥ 0", required: true, doc: "The largest change allowed, in percent.", example: "- row_count_change: { max_pct: 20, over_last: 5 }"),
            SpecKey("over_last", "integer ≥ 1", default: "5", doc: "How many recent runs to average.", example: "#   over_last: 5"),
        ]),
        SpecSection("Check: change", summary: "A metric changed at most max_pct percent from recent runs (history).", keys: [
            SpecKey("metric", metricType, doc: "The metric (or give `check`). " + metricDoc, example: "- change: { metric: null_fraction, column: email, max_pct: 50 }"),
            SpecKey("column", "column", doc: "The column, for per-column metrics.", example: "#   column: email"),
            SpecKey("check", "check name", doc: "Compare the value another check of the suite measured (its `observed`) instead of a metric.", example: "#   check: email_present"),
            SpecKey("max_pct", "number ≥ 0", required: true, doc: "The largest change allowed, in percent.", example: "#   max_pct: 50"),
            SpecKey("over_last", "integer ≥ 1", default: "5", doc: "How many recent runs to compare with.", example: "#   over_last: 3"),
        ]),
        SpecSection("Check: anomaly", summary: "A metric of this run compared with its history: a z-score or a percent change; not evaluated until the history is long enough.", keys: [
            SpecKey("metric", metricType, default: "row_count", doc: "The metric (or give `check`). " + metricDoc, example: "- anomaly: { metric: row_count, method: zscore, k: 3, over_last: 14, min_history: 5 }"),
            SpecKey("column", "column", doc: "The column, for per-column metrics (`freshness_lag` without one: the dataset file's age).", example: "#   column: total"),
            SpecKey("check", "check name", doc: "Compare the value another check of the suite measured in this run (its `observed`: a null fraction, an age, a count) with its history, instead of a metric.", example: "- anomaly: { check: \"freshness(updated_at)\", method: pct_change, max_pct: 50, min_history: 3 }"),
            SpecKey("method", "`zscore` or `pct_change`", default: "zscore", doc: "How this run is compared with the history.", example: "#   method: pct_change"),
            SpecKey("k", "number > 0", default: "3", doc: "zscore: the most standard deviations from the mean allowed.", example: "#   k: 3"),
            SpecKey("max_pct", "number ≥ 0", doc: "pct_change: the largest change from the mean allowed, in percent.", example: "#   max_pct: 25"),
            SpecKey("over_last", "integer ≥ 1", default: "14", doc: "How many recent runs form the history.", example: "#   over_last: 14"),
            SpecKey("min_history", "integer ≥ 1", default: "5", doc: "Runs needed before the check is evaluated.", example: "#   min_history: 5"),
        ]),
    ]

    static let metricType = "`row_count`, `null_fraction`, `sum`, `mean`, `distinct_count`, `freshness_lag`"
    static let metricDoc = "`null_fraction`, `sum`, `mean` (numeric, NaN ignored) and `distinct_count` read `column`; `freshness_lag` is now − the newest value of a date/timestamp `column` in seconds, or without `column` the age of the dataset file (`sluice check FILE`; not known for a pipeline task's input: not evaluated)."

    /// The suite part of the reference.
    public static let reference = SpecReference(kind: "Suite", summary: "A quality suite: a dataset, references and checks.",
                                                sections: [suiteSection, datasetSection, commonCheckSection] + checkSections)
}
