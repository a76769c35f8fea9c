import SluiceSpec

/// Every key of a pipeline file, defined once: the parser's allowed keys and the
/// pipeline part of `docs/REFERENCE.md` come from here.
extension Pipeline {
    /// Keys of the top-level mapping.
    public static let topSection = SpecSection("Pipeline", summary: "The top level of a pipeline file.", keys: [
        SpecKey("pipeline", "name (letters, digits, `_`, `-`)", required: true, doc: "The pipeline's name; runs and state are kept under it.", example: "pipeline: user_analytics"),
        SpecKey("description", "text", doc: "What the pipeline does, for people.", example: "description: nightly user metrics"),
        SpecKey("owner", "text", doc: "Who to ask about it.", example: "owner: data-team"),
        SpecKey("schedule", "cron expression or `@daily`, `@hourly`, …", doc: "When `sluice schedule` starts a run.", example: "schedule: \"0 2 * * *\""),
        SpecKey("timezone", "IANA time zone", default: "UTC", doc: "The zone the schedule is read in.", example: "timezone: Europe/Berlin"),
        SpecKey("start_date", "date or timestamp", doc: "The first logical date to run; earlier dates are refused.", example: "start_date: 2024-01-01"),
        SpecKey("catchup", "boolean", default: "false", doc: "Whether `schedule` runs every missed interval since the last run.", example: "catchup: false"),
        SpecKey("max_active_runs", "integer 1…10000", default: "1", doc: "Runs of this pipeline at once under `schedule`.", example: "max_active_runs: 1"),
        SpecKey("max_parallel_tasks", "integer 1…10000", default: "4", doc: "Tasks of one run at once.", example: "max_parallel_tasks: 4"),
        SpecKey("depends_on_past", "boolean", default: "false", doc: "A run starts only after the previous interval's run succeeded.", example: "depends_on_past: false"),
        SpecKey("sla", "duration", doc: "A run not finished this long after its interval ends is reported as an SLA miss.", example: "sla: 2h"),
        SpecKey("params", "mapping of name: text", doc: "Values for `{{ params.NAME }}`; `--param` overrides them.", example: "params: { country: DE }"),
        SpecKey("defaults", "task settings", doc: "Retry and timeout settings for every task (see Task settings).", example: "defaults: { retries: 3, retry_delay: 5m }"),
        SpecKey("connections", "mapping of name: URL", doc: "Database URLs tasks refer to by name; `${VAR}` is read from the environment.", example: "connections: { warehouse: \"sqlite:warehouse.db\" }"),
        SpecKey("lineage", "mapping (see Lineage)", doc: "Where OpenLineage events of its runs go.", example: "lineage: { file: .sluice/lineage.jsonl }"),
        SpecKey("tasks", "mapping of task name: task", required: true, doc: "The tasks (see Task).", example: "tasks:\n  extract: { extract: { file: users.csv } }"),
        SpecKey("on_failure", "shell command, or `{ channel: NAME }`", doc: "Run (or notify) when a run fails, with the run's details as `SLUICE_ALERT_*` variables and JSON on stdin.", example: "on_failure: \"./cleanup.sh\""),
        SpecKey("on_success", "shell command, or `{ channel: NAME }`", doc: "Run (or notify) when a run succeeds.", example: "on_success: { channel: ops }"),
        SpecKey("alerts", "alert rules and channels", doc: "Who to notify on failure, retries, failed checks, SLA misses and long runs; over the defaults in `sluice.yaml` (read by SluiceObserve; see the README's Alerts section).", example: "alerts: { on: [failure, quality, sla_miss], webhook: \"${ALERT_WEBHOOK_URL}\" }"),
    ])

    /// Settings a task or `defaults:` may have.
    public static let settingsSection = SpecSection("Task settings", summary: "Retries and timeouts, in `defaults:` or on a task. Only transient errors (a refused connection, a busy database, a timeout) are retried; spec, data and permanent errors fail the task at once.", keys: [
        SpecKey("retries", "integer 0…1000", default: "0", doc: "Extra tries after the first.", example: "retries: 3"),
        SpecKey("retry_delay", "duration", default: "5m", doc: "Wait before the first retry.", example: "retry_delay: 30s"),
        SpecKey("retry_backoff", "`constant` or `exponential`", default: "constant", doc: "How the wait grows between retries.", example: "retry_backoff: exponential"),
        SpecKey("max_retry_delay", "duration", default: "24h", doc: "Upper bound of an exponential wait.", example: "max_retry_delay: 10m"),
        SpecKey("retry_jitter", "boolean", default: "true", doc: "Spread an exponential wait randomly over [wait/2, wait].", example: "retry_jitter: true"),
        SpecKey("timeout", "duration > 0", doc: "A try running longer is cancelled and counts as failed.", example: "timeout: 30m"),
    ])

    /// Keys of a task besides its kind and settings.
    public static let taskSection = SpecSection("Task", summary: "One entry of `tasks:`: exactly one kind (`extract`, `sql`, `transform`, `check`, `load`, `shell`) and any of these keys and the task settings.", keys: [
        SpecKey("after", "task name or list of them", doc: "Upstream tasks; the first is the task's input unless `input:` says otherwise.", example: "after: [extract]"),
        SpecKey("input", "task name", doc: "Which upstream's table the task reads.", example: "input: clean"),
        SpecKey("description", "text", doc: "What the task does, for people.", example: "description: drop test users"),
        SpecKey("on_failure", "shell command, or `{ channel: NAME }`", doc: "Run (or notify) when the task fails for good (after its retries).", example: "on_failure: \"echo $SLUICE_ALERT_TASK failed\""),
        SpecKey("on_success", "shell command, or `{ channel: NAME }`", doc: "Run (or notify) when the task succeeds.", example: "on_success: { channel: ops }"),
        SpecKey("trigger_rule", "`all_success`, `all_done`, `one_success`, `all_failed`, `one_failed`", default: "all_success", doc: "When the task runs, given its upstreams' states.", example: "trigger_rule: all_done"),
    ])

    public static let extractSection = SpecSection("Task: extract", summary: "Reads a table: a SQL query on a connection, or a file.", keys: [
        SpecKey("connection", "connection name", doc: "Where the query runs.", example: "extract: { connection: source, query: \"SELECT * FROM users WHERE ds = {{ ds }}\" }"),
        SpecKey("query", "SQL with `{{ }}` values bound as parameters", doc: "The query.", example: "# query: SELECT id, email FROM users"),
        SpecKey("query_file", "path", doc: "A file holding the query (relative to the pipeline file).", example: "# query_file: sql/users.sql"),
        SpecKey("file", "path", doc: "A CSV, JSON Lines or `.sluice` file to read instead of a query.", example: "# file: data/users.csv"),
        SpecKey("format", "`csv`, `jsonl`, `sluice`", doc: "The file's format when its name does not tell.", example: "# format: csv"),
        SpecKey("schema", "`name:type,…`", doc: "Column types that override inference.", example: "# schema: \"id:int64,email:string\""),
        SpecKey("filter", "boolean expression with `{{ }}` values", doc: "Only rows where it is true go downstream (a `file:` extract); Parquet row groups whose statistics rule it out are not read.", example: "# filter: \"ds = '{{ ds }}'\""),
    ])

    public static let sqlSection = SpecSection("Task: sql", summary: "Runs statements on a connection.", keys: [
        SpecKey("connection", "connection name", required: true, doc: "Where the statements run.", example: "sql: { connection: warehouse, statements: [\"DELETE FROM t WHERE ds = {{ ds }}\"] }"),
        SpecKey("statements", "SQL or list of SQL", doc: "The statements, one per item.", example: "# statements: [\"VACUUM\"]"),
        SpecKey("query_file", "path", doc: "A file holding a statement.", example: "# query_file: sql/cleanup.sql"),
    ])

    public static let checkSection = SpecSection("Task: check", summary: "A quality gate on the input table (the checks are those of a suite; see Suite).", keys: [
        SpecKey("checks", "list of checks", doc: "The checks, as in a suite file.", example: "check: { checks: [ { not_null: id } ] }"),
        SpecKey("suite", "path", doc: "A suite file instead of inline checks.", example: "# suite: checks.yaml"),
        SpecKey("name", "text", doc: "The dataset's identity in the state store's check results (or the suite file's `name:`); runs under one name compare with each other in change and anomaly checks. Default: `pipeline/task`.", example: "# name: orders"),
        SpecKey("references", "mapping of name: dataset", doc: "Tables that `referential` checks look values up in.", example: "# references: { users: data/users.csv }"),
        SpecKey("sample_rows", "integer 0…1000000", default: "5", doc: "Failing rows shown per check.", example: "# sample_rows: 5"),
        SpecKey("fail_on", "`warning`, `error`, `critical`", default: "error", doc: "The lowest severity whose failure fails the task.", example: "# fail_on: critical"),
        SpecKey("quarantine", "path", doc: "Where failing rows are written; the rest go downstream.", example: "# quarantine: \"bad/{{ ds }}.csv\""),
    ])

    public static let loadSection = SpecSection("Task: load", summary: "Writes the input table to a database table or a file.", keys: [
        SpecKey("connection", "connection name", doc: "The database.", example: "load: { connection: warehouse, table: users, mode: upsert, key: [id] }"),
        SpecKey("table", "table name", doc: "The table (created when missing).", example: "# table: analytics.users"),
        SpecKey("mode", "`append`, `replace`, `upsert`, `replace_partition`", default: "append", doc: "How rows are written.", example: "# mode: upsert"),
        SpecKey("key", "column or list of columns", doc: "The columns that identify a row: required for upsert; with replace, the created table's primary key. With any mode, a key on several rows of the data is handled by `on_duplicate`.", example: "# key: [id]"),
        SpecKey("on_duplicate", "`error`, `last`, `first`", default: "error", doc: "A key on several rows of the data: stop the load naming the first repeated keys and their rows (nothing is written), or load only each key's last or first row (the others are counted as dropped).", example: "# on_duplicate: last"),
        SpecKey("partition", "`column={{ ds }}`", doc: "The partition replace_partition replaces.", example: "# partition: \"ds={{ ds }}\""),
        SpecKey("on_schema_change", "`add` or `fail`", default: "add", doc: "What to do with columns the table lacks.", example: "# on_schema_change: fail"),
        SpecKey("file", "path", doc: "A file to write instead of a table.", example: "# file: \"out/{{ ds }}.csv\""),
        SpecKey("format", "`csv`, `jsonl`, `sluice`", doc: "The file's format when its name does not tell.", example: "# format: jsonl"),
        SpecKey("partition_by", "column or list of columns", doc: "Write `file:` as a Hive-partitioned Parquet dataset directory: one `col=value/` directory per value, each replaced whole and atomically, so a rerun of a date replaces exactly that partition.", example: "# partition_by: [ds]"),
    ])

    public static let shellSection = SpecSection("Task: shell", summary: "Runs a command with /bin/sh (a text, or a mapping with these keys).", keys: [
        SpecKey("command", "text", required: true, doc: "The command.", example: "shell: { command: \"echo {{ ds }}\", env: { MODE: full } }"),
        SpecKey("env", "mapping of name: text", doc: "Extra environment variables.", example: "# env: { MODE: full }"),
    ])

    /// Top-level keys of a pipeline file.
    static var topKeys: [String] { topSection.names }
    /// Keys every task may have besides its kind.
    static var taskKeys: [String] { taskSection.names + settingKeys }
    static var settingKeys: [String] { settingsSection.names }
    static let kinds = ["extract", "sql", "transform", "check", "load", "shell"]

    /// The pipeline part of the reference (`transform:` steps and checks have their own).
    public static let reference = SpecReference(kind: "Pipeline", summary: "A pipeline file (`sluice run pipeline.yaml`): tasks, their order, retries and schedule. Task kind `transform` takes a list of steps (see Steps).",
                                                sections: [topSection, taskSection, settingsSection, extractSection, sqlSection, checkSection, loadSection, shellSection, lineageSection])
}
