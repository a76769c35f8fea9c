"""read-csv peer: DuckDB read_csv materialised into an in-memory table."""
import sys

import duckdb

from shape import emit, type_name

connection = duckdb.connect(":memory:")
for index, path in enumerate(sys.argv[1:]):
    table = f"t{index}"
    connection.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?)", [path])
    described = connection.execute(f"DESCRIBE {table}").fetchall()
    rows = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    columns = []
    for name, sql_type, *_ in described:
        kind = type_name(sql_type)
        quoted = '"' + name.replace('"', '""') + '"'
        nulls, total = connection.execute(
            f"SELECT count(*) - count({quoted}), "
            + (f"sum({quoted})" if kind in ("int64", "float64") else "NULL")
            + f" FROM {table}").fetchone()
        columns.append((name, kind, nulls, total))
    emit(path, rows, columns)
