"""convert-1gb peer: DuckDB's streaming COPY, CSV in, newline-delimited JSON out."""
import sys

import duckdb

import shape  # noqa: F401  (reports the in-process time at exit)

source, target = sys.argv[1], sys.argv[2]
duckdb.connect(":memory:").execute(
    f"COPY (SELECT * FROM read_csv(?)) TO '{target.replace(chr(39), chr(39) * 2)}' (FORMAT json)", [source])
