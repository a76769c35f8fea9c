"""read-csv peer: pyarrow.csv.read_csv (multi-threaded), types inferred; an empty
unquoted field is null, as in the other tools."""
import sys

import pyarrow.compute as pc
import pyarrow.csv as csv

from shape import emit, type_name

for path in sys.argv[1:]:
    table = csv.read_csv(path, convert_options=csv.ConvertOptions(strings_can_be_null=True))
    columns = []
    for name, column in zip(table.column_names, table.columns):
        kind = type_name(column.type)
        total = pc.sum(column).as_py() if kind in ("int64", "float64") else None
        columns.append((name, kind, column.null_count, total))
    emit(path, table.num_rows, columns)
