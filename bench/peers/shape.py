"""The JSON shape every read-csv tool prints: one object per file per line.

{"file": "...", "rows": N, "columns": [{"name": "id", "type": "int64", "nulls": 0, "sum": 123}, ...]}
"sum" is present for int64 and float64 columns only.
"""
import atexit
import json
import sys
import time

# Peers import their library before this module, so this clock starts after the
# interpreter and library imports: what remains is the work itself. The harness
# reads the figure from stderr to report an in-process time beside the wall time.
_STARTED = time.perf_counter()


@atexit.register
def _report_in_process_time():
    sys.stderr.write(f"BENCH_IN_PROCESS_SECONDS={time.perf_counter() - _STARTED:.6f}\n")


def emit(path, rows, columns):
    """columns: iterable of (name, type, nulls, sum_or_None)."""
    out = []
    for name, kind, nulls, total in columns:
        column = {"name": name, "type": kind, "nulls": int(nulls)}
        if kind in ("int64", "float64"):
            column["sum"] = int(total) if kind == "int64" else float(total)
        out.append(column)
    sys.stdout.write(json.dumps({"file": path, "rows": int(rows), "columns": out}) + "\n")


def type_name(text):
    """Maps a library's type name onto Sluice's: int64, float64, string, timestamp, date, bool."""
    t = str(text).lower()
    if t.startswith(("int", "bigint", "long")) or t in ("int64", "i64"):
        return "int64"
    if t.startswith(("float", "double")) or t == "f64":
        return "float64"
    if "timestamp" in t or t.startswith("datetime"):
        return "timestamp"
    if t.startswith("date"):
        return "date"
    if t.startswith("bool"):
        return "bool"
    return "string"
