"""quality peer: the seed's four checks written in polars (one query per table).

Same measures as the seed: null fraction of user_id (<= 0), distinct non-null
user_id / rows (>= 1.0), fraction of totals outside [0, 1000000] (<= 0.01; a null
is not outside), fraction of user_ids absent from users.id (<= 0.01; polars'
is_in leaves a null key null, so a null is not absent).
"""
import json
import sys

import polars as pl

from shape import _STARTED  # noqa: F401  (starts the in-process clock after the imports)

orders = pl.read_csv(sys.argv[1])
users = pl.read_csv(sys.argv[2])
rows = orders.height
m = orders.select(
    nulls=pl.col("user_id").null_count(),
    distinct=pl.col("user_id").drop_nulls().n_unique(),
    out_of_range=((pl.col("total") < 0) | (pl.col("total") > 1_000_000)).sum(),
    absent=(~pl.col("user_id").is_in(users.get_column("id").implode())).sum(),
).row(0, named=True)
fraction = (lambda n: n / rows) if rows else (lambda n: 0.0)
json.dump({"tool": "polars", "rows": rows,
           "not_null": {"failing": m["nulls"], "passed": fraction(m["nulls"]) <= 0.0},
           "unique": {"distinct": m["distinct"], "passed": rows > 0 and m["distinct"] / rows >= 1.0},
           "range": {"failing": m["out_of_range"], "passed": fraction(m["out_of_range"]) <= 0.01},
           "referential": {"failing": m["absent"], "passed": fraction(m["absent"]) <= 0.01}}, sys.stdout)
sys.stdout.write("\n")
