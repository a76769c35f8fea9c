"""write-parquet / csv-to-parquet peer: TOOL (pyarrow, polars, duckdb) reads SOURCE (Parquet
or CSV by extension) and writes TARGET as Parquet with snappy compression."""
import sys

tool, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
is_csv = source.endswith(".csv")

if tool == "pyarrow":
    import pyarrow.csv as csv
    import pyarrow.parquet as pq
    import shape  # noqa: F401
    table = csv.read_csv(source, convert_options=csv.ConvertOptions(strings_can_be_null=True)) if is_csv else pq.read_table(source)
    pq.write_table(table, target, compression="snappy")
elif tool == "polars":
    import polars as pl
    import shape  # noqa: F401
    if is_csv:
        pl.scan_csv(source, try_parse_dates=True).sink_parquet(target, compression="snappy")
    else:
        pl.read_parquet(source).write_parquet(target, compression="snappy")
elif tool == "duckdb":
    import duckdb
    import shape  # noqa: F401
    reader = "read_csv" if is_csv else "read_parquet"
    duckdb.connect(":memory:").execute(f"COPY (SELECT * FROM {reader}(?)) TO '{target}' (FORMAT parquet, COMPRESSION snappy)", [source])
