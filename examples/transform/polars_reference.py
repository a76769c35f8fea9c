"""The seed's extract + transform in polars, for comparison with steps.yaml.

usage: python3 polars_reference.py DATA_DIR OUT.csv
"""
import sys

import polars as pl



def user_analytics(data):
    """users LEFT JOIN orders per user, email lower/strip, pd.cut-like buckets (an eager DataFrame)."""
    users = pl.read_csv(f"{data}/users.csv")
    orders = pl.read_csv(f"{data}/orders.csv")
    return (
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
            .cast(pl.String).replace("below", None).alias("customer_segment")
        )
    )


if __name__ == "__main__":
    user_analytics(sys.argv[1]).write_csv(sys.argv[2])
