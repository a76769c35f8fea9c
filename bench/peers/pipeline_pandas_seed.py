"""pipeline peer: the seed's pandas implementation — merge and groupby for the extract,
str.lower().str.strip() and pd.cut for the transform, the seed's checks, and the seed's
load `to_sql(if_exists='append', method='multi', chunksize=1000)`.

usage: python3 pipeline_pandas_seed.py DATA_DIR WAREHOUSE.db
"""
import sqlite3
import sys

import pandas as pd

import pipeline_common
import shape  # noqa: F401  (reports the in-process time at exit)

data, database = sys.argv[1], sys.argv[2]
users = pd.read_csv(f"{data}/users.csv")
orders = pd.read_csv(f"{data}/orders.csv")
merged = users.merge(orders, how="left", left_on="id", right_on="user_id", suffixes=("", "_right"))
df = (merged.groupby(["id", "email", "name", "created_at"], dropna=False, sort=False)
      .agg(order_count=("id_right", "count"), total_spent=("total", lambda s: s.sum(min_count=1)))
      .reset_index())
pipeline_common.gate(len(df), int(df["id"].isna().sum()), int((df["total_spent"] < 0).sum()))
df["email"] = df["email"].str.lower().str.strip()
df["total_spent"] = df["total_spent"].round(2)
df["customer_segment"] = pd.cut(df["total_spent"], bins=[0, 100, 1000, float("inf")], labels=["Bronze", "Silver", "Gold"])
with sqlite3.connect(database) as connection:
    df.to_sql("user_analytics", connection, if_exists="append", index=False, method="multi", chunksize=1000)
