"""The seed's extract + transform in pandas, for comparison with steps.yaml.

usage: python3 pandas_reference.py DATA_DIR OUT.csv
"""
import sys

import pandas as pd

data, out = sys.argv[1], sys.argv[2]
users = pd.read_csv(f"{data}/users.csv")
orders = pd.read_csv(f"{data}/orders.csv")
joined = users.merge(orders, how="left", left_on="id", right_on="user_id", suffixes=("", "_right"))
grouped = (
    joined.groupby(["id", "email", "name", "created_at"], dropna=False, sort=False)
    .agg(order_count=("id_right", "count"), total_spent=("total", lambda s: s.sum(min_count=1)))
    .reset_index()
)
grouped["email"] = grouped["email"].str.strip().str.lower()
grouped["customer_segment"] = pd.cut(
    grouped["total_spent"].round(2), bins=[0, 100, 1000, float("inf")], labels=["Bronze", "Silver", "Gold"]
)
grouped.to_csv(out, index=False)
