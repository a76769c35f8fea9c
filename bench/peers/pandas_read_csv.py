"""read-csv peer: pandas.read_csv (C engine), timestamps parsed."""
import sys

import pandas as pd

from shape import emit, type_name

for path in sys.argv[1:]:
    frame = pd.read_csv(path, parse_dates=["created_at"], date_format="%Y-%m-%d %H:%M:%S")
    columns = []
    for name in frame.columns:
        series = frame[name]
        kind = type_name(series.dtype)
        total = series.sum() if kind in ("int64", "float64") else None
        columns.append((name, kind, series.isna().sum(), total))
    emit(path, len(frame), columns)
