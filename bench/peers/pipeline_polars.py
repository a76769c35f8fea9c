"""pipeline peer: the seed's user-analytics pipeline in polars — extract (join and
aggregate the generated CSVs), transform, the seed's checks, upsert into SQLite.

usage: python3 pipeline_polars.py DATA_DIR WAREHOUSE.db
"""
import sys

import polars as pl

import pipeline_common
import shape  # noqa: F401  (reports the in-process time at exit)

data, database = sys.argv[1], sys.argv[2]
users = pl.read_csv(f"{data}/users.csv", try_parse_dates=True)
orders = pl.read_csv(f"{data}/orders.csv")
frame = (
    users.join(orders, how="left", left_on="id", right_on="user_id", suffix="_right")
    .group_by(["id", "email", "name", "created_at"], maintain_order=True)
    .agg(pl.col("id_right").count().alias("order_count"), pl.col("total").sum().alias("total_spent"),
         pl.col("total").null_count().alias("_nulls"), pl.len().alias("_rows"))
    .with_columns(
        pl.when(pl.col("_nulls") == pl.col("_rows")).then(None).otherwise(pl.col("total_spent")).alias("total_spent"),
        pl.col("email").str.strip_chars().str.to_lowercase(),
    )
    .drop(["_nulls", "_rows"])
    .with_columns(
        pl.col("total_spent").round(2)
        .cut([0, 100, 1000], labels=["below", "Bronze", "Silver", "Gold"], left_closed=False)
        .cast(pl.String).replace("below", None).alias("customer_segment"),
        pl.col("created_at").cast(pl.String),
    )
)
pipeline_common.gate(frame.height, frame["id"].null_count(), (frame["total_spent"] < 0).sum())
pipeline_common.upsert(database, frame.select(pipeline_common.COLUMNS).iter_rows())
