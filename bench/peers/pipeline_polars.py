"""pipeline peer: the seed's user-analytics pipeline in polars — extract (join and
aggregate the generated CSVs), transform, the seed's checks, upsert into SQLite.

usage: python3 pipeline_polars.py DATA_DIR WAREHOUSE.db
"""
import sys

from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "transform"))
import pipeline_common  # noqa: E402
import polars_reference  # noqa: E402
import shape  # noqa: E402,F401  (reports the in-process time at exit)

data, database = sys.argv[1], sys.argv[2]
frame = polars_reference.user_analytics(data).with_columns(pl.col("created_at").cast(pl.String))
pipeline_common.gate(frame.height, frame["id"].null_count(), (frame["total_spent"] < 0).sum())
pipeline_common.upsert(database, frame.select(pipeline_common.COLUMNS).iter_rows())
