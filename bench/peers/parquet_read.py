"""read-parquet / project-parquet peer: TOOL (pyarrow, polars, duckdb) reads a Parquet
file into memory (only --columns, when given) and prints the read-csv JSON shape."""
import sys

tool, path = sys.argv[1], sys.argv[2]
columns = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[3] == "--columns" else None

if tool == "pyarrow":
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from shape import emit, type_name
    table = pq.read_table(path, columns=columns)
    emit(path, table.num_rows, [(name, type_name(column.type), column.null_count,
                                 pc.sum(column).as_py() if type_name(column.type) in ("int64", "float64") else None)
                                for name, column in zip(table.column_names, table.columns)])
elif tool == "polars":
    import polars as pl
    from shape import emit, type_name
    frame = pl.read_parquet(path, columns=columns)
    emit(path, frame.height, [(name, type_name(frame[name].dtype), frame[name].null_count(),
                               frame[name].sum() if type_name(frame[name].dtype) in ("int64", "float64") else None)
                              for name in frame.columns])
elif tool == "duckdb":
    import duckdb
    from shape import emit, type_name
    connection = duckdb.connect(":memory:")
    selected = ", ".join('"' + c + '"' for c in columns) if columns else "*"
    connection.execute(f"CREATE TABLE t AS SELECT {selected} FROM read_parquet(?)", [path])
    rows = connection.execute("SELECT count(*) FROM t").fetchone()[0]
    out = []
    for name, sql_type, *_ in connection.execute("DESCRIBE t").fetchall():
        kind = type_name(sql_type)
        quoted = '"' + name + '"'
        nulls, total = connection.execute(f"SELECT count(*) - count({quoted}), "
                                          + (f"sum({quoted})" if kind in ("int64", "float64") else "NULL") + " FROM t").fetchone()
        out.append((name, kind, nulls, total))
    emit(path, rows, out)
