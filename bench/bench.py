#!/usr/bin/env python3
"""Sluice benchmark harness: the sluice binary against Python peers on the same data.

    make bench                         # USERS=1000000 RUNS=5
    USERS=20000 RUNS=2 python3 bench/bench.py --only pandas,pyarrow,polars,duckdb
    python3 bench/bench.py --list

Standard library only. The peers run in bench/.venv (created here, packages
pinned below, installed only when missing). Data comes from
`sluice generate users-orders --seed 42` into bench/data/users-$USERS (reused).

Each case is an entry in CASES: how to build every tool's command and how to
check the answers. Every command runs as its own process; wall time and peak
RSS (GNU time's %M, the tool's own peak) are measured per run: one warm-up round, then RUNS rounds
interleaved across tools (A B C D A B C D ...) so machine drift hits all alike.
If the tools disagree on the answer, or one fails, the case is FAILED and the
harness exits 1. Results go to the terminal, bench/results/*.json and
docs/BENCHMARKS.md (one section per case; other cases' sections are kept).
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV = BENCH / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
PEERS = BENCH / "peers"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "BENCHMARKS.md"
RELEASE_SLUICE = ROOT / ".build" / "release" / "sluice"
DEBUG_SLUICE = ROOT / ".build" / "debug" / "sluice"

# Peer packages, pinned to versions `pip index versions` offered when pinned.
PINNED = {"pandas": "3.1.1", "pyarrow": "26.0.1", "polars": "2.1.0", "duckdb": "2.0.1",
          "great_expectations": "1.24.1", "confluent-kafka": "2.16.1"}

SEED = 42
RUN_TIMEOUT_S = 900
RELATIVE_TOLERANCE = 1e-9


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def ensure_venv():
    """Creates bench/.venv if needed and installs any missing pinned package."""
    if not VENV_PYTHON.exists():
        log(f"bench: creating {VENV.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    installed = package_versions()
    wanted = [f"{name}=={version}" for name, version in PINNED.items() if installed.get(name) != version]
    if wanted:
        log(f"bench: pip install {' '.join(wanted)}")
        subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
                       check=True)
    else:
        log("bench: venv ready (" + ", ".join(f"{n} {v}" for n, v in installed.items()) + ")")


def package_versions():
    """{name: version} of the pinned packages present in the venv."""
    script = ("import importlib.metadata as m, json, sys\n"
              "out = {}\n"
              "for name in sys.argv[1:]:\n"
              "    try: out[name] = m.version(name)\n"
              "    except m.PackageNotFoundError: pass\n"
              "print(json.dumps(out))")
    result = subprocess.run([str(VENV_PYTHON), "-c", script, *PINNED], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def sluice_binary():
    return RELEASE_SLUICE if RELEASE_SLUICE.exists() else None


def ensure_data(users):
    """bench/data/users-N/{users,orders}.csv, generated once by sluice."""
    directory = DATA / f"users-{users}"
    files = [directory / "users.csv", directory / "orders.csv"]
    if all(f.exists() for f in files):
        log(f"bench: reusing {directory.relative_to(ROOT)}")
        return directory
    binary = RELEASE_SLUICE if RELEASE_SLUICE.exists() else DEBUG_SLUICE
    if not binary.exists():
        sys.exit(f"bench: no sluice binary to generate data with; run `swift build -c release` (or `make bench`)")
    if binary == DEBUG_SLUICE:
        log("bench: release sluice missing; generating with the debug build (same bytes, slower)")
    command = [str(binary), "generate", "users-orders", "--users", str(users), "--seed", str(SEED),
               "--output", str(directory)]
    log("bench: " + " ".join(command))
    subprocess.run(command, check=True)
    return directory


def machine_info():
    info = {"nproc": os.cpu_count()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu"] = match.group(1).strip() if match else platform.processor()
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        match = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["memory"] = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        info["memory"] = "unknown"
    try:
        match = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', Path("/etc/os-release").read_text(), re.M)
        info["os"] = f"{match.group(1)}, kernel {platform.release()}"
    except (OSError, AttributeError):
        info["os"] = platform.platform()
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60)
        info["swift"] = (swift.stdout or swift.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        info["swift"] = "unknown"
    python = subprocess.run([str(VENV_PYTHON), "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True)
    info["python"] = python.stdout.strip()
    info["packages"] = package_versions()
    return info


# ---------------------------------------------------------------- cases

class Case:
    """A benchmark: the same work done by every tool, with a check of the answers.

    Subclasses set `name` and `description`, and implement `commands(data)`
    returning {tool: argv} and `check(outputs)` returning a list of problems
    (empty when the answers agree) and a list of warnings.
    """
    name = ""
    description = ""
    # Exit statuses that mean "ran and answered" (e.g. `sluice check` exits 3 when a check fails).
    accepted_statuses = (0,)

    def prepare(self, data):
        """Makes any input the case needs beyond the generated data (once, reused)."""

    def commands(self, data):
        raise NotImplementedError

    def check(self, outputs):
        raise NotImplementedError


def parse_json_lines(text):
    """{file basename: object} from one JSON object per line."""
    result = {}
    for line in text.splitlines():
        line = line.strip()
        if line:
            obj = json.loads(line)
            result[Path(obj["file"]).name] = obj
    return result


def close(a, b):
    if a == b:
        return True
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))


class ReadCSV(Case):
    name = "read-csv"
    description = ("Read users.csv and orders.csv fully into typed columns (int64, float64, string, "
                   "timestamp), then report rows, nulls and numeric sums per column.")
    required = [("users.csv", "id"), ("orders.csv", "total")]
    files = ("users.csv", "orders.csv")

    def commands(self, data):
        files = [str(data / "users.csv"), str(data / "orders.csv")]
        binary = sluice_binary()
        sluice = [str(binary) if binary else str(RELEASE_SLUICE), "scan", "--format", "json", *files]
        peers = {tool: [str(VENV_PYTHON), str(PEERS / f"{tool}_read_csv.py"), *files]
                 for tool in ("pandas", "pyarrow", "polars", "duckdb")}
        return {"sluice": sluice, **peers}

    def check(self, outputs):
        problems, warnings = [], []
        parsed = {}
        for tool, text in outputs.items():
            try:
                parsed[tool] = parse_json_lines(text)
            except (ValueError, KeyError) as error:
                problems.append(f"{tool}: output is not the expected JSON lines ({error})")
        if not parsed:
            return problems, warnings
        files = sorted({name for p in parsed.values() for name in p})
        for file in self.files:
            for tool, result in parsed.items():
                if file not in result:
                    problems.append(f"{tool}: no result for {file}")
        for file in files:
            rows = {tool: p[file]["rows"] for tool, p in parsed.items() if file in p}
            if len(set(rows.values())) > 1:
                problems.append(f"{file}: row counts differ: {rows}")
            sums, nulls = {}, {}
            for tool, p in parsed.items():
                for column in p.get(file, {}).get("columns", []):
                    if "sum" in column and column["sum"] is not None:
                        sums.setdefault(column["name"], {})[tool] = column["sum"]
                    nulls.setdefault(column["name"], {})[tool] = column.get("nulls")
            for column, by_tool in sums.items():
                values = list(by_tool.values())
                if not all(close(values[0], v) for v in values[1:]):
                    problems.append(f"{file}.{column}: sums differ beyond {RELATIVE_TOLERANCE:g}: {by_tool}")
            for column, by_tool in nulls.items():
                if len(set(by_tool.values())) > 1:
                    warnings.append(f"{file}.{column}: null counts differ: {by_tool}")
        for file, column in self.required:
            for tool, p in parsed.items():
                columns = {c["name"]: c for c in p.get(file, {}).get("columns", [])}
                if "sum" not in columns.get(column, {}):
                    problems.append(f"{tool}: no sum for {file}.{column}")
        return problems, warnings


class ConvertLarge(Case):
    """Streaming conversion of a file far larger than a batch: speed and, above all, memory."""
    name = "convert-1gb"
    copies = 8
    description = ("Convert a ~1 GB CSV (the generated orders.csv repeated 8 times) to JSON Lines, "
                   "streaming: peak memory must stay bounded whatever the input size. Sluice also fsyncs "
                   "the output before renaming it into place (nothing half-written after a crash); the peers do not.")
    tools = ("sluice", "polars", "duckdb")

    def big_file(self, data):
        return data / "orders-x8.csv"

    def output(self, tool):
        return Path(tempfile.gettempdir()) / f"sluice-bench-convert-{tool}.jsonl"

    def prepare(self, data):
        big = self.big_file(data)
        if big.exists():
            return
        log(f"bench: writing {relative(big)} ({self.copies} copies of orders.csv)")
        lines = (data / "orders.csv").read_bytes().split(b"\n", 1)
        with open(str(big) + ".tmp", "wb") as out:
            out.write(lines[0] + b"\n")
            for _ in range(self.copies):
                out.write(lines[1])
        os.replace(str(big) + ".tmp", big)

    def commands(self, data):
        big = str(self.big_file(data))
        binary = sluice_binary()
        return {
            "sluice": [str(binary) if binary else str(RELEASE_SLUICE), "convert", big, str(self.output("sluice"))],
            "polars": [str(VENV_PYTHON), str(PEERS / "polars_convert.py"), big, str(self.output("polars"))],
            "duckdb": [str(VENV_PYTHON), str(PEERS / "duckdb_convert.py"), big, str(self.output("duckdb"))],
        }

    def check(self, outputs):
        problems, warnings = [], []
        counts = {}
        for tool in outputs:
            name = tool.split(" ")[0]
            path = self.output(name)
            try:
                with open(path, "rb") as handle:
                    counts[tool] = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
            except OSError as error:
                problems.append(f"{tool}: no output {path}: {error.strerror}")
        if len(set(counts.values())) > 1:
            problems.append(f"output line counts differ: {counts}")
        return problems, warnings


class LoadSQLite(Case):
    """The seed's load step: a 1M-row table into SQLite, against pandas' to_sql."""
    name = "load-sqlite"
    description = ("Load users.csv (all rows) into a new SQLite table. pandas runs the seed's "
                   "`to_sql(method='multi', chunksize=1000)` and, as a fairer peer, the largest chunk "
                   "SQLite's variable limit allows for 4 columns (62,500 rows).")

    def database(self, tool):
        return Path(tempfile.gettempdir()) / f"sluice-bench-load-{tool}.db"

    def commands(self, data):
        source = str(data / "users.csv")
        binary = sluice_binary()
        # Each run starts from an empty database: the command removes the previous file first.
        def fresh(tool, argv):
            db = self.database(tool)
            return ["sh", "-c", f'rm -f "{db}" && exec "$0" "$@"', *argv]
        return {
            "sluice": fresh("sluice", [str(binary) if binary else str(RELEASE_SLUICE), "load", source,
                                       "--to", f"sqlite:{self.database('sluice')}", "--table", "users"]),
            "pandas-1000": fresh("pandas-1000", [str(VENV_PYTHON), str(PEERS / "pandas_to_sql.py"), source,
                                                 str(self.database("pandas-1000")), "1000"]),
            "pandas-62500": fresh("pandas-62500", [str(VENV_PYTHON), str(PEERS / "pandas_to_sql.py"), source,
                                                   str(self.database("pandas-62500")), "62500"]),
        }

    def check(self, outputs):
        import sqlite3
        problems, warnings, counts = [], [], {}
        for tool in outputs:
            name = tool.split(" ")[0]
            try:
                with sqlite3.connect(self.database(name)) as connection:
                    counts[tool] = connection.execute("SELECT count(*), sum(id) FROM users").fetchone()
            except sqlite3.Error as error:
                problems.append(f"{tool}: cannot read the loaded table: {error}")
        if len(set(counts.values())) > 1:
            problems.append(f"row counts or id sums differ: {counts}")
        return problems, warnings


class TransformUserAnalytics(Case):
    """The seed's extract + transform in memory: join, aggregate, normalise, bucket."""
    name = "transform"
    description = ("The seed's extract and transform from the generated CSVs, whole process to an "
                   "output CSV: users LEFT JOIN orders, grouped to order_count and total_spent, email "
                   "lower(trim()), customer_segment bucketed like pd.cut (examples/transform).")

    def output(self, tool):
        return Path(tempfile.gettempdir()) / f"sluice-bench-transform-{tool}.csv"

    def prepare(self, data):
        steps = data / "steps.yaml"
        source = ROOT / "examples" / "transform" / "steps.yaml"
        if not steps.exists() or steps.read_bytes() != source.read_bytes():
            steps.write_bytes(source.read_bytes())

    def commands(self, data):
        binary = sluice_binary()
        examples = ROOT / "examples" / "transform"
        return {
            "sluice": [str(binary) if binary else str(RELEASE_SLUICE), "transform", str(data / "users.csv"),
                       str(self.output("sluice")), "--steps", str(data / "steps.yaml")],
            "pandas": [str(VENV_PYTHON), str(examples / "pandas_reference.py"), str(data), str(self.output("pandas"))],
            "polars": [str(VENV_PYTHON), str(examples / "polars_reference.py"), str(data), str(self.output("polars"))],
        }

    def check(self, outputs):
        import csv
        problems, warnings, summaries = [], [], {}
        for tool in outputs:
            name = tool.split(" ")[0]
            try:
                with open(self.output(name), newline="", encoding="utf-8") as handle:
                    reader = csv.DictReader(handle)
                    rows, segments = 0, {}
                    for row in reader:
                        rows += 1
                        segment = row.get("customer_segment") or ""
                        segments[segment] = segments.get(segment, 0) + 1
                summaries[tool] = (rows, tuple(sorted(segments.items())))
            except OSError as error:
                problems.append(f"{tool}: no output: {error.strerror}")
        if len(set(summaries.values())) > 1:
            problems.append(f"row or segment counts differ: {summaries}")
        return problems, warnings


class LoadPostgres(Case):
    """A 1M-row load into PostgreSQL against psql's \\copy, on the same throwaway server."""
    name = "load-postgres"
    description = ("Load users.csv (all rows) into a new PostgreSQL table: `sluice load --mode replace` "
                   "(binary COPY) against `psql -c \\copy … csv header` into a table created first, on the "
                   "same throwaway server (`make bench` starts it through scripts/with-postgres.sh; "
                   "fsync off for both).")

    @staticmethod
    def url():
        return os.environ.get("SLUICE_TEST_POSTGRES_URL")

    def commands(self, data):
        url = self.url() or "postgres://unset"
        source = str(data / "users.csv")
        binary = sluice_binary()
        psql = ("psql -q -v ON_ERROR_STOP=1 \"$0\" "
                "-c 'DROP TABLE IF EXISTS users_psql' "
                "-c 'CREATE TABLE users_psql (id bigint, email text, name text, created_at timestamp)' "
                f"-c \"\\\\copy users_psql from '{source}' csv header\"")
        return {
            "sluice": [str(binary) if binary else str(RELEASE_SLUICE), "load", source, "--to", url,
                       "--table", "users_sluice", "--mode", "replace"],
            "psql": ["sh", "-c", psql, url],
        }

    def check(self, outputs):
        problems, counts = [], {}
        for tool in outputs:
            table = "users_sluice" if tool.startswith("sluice") else "users_psql"
            result = subprocess.run(["psql", "-tA", self.url() or "", "-c", f"SELECT count(*), sum(id) FROM {table}"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f"{tool}: cannot read {table}: {result.stderr.strip()}")
            else:
                counts[tool] = result.stdout.strip()
        if len(set(counts.values())) > 1:
            problems.append(f"row counts or id sums differ: {counts}")
        return problems, []


def duplicated_user_ids(data):
    """Ids that appear on several rows of users.csv (the generator repeats a few on purpose):
    their result rows depend on group order, which tools need not share."""
    import csv
    seen, dups = set(), set()
    with open(data / "users.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = row["id"]
            (dups if key in seen else seen).add(key)
    return dups


class PipelineUserAnalytics(Case):
    """The seed's pipeline end to end from the CSVs: extract (join + aggregate), transform, checks, upsert."""
    name = "pipeline"
    description = ("The user-analytics pipeline from the generated CSVs, whole process: users LEFT JOIN "
                   "orders aggregated per user, email lower(trim()), Bronze/Silver/Gold, the seed's checks "
                   "(rows > 0, no null id, ≤1% negative totals), then into a new SQLite warehouse table. "
                   "sluice: `sluice run bench/pipelines/user_analytics_csv.yaml` (upsert on id, state store "
                   "and run artifacts included); polars and duckdb: the same steps, then an "
                   "`INSERT … ON CONFLICT(id) DO UPDATE` executemany into SQLite; pandas: the seed's code, "
                   "`to_sql(if_exists='append', method='multi', chunksize=1000)`.")

    def database(self, tool):
        return Path(tempfile.gettempdir()) / f"sluice-bench-pipeline-{tool}.db"

    def commands(self, data):
        binary = str(sluice_binary() or RELEASE_SLUICE)
        state = Path(tempfile.gettempdir()) / "sluice-bench-pipeline-state.db"
        def fresh(tool, argv, extra=""):
            return ["sh", "-c", f'rm -f "{self.database(tool)}" {extra} && exec "$0" "$@"', *argv]
        sluice = fresh("sluice", ["env", f"SLUICE_BENCH_WAREHOUSE={self.database('sluice')}", binary, "run",
                                  str(BENCH / "pipelines" / "user_analytics_csv.yaml"), "--date", "2024-06-01", "--rerun",
                                  "--param", f"data={data.resolve()}", "--allow-outside-paths", "--state", f"sqlite:{state}"],
                       extra=f'"{state}" "{state}-wal" "{state}-shm"')
        return {
            "sluice": sluice,
            "polars": fresh("polars", [str(VENV_PYTHON), str(PEERS / "pipeline_polars.py"), str(data), str(self.database("polars"))]),
            "duckdb": fresh("duckdb", [str(VENV_PYTHON), str(PEERS / "pipeline_duckdb.py"), str(data), str(self.database("duckdb"))]),
            "pandas": fresh("pandas", [str(VENV_PYTHON), str(PEERS / "pipeline_pandas_seed.py"), str(data), str(self.database("pandas"))]),
        }

    def check(self, outputs):
        import sqlite3
        problems, summaries = [], {}
        dups = None
        for tool in outputs:
            name = tool.split(" ")[0]
            if dups is None:
                dups = duplicated_user_ids(DATA_IN_USE[0])
            try:
                with sqlite3.connect(self.database(name)) as connection:
                    rows = connection.execute("SELECT id, order_count, total_spent, customer_segment FROM user_analytics").fetchall()
            except sqlite3.Error as error:
                problems.append(f"{tool}: cannot read the warehouse: {error}")
                continue
            ids = {str(r[0]) for r in rows}
            kept = [r for r in rows if str(r[0]) not in dups]
            segments = {}
            for r in kept:
                segments[r[3] or ""] = segments.get(r[3] or "", 0) + 1
            summaries[tool] = (len(ids), sum(r[1] or 0 for r in kept), round(sum(r[2] or 0 for r in kept), 2),
                               tuple(sorted(segments.items())))
        if len(set(summaries.values())) > 1:
            problems.append(f"warehouse contents differ (distinct ids, orders, total, segments): {summaries}")
        return problems, []


class PipelineSQLiteSource(Case):
    """make demo's shape at scale: examples/user_analytics/pipeline.yaml on a 1M-user source database."""
    name = "pipeline-sqlite"
    description = ("examples/user_analytics/pipeline.yaml (make demo's pipeline: the extract's join and "
                   "aggregate in the source SQLite's SQL, transform, checks, upsert) against a source database "
                   "holding the 1M generated users and their orders, for --date 2024-06-01 (users created "
                   "since the day before: about 29% of them). Timed alone: the peers' equivalent would be "
                   "the same SQLite query.")

    def directory(self, data):
        return data / "user_analytics"

    def prepare(self, data):
        target = self.directory(data)
        (target / "data").mkdir(parents=True, exist_ok=True)
        for name in ("pipeline.yaml", "extract.sql"):
            source = ROOT / "examples" / "user_analytics" / name
            if not (target / name).exists() or (target / name).read_bytes() != source.read_bytes():
                (target / name).write_bytes(source.read_bytes())
        if not (target / "data" / "source.db").exists():
            binary = str(sluice_binary() or RELEASE_SLUICE)
            for table in ("users", "orders"):
                subprocess.run([binary, "load", str(data / f"{table}.csv"), "--to", f"sqlite:{target / 'data' / 'source.db'}",
                                "--table", table, "--mode", "replace"], check=True, capture_output=True)

    def commands(self, data):
        binary = str(sluice_binary() or RELEASE_SLUICE)
        target = self.directory(data)
        return {"sluice": ["sh", "-c", f'rm -rf "{target}/data/warehouse.db" "{target}/.sluice" && exec "$0" "$@"',
                           binary, "run", str(target / "pipeline.yaml"), "--date", "2024-06-01"]}

    def check(self, outputs):
        import sqlite3
        problems = []
        for tool in outputs:
            with sqlite3.connect(self.directory(DATA_IN_USE[0]) / "data" / "warehouse.db") as connection:
                count = connection.execute("SELECT count(*) FROM user_analytics").fetchone()[0]
            if count == 0:
                problems.append(f"{tool}: the warehouse is empty")
        return problems, []


class PipelineOverhead(Case):
    """Per-task overhead: 200 no-op shell tasks in a chain, against running `true` 200 times from sh."""
    name = "pipeline-overhead"
    description = ("A 200-task DAG of no-op shell tasks (`true`), each after the previous, run by `sluice run` "
                   "(state store writes, process start, log capture for every task) against a shell loop that "
                   "starts `/bin/sh -c true` 200 times: the difference divided by 200 is Sluice's own cost per task.")
    tasks = 200

    def pipeline(self, data):
        return data / "overhead" / "pipeline.yaml"

    def prepare(self, data):
        path = self.pipeline(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["pipeline: overhead", "tasks:"]
        for i in range(self.tasks):
            lines.append(f"  t{i}: {{ shell: \"true\"{', after: [t' + str(i - 1) + ']' if i else ''} }}")
        path.write_text("\n".join(lines) + "\n")
        # The same DAG with alerts on (every rule that a pipeline run can trigger, to a local command channel);
        # the command adds --metrics-file, so metrics are on too.
        observed = path.parent / "observed" / "pipeline.yaml"
        observed.parent.mkdir(parents=True, exist_ok=True)
        alerts = ["alerts:", "  channels: { local: { command: \"cat >> alerts.jsonl\" } }",
                  "  rules: [ failure, retry, { on: quality, severity: warning }, sla_miss, { on: long_running, after: 1h } ]"]
        observed.write_text("\n".join(lines[:1] + alerts + lines[1:]) + "\n")

    def commands(self, data):
        binary = str(sluice_binary() or RELEASE_SLUICE)
        path = self.pipeline(data)
        return {
            "sluice": [binary, "run", str(path), "--date", "2024-01-01", "--rerun"],
            "sluice-observed": [binary, "run", str(path.parent / "observed" / "pipeline.yaml"), "--date", "2024-01-01", "--rerun",
                                "--metrics-file", str(path.parent / "observed" / "metrics.prom")],
            "sh-loop": ["sh", "-c", f"for i in $(seq {self.tasks}); do /bin/sh -c true; done"],
        }

    def check(self, outputs):
        return [], []

    def notes(self, rows):
        medians = {r["tool"]: r.get("median_s") for r in rows if not r.get("error")}
        if medians.get("sluice") is None or medians.get("sh-loop") is None:
            return []
        per_task = (medians["sluice"] - medians["sh-loop"]) / self.tasks * 1000
        notes = [f"Sluice's own cost per task: ({medians['sluice']:.3f} s − {medians['sh-loop']:.3f} s) / {self.tasks} "
                 f"= {per_task:.2f} ms (target: under 5 ms)"]
        if medians.get("sluice-observed") is not None:
            observed = (medians["sluice-observed"] - medians["sh-loop"]) / self.tasks * 1000
            notes.append(f"With metrics (--metrics-file) and alerts (5 rules, command channel) on: "
                         f"({medians['sluice-observed']:.3f} s − {medians['sh-loop']:.3f} s) / {self.tasks} = {observed:.2f} ms per task "
                         f"(target: under 5 ms)")
        return notes


# The generated data directory of this invocation (set by main; checks read it).
DATA_IN_USE = [DATA]


# Later work appends cases here (quality checks, ...).

def sluice_check(data, suite):
    """argv for `sluice check orders.csv --suite SUITE --format json` (suite copied next to the data)."""
    binary = sluice_binary()
    return [str(binary) if binary else str(RELEASE_SLUICE), "check", str(data / "orders.csv"),
            "--suite", str(data / suite), "--format", "json"]


def sluice_seed_four(report):
    """The seed's four measures from a `sluice check --format json` report, by check kind."""
    checks = {}
    for check in report["checks"]:
        checks.setdefault(check["kind"], check)
    rows = report["rows"]
    nulls = checks["not_null"]["failing_rows"]
    return {"rows": rows, "nulls": nulls,
            "distinct": rows - nulls - checks["unique"]["failing_rows"],   # failing rows of unique = repeats
            "out_of_range": checks["range"]["failing_rows"],
            "absent": checks["referential"]["failing_rows"],                 # a null key is not absent
            "outcomes": {kind: checks[kind]["outcome"] == "passed" for kind in ("not_null", "unique", "range", "referential")}}


class QualitySeedFour(Case):
    """The seed's Data Quality Framework: its four checks on 3M orders, against its own pandas code, polars and GX."""
    name = "quality"
    description = ("The seed's four DataQualityValidator checks on orders.csv (reference: users.csv), whole "
                   "process from CSV: not_null(user_id) at 0, unique(user_id) at 1.0, range(total, 0..1e6) "
                   "at 1%, referential(user_id → users.id) at 1% (bench/quality/seed-4.yaml). pandas runs the "
                   "seed's validator class verbatim (division by zero fixed); polars the same four measures; "
                   "Great Expectations (GX Core) the four as expectations (not_null, unique, between with "
                   "mostly=0.99, in_set of users.id). Failing counts are compared across tools: the seed "
                   "counts a null key as a missing reference and GX counts every row of a repeated value as "
                   "not unique — the check accounts for both.")
    accepted_statuses = (0, 3)   # 3: sluice's gate failed (the seed's uniqueness check fails on orders)

    def prepare(self, data):
        source = BENCH / "quality" / "seed-4.yaml"
        target = data / "quality-seed-4.yaml"
        if not target.exists() or target.read_bytes() != source.read_bytes():
            target.write_bytes(source.read_bytes())

    def commands(self, data):
        files = [str(data / "orders.csv"), str(data / "users.csv")]
        return {
            "sluice": sluice_check(data, "quality-seed-4.yaml"),
            "pandas": [str(VENV_PYTHON), str(PEERS / "pandas_quality.py"), *files],
            "polars": [str(VENV_PYTHON), str(PEERS / "polars_quality.py"), *files],
            "gx": [str(VENV_PYTHON), str(PEERS / "gx_quality.py"), *files],
        }

    def check(self, outputs):
        problems, warnings, answers = [], [], {}
        for tool, text in outputs.items():
            try:
                report = json.loads(text)
                answers[tool] = sluice_seed_four(report) if tool.startswith("sluice") else report
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{tool}: output is not the expected JSON ({error})")
        sluice = next((a for t, a in answers.items() if t.startswith("sluice")), None)
        if sluice is None:
            # Without sluice (or between two runs of a peer), compare the peers' raw answers.
            if len({json.dumps(a, sort_keys=True) for a in answers.values()}) > 1:
                problems.append(f"answers differ: {answers}")
            return problems, warnings
        expected = {"rows": sluice["rows"], "nulls": sluice["nulls"], "distinct": sluice["distinct"],
                    "out_of_range": sluice["out_of_range"], "absent": sluice["absent"]}
        for tool, a in answers.items():
            if tool.startswith("sluice"):
                if a != sluice:
                    problems.append(f"{tool}: answers differ from the first sluice run: {a} vs {sluice}")
                continue
            got = {"rows": a["rows"], "nulls": a["not_null"]["failing"], "out_of_range": a["range"]["failing"]}
            if "distinct" in a["unique"]:
                got["distinct"] = a["unique"]["distinct"]
            else:   # GX: rows whose value occurs more than once = repeats + values that repeat
                repeats = sluice["rows"] - sluice["nulls"] - sluice["distinct"]
                in_repeated = a["unique"]["rows_in_repeated_values"]
                if not repeats < in_repeated <= 2 * repeats and not (repeats == in_repeated == 0):
                    problems.append(f"{tool}: {in_repeated} rows in repeated values cannot follow from {repeats} repeats")
            if "failing_with_nulls" in a["referential"]:   # the seed: ~isin counts a null key as missing
                got["absent"] = a["referential"]["failing_with_nulls"] - sluice["nulls"]
            else:
                got["absent"] = a["referential"]["failing"]
            for key, value in got.items():
                if value != expected[key]:
                    problems.append(f"{tool}: {key} = {value}, sluice {expected[key]}")
            for kind in ("not_null", "unique", "range", "referential"):
                if a[kind]["passed"] != sluice["outcomes"][kind]:
                    warnings.append(f"{tool}: {kind} {'passed' if a[kind]['passed'] else 'failed'}, sluice's "
                                    f"{'passed' if sluice['outcomes'][kind] else 'failed'}"
                                    + (" (GX's in_set has no mostly: any absent key fails it)" if tool == "gx" and kind == "referential" else ""))
        return problems, warnings


class QualityTwenty(Case):
    """What more checks cost: a 20-check suite on orders against the seed's four (target: < 2x)."""
    name = "quality-20"
    description = ("`sluice check` on orders.csv with 20 checks (bench/quality/orders-20.yaml: the seed's four, "
                   "row_count, schema, not_null/unique/range on every column, a two-column uniqueness, "
                   "freshness and four expressions) against the seed's four (sluice-4). Checks on one "
                   "column share its scan, so cost should grow far slower than the check count; the target "
                   "is under 2× the four-check run. Answers: the seed's four agree between the two suites.")
    accepted_statuses = (0, 3)

    def prepare(self, data):
        for name in ("seed-4.yaml", "orders-20.yaml"):
            source = BENCH / "quality" / name
            target = data / f"quality-{name}"
            if not target.exists() or target.read_bytes() != source.read_bytes():
                target.write_bytes(source.read_bytes())

    def commands(self, data):
        return {"sluice-4": sluice_check(data, "quality-seed-4.yaml"),
                "sluice-20": sluice_check(data, "quality-orders-20.yaml")}

    def check(self, outputs):
        problems, warnings, answers, counts = [], [], {}, {}
        for tool, text in outputs.items():
            try:
                report = json.loads(text)
                answers[tool] = sluice_seed_four(report)
                counts[tool] = len(report["checks"])
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{tool}: output is not the expected JSON ({error})")
        if len({json.dumps(a, sort_keys=True) for a in answers.values()}) > 1:
            problems.append(f"the seed's four checks differ between suites: {answers}")
        for tool, n in counts.items():
            wanted = 20 if tool.startswith("sluice-20") else 4 if tool.startswith("sluice-4") else n
            if n != wanted:
                problems.append(f"{tool}: {n} check results, expected {wanted}")
        return problems, warnings




class MockKafka:
    """One librdkafka mock cluster for the stream cases, hosted by `sluice stream mock-cluster`
    (its brokers' addresses come from cluster metadata, so every client sees the same brokers).
    Started once, stopped when the harness exits (closing its standard input)."""
    process = None
    brokers = None
    topics = set()
    registered = False

    @classmethod
    def start(cls, topics):
        """Makes sure a cluster with `topics` (name:partitions) runs; a case needing other topics
        gets a fresh cluster (the previous case is done with its own)."""
        if cls.process is not None and set(topics) <= cls.topics:
            return
        cls.stop()
        binary = sluice_binary() or DEBUG_SLUICE
        arguments = [a for t in topics for a in ("--topic", t)]
        cls.process = subprocess.Popen([str(binary), "stream", "mock-cluster", "--broker-count", "3", *arguments],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        cls.brokers = cls.process.stdout.readline().strip()
        cls.topics = set(topics)
        if not cls.registered:
            import atexit
            atexit.register(cls.stop)
            cls.registered = True
        log(f"bench: Kafka mock cluster at {cls.brokers}")

    @classmethod
    def stop(cls):
        if cls.process is not None:
            cls.process.stdin.close()
            cls.process.wait(timeout=30)
            cls.process = None


class StreamUserEvents(Case):
    """The seed's UserEventProcessor: sluice on files and on Kafka against the Python consumer."""
    name = "stream"
    tools = ("sluice-kafka", "python-batched", "sluice-files")
    mode = "batched"

    def __init__(self):
        self.events = int(os.environ.get("STREAM_EVENTS", "1000000"))
        self.description = (
            f"{self.events:,} generated user events (~180 bytes, ~2.2% bad; `sluice generate user-events --seed 42`) "
            "through the example's processors (examples/user_events: validate, enrich, map, DLQ). "
            "Kafka: both consume the same preloaded topic (16 partitions, zstd) from librdkafka's mock cluster "
            "(3 brokers on loopback, hosted by `sluice stream mock-cluster`), each run in a fresh consumer group, "
            "producing to an output and a DLQ topic: `sluice stream run --stop-at-end` against the seed's logic "
            "in Python with confluent-kafka (bench/peers/kafka_user_events.py), committing after every 10,000 "
            "records once the producers are flushed. In-process time excludes the group join (first record to "
            "end). sluice-files: the same spec on JSON Lines files (output and DLQ fsynced, position stored).")

    def topic(self, base):
        return f"{base}-{self.name}-{self.events}"

    def prepare(self, data):
        binary = sluice_binary() or DEBUG_SLUICE
        events = DATA / f"events-{self.events}.jsonl"
        if not events.exists():
            subprocess.run([str(binary), "generate", "user-events", "--events", str(self.events), "--seed", str(SEED),
                            "--output", str(events)], check=True)
        self.input = events
        raw, out, dlq = self.topic("raw"), self.topic("out"), self.topic("dlq")
        topics = [f"{raw}:16", f"{out}:16", f"{dlq}:4"]
        fresh = not set(topics) <= MockKafka.topics
        MockKafka.start(topics)
        if fresh:
            log(f"bench: loading {events.name} into topic {raw}")
            subprocess.run([str(VENV_PYTHON), str(PEERS / "kafka_load.py"), MockKafka.brokers, raw, str(events)],
                           check=True, stdout=subprocess.DEVNULL)
        example = (ROOT / "examples" / "user_events" / "spec.yaml").read_text()
        processors = example[example.index("processors:"):example.index("output:")]
        self.work = Path(tempfile.gettempdir()) / f"sluice-bench-{self.name}"
        self.work.mkdir(exist_ok=True)
        (self.work / "files.yaml").write_text(
            f"stream: user_events\ninput: {{ file: {events} }}\n{processors}"
            f"output: {{ file: {self.work / 'out.jsonl'} }}\ndead_letter: {{ file: {self.work / 'dlq.jsonl'} }}\n")
        (self.work / "kafka.yaml").write_text(
            f"stream: user_events\nkafka: {{ brokers: \"{MockKafka.brokers}\" }}\n"
            f"input: {{ kafka: {{ topic: {raw}, group: \"${{BENCH_GROUP}}\" }} }}\n{processors}"
            f"output: {{ kafka: {{ topic: {out} }} }}\ndead_letter: {{ kafka: {{ topic: {dlq} }} }}\n")

    def commands(self, data):
        sluice = str(sluice_binary() or RELEASE_SLUICE)
        work = getattr(self, "work", Path(tempfile.gettempdir()) / f"sluice-bench-{self.name}")
        raw, out, dlq = self.topic("raw"), self.topic("out"), self.topic("dlq")
        commands = {
            "sluice-kafka": ["sh", "-c", f"BENCH_GROUP=sluice-$$ exec {sluice} stream run {work / 'kafka.yaml'} "
                                         "--stop-at-end --quiet --json-summary"],
            f"python-{self.mode}": [str(VENV_PYTHON), str(PEERS / "kafka_user_events.py"), str(MockKafka.brokers),
                                    raw, out, dlq, self.mode],
            "sluice-files": ["sh", "-c", f"rm -f {work}/out.jsonl {work}/dlq.jsonl {work}/position && exec {sluice} "
                                         f"stream run {work / 'files.yaml'} --position {work}/position --quiet --json-summary"],
        }
        return {tool: commands[tool] for tool in self.tools}

    def check(self, outputs):
        problems, counts = [], {}
        for tool, text in outputs.items():
            try:
                summary = json.loads(text.strip().splitlines()[-1])
                counts[tool] = (summary["in"], summary["out"], summary["dlq"])
            except (ValueError, KeyError, IndexError) as error:
                problems.append(f"{tool}: no JSON summary on stdout ({error})")
        if len(set(counts.values())) > 1:
            problems.append(f"(in, out, dlq) differ: {counts}")
        elif counts and next(iter(counts.values()))[0] != self.events:
            problems.append(f"expected {self.events} records in, got {counts}")
        return problems, []


class StreamCommitPerMessage(StreamUserEvents):
    """The seed's commit after every message, on fewer events (it runs at a few thousand per second)."""
    name = "stream-commit-per-message"
    tools = ("sluice-kafka", "python-per-message")
    mode = "per-message"

    def __init__(self):
        super().__init__()
        self.events = int(os.environ.get("STREAM_PER_MESSAGE_EVENTS", "100000"))
        self.description = (
            f"As the stream case, on {self.events:,} events, against the seed's commit after every message "
            "(synchronous commit right after producing, as the seed does — before delivery is confirmed). "
            "Fewer events because that consumer runs at a few thousand records per second.")


# ---------------------------------------------------------------- Parquet cases (issue 14)

def parquet_orders(data):
    """bench/data/users-N/orders.parquet, written once by pyarrow (snappy, its defaults) from orders.csv."""
    path = data / "orders.parquet"
    if not path.exists():
        log(f"bench: writing {relative(path)} with pyarrow")
        script = ("import sys, pyarrow.csv as c, pyarrow.parquet as p\n"
                  "p.write_table(c.read_csv(sys.argv[1]), sys.argv[2] + '.tmp')\n")
        subprocess.run([str(VENV_PYTHON), "-c", script, str(data / "orders.csv"), str(path)], check=True)
        os.replace(str(path) + ".tmp", path)
    return path


def parquet_row_counts(paths):
    """{path: rows} read from the files' footers by pyarrow (in the venv)."""
    script = ("import sys, json, pyarrow.parquet as p\n"
              "print(json.dumps({f: p.ParquetFile(f).metadata.num_rows for f in sys.argv[1:]}))")
    done = subprocess.run([str(VENV_PYTHON), "-c", script, *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout)


class ReadParquet(ReadCSV):
    name = "read-parquet"
    description = ("Read the 3M-row orders table from Parquet (snappy, as pyarrow writes it by default) into typed "
                   "columns, then report rows, nulls and numeric sums per column.")
    required = [("orders.parquet", "total")]
    files = ("orders.parquet",)
    columns = None

    def prepare(self, data):
        parquet_orders(data)

    def commands(self, data):
        path = str(data / "orders.parquet")
        binary = sluice_binary()
        projection = ["--columns", ",".join(self.columns)] if self.columns else []
        sluice = [str(binary) if binary else str(RELEASE_SLUICE), "scan", "--format", "json", path, *projection]
        peers = {tool: [str(VENV_PYTHON), str(PEERS / "parquet_read.py"), tool, path, *projection]
                 for tool in ("pyarrow", "polars", "duckdb")}
        return {"sluice": sluice, **peers}


class ProjectParquet(ReadParquet):
    name = "project-parquet"
    description = ("Read 2 of the 4 columns (user_id, total) of the orders Parquet file: only those column chunks "
                   "are read. Compare with read-parquet for the ratio.")
    columns = ["user_id", "total"]


class WriteParquet(Case):
    name = "write-parquet"
    description = ("Read the orders Parquet file and write it again as Parquet (snappy); the output's row count "
                   "is checked. Sluice also fsyncs and renames the output into place; the peers do not.")

    def output(self, tool):
        return Path(tempfile.gettempdir()) / f"sluice-bench-{self.name}-{tool}.parquet"

    def source(self, data):
        return data / "orders.parquet"

    def prepare(self, data):
        parquet_orders(data)

    def commands(self, data):
        source = str(self.source(data))
        binary = sluice_binary()
        commands = {"sluice": [str(binary) if binary else str(RELEASE_SLUICE), "convert", source, str(self.output("sluice"))]}
        for tool in ("pyarrow", "polars", "duckdb"):
            commands[tool] = [str(VENV_PYTHON), str(PEERS / "parquet_write.py"), tool, source, str(self.output(tool))]
        return commands

    def check(self, outputs):
        paths = {tool: self.output(tool.split(" ")[0]) for tool in outputs}
        counts = parquet_row_counts(paths.values())
        if counts is None:
            return ["pyarrow could not read an output's footer"], []
        by_tool = {tool: counts.get(str(path)) for tool, path in paths.items()}
        return ([f"output row counts differ: {by_tool}"] if len(set(by_tool.values())) > 1 else []), []


class CSVToParquet(WriteParquet):
    name = "csv-to-parquet"
    description = "Convert users.csv (1M users) to Parquet (snappy); the output's row count is checked."

    def source(self, data):
        return data / "users.csv"


CASES = [ReadCSV(), ConvertLarge(), LoadSQLite(), TransformUserAnalytics(), LoadPostgres(), QualitySeedFour(),
         QualityTwenty(), PipelineUserAnalytics(), PipelineSQLiteSource(), PipelineOverhead(),
         StreamUserEvents(), StreamCommitPerMessage(), ReadParquet(), ProjectParquet(), WriteParquet(), CSVToParquet()]


# ---------------------------------------------------------------- measuring

TIME = "/usr/bin/time"


def run_once(argv):
    """Runs argv; returns (seconds, peak RSS in KiB, exit status, stdout, stderr).

    The peak is GNU time's (`/usr/bin/time -f %M`, apt package `time`): a child of this
    Python process would start its ru_maxrss at this process's size (fork copies the page
    tables, vfork shares them), so the tool is started from that small process instead.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as peak:
        start = time.perf_counter()
        try:
            process = subprocess.Popen([TIME, "-q", "-f", "%M", "-o", peak.name, *argv], stdout=out, stderr=err,
                                       stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
        except OSError as error:
            return 0.0, 0, 127, "", f"cannot start {TIME}: {error.strerror} (install it: apt-get install time, or make deps)"
        # The whole group: GNU time and the tool it started.
        timer = threading.Timer(RUN_TIMEOUT_S, lambda: os.killpg(process.pid, signal.SIGKILL))
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        peak.seek(0)
        lines = [line for line in peak.read().splitlines() if line.strip()]
        rss = int(lines[-1]) if lines and lines[-1].strip().isdigit() else 0
        status = process.returncode
        if status == 127:
            hint = " (build it: swift build -c release, or make bench)" if "sluice" in Path(argv[0]).name else ""
            stderr = f"cannot start {relative(argv[0])}{hint}: {stderr.strip()}"
        return (seconds, rss, status, out.read().decode("utf-8", "replace"), stderr)


def run_case(case, data, tools, runs):
    commands = {tool: argv for tool, argv in case.commands(data).items() if tool in tools}
    measurements = {tool: [] for tool in commands}
    outputs, errors = {}, {}
    for round_index in range(runs + 1):
        label = "warm-up" if round_index == 0 else f"run {round_index}/{runs}"
        for tool, argv in commands.items():
            if tool in errors:
                continue
            seconds, rss, status, stdout, stderr = run_once(argv)
            if status not in case.accepted_statuses:
                errors[tool] = f"exit status {status}: {stderr.strip()[-800:] or '(no message)'}"
                log(f"  {label:12} {tool:8} ERROR {errors[tool]}")
                continue
            # Peers print BENCH_IN_PROCESS_SECONDS on stderr; sluice's --json-summary has active_seconds
            # (first record read to the end), so the product needs no benchmark switch.
            marker = re.search(r"BENCH_IN_PROCESS_SECONDS=([0-9.]+)", stderr) or re.search(r'"active_seconds":([0-9.eE+-]+)', stdout)
            in_process = float(marker.group(1)) if marker else seconds
            log(f"  {label:12} {tool:8} {seconds:8.3f} s {rss / 1024:8.1f} MiB  (in-process {in_process:.3f} s)")
            if round_index == 0:
                outputs[tool] = stdout
            else:
                measurements[tool].append((seconds, rss, in_process))
                if stdout != outputs[tool]:
                    problems, _ = case.check({f"{tool} (warm-up)": outputs[tool], f"{tool} ({label})": stdout})
                    if problems:
                        errors[tool] = "answer changed between runs: " + "; ".join(problems)
    problems, warnings = case.check({t: o for t, o in outputs.items() if t not in errors})
    problems = [f"{tool}: {message}" for tool, message in errors.items()] + problems
    return commands, measurements, problems, warnings


def summarize(measurements, baseline):
    rows = []
    medians = {tool: statistics.median(s for s, _, _ in runs) for tool, runs in measurements.items() if runs}
    inner = {tool: statistics.median(i for _, _, i in runs) for tool, runs in measurements.items() if runs}
    base = medians.get(baseline)
    inner_base = inner.get(baseline)
    for tool, runs in measurements.items():
        if not runs:
            rows.append({"tool": tool, "error": True})
            continue
        seconds = [s for s, _, _ in runs]
        rows.append({
            "tool": tool,
            "median_s": medians[tool],
            "min_s": min(seconds),
            "max_s": max(seconds),
            "rss_mib": max(r for _, r, _ in runs) / 1024,
            "ratio": medians[tool] / base if base else None,
            "in_process_s": inner[tool],
            "in_process_ratio": inner[tool] / inner_base if inner_base else None,
        })
    return rows


def table(rows, baseline):
    header = (f"| tool | median wall s | min–max s | peak RSS MiB | ratio (tool / {baseline}) "
              f"| in-process s | in-process ratio |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        if row.get("error"):
            lines.append(f"| {row['tool']} | error | | | | | |")
            continue
        ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else "n/a"
        inner_ratio = f"{row['in_process_ratio']:.2f}×" if row["in_process_ratio"] is not None else "n/a"
        lines.append(f"| {row['tool']} | {row['median_s']:.3f} | {row['min_s']:.3f}–{row['max_s']:.3f} | "
                     f"{row['rss_mib']:.0f} | {ratio} | {row['in_process_s']:.3f} | {inner_ratio} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- no-regression check

DEFAULT_USERS = 1_000_000


def section_title(case_name, users):
    """The heading of a case's section: the default size keeps the bare name, others say theirs."""
    return case_name if users == DEFAULT_USERS else f"{case_name} ({users:,} users)"


def previous_figures(text):
    """{(case, users, tool): {"median_s", "min_s", "max_s", "date"}} from a BENCHMARKS.md text.

    Each `## Case:` section names its data size in its `- Data: N users` line and has one
    table row per tool: `| tool | median | min–max | …`. Sections without a table are skipped."""
    figures = {}
    for chunk in re.split(r"(?m)^(?=## Case: )", text):
        heading = re.match(r"## Case: (\S+)", chunk)
        data = re.search(r"(?m)^- Data: ([\d,]+) users", chunk)
        if not heading or not data:
            continue
        date = re.search(r"(?m)^- Date: (.+)$", chunk)
        users = int(data.group(1).replace(",", ""))
        for row in re.finditer(r"(?m)^\| (\S+) \| ([0-9.]+) \| ([0-9.]+)[–-]([0-9.]+) \|", chunk):
            figures[(heading.group(1), users, row.group(1))] = {
                "median_s": float(row.group(2)), "min_s": float(row.group(3)), "max_s": float(row.group(4)),
                "date": date.group(1).strip() if date else "?"}
    return figures


def compare_with_previous(previous, case_name, users, rows):
    """One verdict per measured tool against its previous figure for the same case and size.

    A tool is "slower" (a regression) when its new median exceeds the previous median by more
    than the run-to-run spread — the larger of the previous and the new min–max range — and
    "faster" when it is below by more than that; otherwise "same". Tools without a previous
    figure get "new"."""
    verdicts = []
    for row in rows:
        if row.get("error"):
            continue
        old = previous.get((case_name, users, row["tool"]))
        if old is None:
            verdicts.append({"tool": row["tool"], "verdict": "new", "new_s": row["median_s"]})
            continue
        noise = max(old["max_s"] - old["min_s"], row["max_s"] - row["min_s"])
        change = row["median_s"] - old["median_s"]
        verdict = "slower" if change > noise else ("faster" if -change > noise else "same")
        verdicts.append({"tool": row["tool"], "verdict": verdict, "old_s": old["median_s"], "new_s": row["median_s"],
                         "noise_s": noise, "old_date": old["date"]})
    return verdicts


def comparison_lines(verdicts):
    """Human lines for a case's verdicts; a regression is marked so it is easy to find."""
    lines = []
    for v in verdicts:
        if v["verdict"] == "new":
            lines.append(f"{v['tool']}: {v['new_s']:.3f} s (no previous figure)")
            continue
        mark = "SLOWER THAN BEFORE (regression)" if v["verdict"] == "slower" else v["verdict"]
        lines.append(f"{v['tool']}: {v['old_s']:.3f} s ({v['old_date']}) → {v['new_s']:.3f} s: {mark} "
                     f"(run-to-run spread {v['noise_s']:.3f} s)")
    return lines


# ---------------------------------------------------------------- report

DOC_INTRO = """# Benchmarks

Sluice against Python peers (pandas, pyarrow, polars, DuckDB, Great Expectations)
on the same generated data. Written by `bench/bench.py`; each case keeps its own section, so
running one case leaves the others' results in place.

## How to run

```sh
make bench                      # 1M users (~3M orders), 5 runs per tool
make bench USERS=100000 RUNS=3  # smaller
python3 bench/bench.py --only pandas,polars --case read-csv   # a subset
```

`make bench` installs system packages (scripts/install-deps.sh), builds the
release binary, creates `bench/.venv` with pinned peer packages (installed only
when missing) and generates `bench/data/users-$USERS` with
`sluice generate users-orders --seed 42` (reused if present). Each tool runs as
its own process: one warm-up round, then `RUNS` rounds interleaved across tools.
Wall time is measured around the process; peak RSS is GNU time's `%M` (the tool's own
`ru_maxrss`: started from this Python process directly, a tool's peak would start at the
harness's own size, which inflated earlier figures). Answers (row counts, sums within relative 1e-9) are checked across all
tools; a disagreement marks the case FAILED and the harness exits 1. The ratio
is the tool's median divided by the baseline's (sluice when it ran).

Wall time is the headline (whole process, as a user runs it), and for the
Python peers it includes starting the interpreter and importing the library
(0.2–1.2 s here). So that this is not mistaken for the peers' parsing speed, the
peers also report an in-process time, measured from after their imports to
their exit, and the table shows it with its own ratio. Sluice has no import
phase: its in-process time is its wall time.
"""


def machine_section(info):
    packages = ", ".join(f"{name} {version}" for name, version in sorted(info["packages"].items()))
    return ("## Machine\n\n"
            f"- CPU: {info['cpu']} ({info['nproc']} cores visible)\n"
            f"- Memory: {info['memory']}\n"
            f"- OS: {info['os']}\n"
            f"- Swift: {info['swift']}\n"
            f"- Python: {info['python']}; {packages}\n")


def case_section(case, result):
    lines = [f"## Case: {section_title(case.name, result['users'])}", "", case.description, "",
             f"- Date: {result['date']}",
             f"- Data: {result['users']:,} users (`bench/data/users-{result['users']}`), seed {SEED}",
             f"- Runs: 1 warm-up + {result['runs']} measured per tool, interleaved",
             f"- Status: {'FAILED' if result['problems'] else 'answers agree'}"]
    if result["skipped"]:
        lines.append(f"- Not run: {', '.join(result['skipped'])}")
    lines += ["", result["table"], ""]
    if result["problems"]:
        lines += ["Problems:", ""] + [f"- {p}" for p in result["problems"]] + [""]
    if result["warnings"]:
        lines += ["Notes:", ""] + [f"- {w}" for w in result["warnings"]] + [""]
    if result.get("comparison"):
        lines += ["Compared with the previous figures (median; a change within the run-to-run spread is \"same\"):", ""]
        lines += [f"- {line}" for line in comparison_lines(result["comparison"])] + [""]
    lines += ["Commands:", "", "```"] + [f"{tool}: {' '.join(relative(a) for a in argv)}"
                                          for tool, argv in result["commands"].items()] + ["```", ""]
    return "\n".join(lines)


def relative(argument):
    text = str(argument)
    prefix = str(ROOT) + "/"
    return text[len(prefix):] if text.startswith(prefix) else text


def write_doc(info, sections):
    """Rewrites the intro and machine sections; replaces the given case sections, keeps the rest."""
    existing = {}
    order = []
    if DOC.exists():
        for chunk in re.split(r"(?m)^(?=## Case: )", DOC.read_text()):
            match = re.match(r"## Case: (.+)", chunk)
            if match:
                existing[match.group(1)] = chunk.rstrip() + "\n"
                order.append(match.group(1))
    for name, text in sections.items():
        if name not in existing:
            order.append(name)
        existing[name] = text.rstrip() + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    body = DOC_INTRO + "\n" + machine_section(info) + "\n" + "\n".join(existing[name] for name in order)
    DOC.write_text(body)


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=int(os.environ.get("USERS", "1000000")),
                        help="users in the generated data (env USERS, default 1000000)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")),
                        help="measured runs per tool after one warm-up (env RUNS, default 5)")
    parser.add_argument("--only", help="comma-separated tools to run (default: all)")
    parser.add_argument("--case", action="append", help="case to run (repeatable; default: all)")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/BENCHMARKS.md")
    parser.add_argument("--list", action="store_true", help="list cases and tools, then exit")
    parser.add_argument("--sluice", metavar="PATH",
                        help="the sluice binary to time (default .build/release/sluice); with --no-doc, "
                             "for timing an older build against this one")
    args = parser.parse_args()
    if args.sluice:
        global RELEASE_SLUICE
        RELEASE_SLUICE = Path(args.sluice).resolve()
        if not RELEASE_SLUICE.exists():
            parser.error(f"--sluice {args.sluice}: no such file")

    if args.list:
        for case in CASES:
            print(f"{case.name}: {', '.join(case.commands(DATA / 'example'))}\n  {case.description}")
        return 0
    cases = CASES
    if args.case:
        names = {c.name for c in CASES}
        unknown = [n for n in args.case if n not in names]
        if unknown:
            parser.error(f"unknown case {', '.join(unknown)}; cases: {', '.join(sorted(names))}")
        cases = [c for c in CASES if c.name in args.case]
    if args.users < 1 or args.runs < 1:
        parser.error("--users and --runs must be at least 1")
    all_tools = {t for c in cases for t in c.commands(DATA / "example")}
    only = set(args.only.split(",")) if args.only else None
    if only and only - all_tools:
        parser.error(f"unknown tool {', '.join(sorted(only - all_tools))}; tools: {', '.join(sorted(all_tools))}")

    ensure_venv()
    data = ensure_data(args.users)
    DATA_IN_USE[0] = data
    info = machine_info()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failed = []
    regressions = []
    previous = previous_figures(DOC.read_text()) if DOC.exists() else {}
    sections = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for case in cases:
        if isinstance(case, LoadPostgres) and not LoadPostgres.url():
            log(f"bench: case {case.name}: skipped, no server (run it through `make bench`, which starts one)")
            continue
        available = list(case.commands(data))
        tools = [t for t in available if only is None or t in only]
        skipped = [t for t in available if t not in tools]
        case.prepare(data)
        log(f"bench: case {case.name}: {', '.join(tools)}; 1 warm-up + {args.runs} runs each")
        commands, measurements, problems, warnings = run_case(case, data, tools, args.runs)
        measured = [t for t in tools if measurements.get(t)]
        baseline = "sluice" if "sluice" in measured else (measured[0] if measured else "sluice")
        rows = summarize(measurements, baseline)
        if hasattr(case, "notes"):
            warnings = warnings + case.notes(rows)
        result = {"case": case.name, "date": date, "users": args.users, "runs": args.runs,
                  "commands": commands, "rows": rows, "problems": problems, "warnings": warnings,
                  "skipped": skipped, "machine": info, "table": table(rows, baseline),
                  "raw": {t: [{"seconds": s, "rss_kib": r, "in_process_seconds": i} for s, r, i in m]
                          for t, m in measurements.items()}}
        result["comparison"] = compare_with_previous(previous, case.name, args.users, rows)
        regressions += [f"{case.name} ({args.users:,} users) {v['tool']}" for v in result["comparison"] if v["verdict"] == "slower"]
        print(f"\n== {case.name}: {args.users:,} users, {args.runs} runs (median of runs, after 1 warm-up)\n")
        print(result["table"])
        for line in comparison_lines(result["comparison"]):
            print(f"vs before: {line}")
        for warning in warnings:
            print(f"note: {warning}")
        if problems:
            failed.append(case.name)
            print(f"\n!!!!!!!! CASE {case.name} FAILED !!!!!!!!")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"\n{case.name}: answers agree across {', '.join(t for t in tools if measurements.get(t))}")
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        (RESULTS / f"{stamp}-{case.name}-{args.users}.json").write_text(json.dumps(result, indent=2, default=str))
        sections[section_title(case.name, args.users)] = case_section(case, result)
    if not args.no_doc:
        write_doc(info, sections)
        log(f"bench: wrote {DOC.relative_to(ROOT)}")
    if regressions:
        print(f"\nSLOWER THAN BEFORE (beyond run-to-run spread): {', '.join(regressions)}")
    else:
        print("\nno case slower than its previous figure beyond run-to-run spread")
    if failed:
        print(f"\nFAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
