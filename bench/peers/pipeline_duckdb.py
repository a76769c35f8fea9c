"""pipeline peer: the seed's user-analytics pipeline in DuckDB — the join, aggregate
and transform in one SQL query over the generated CSVs, the seed's checks, then an
upsert into SQLite (DuckDB's sqlite extension would need a download; none here).

usage: python3 pipeline_duckdb.py DATA_DIR WAREHOUSE.db
"""
import sys

import duckdb

import pipeline_common
import shape  # noqa: F401  (reports the in-process time at exit)

data, database = sys.argv[1], sys.argv[2]
query = f"""
WITH joined AS (
    SELECT u.id, u.email, u.name, u.created_at, count(o.id) AS order_count,
           round(sum(o.total), 2) AS total_spent
    FROM read_csv('{data}/users.csv') u LEFT JOIN read_csv('{data}/orders.csv') o ON u.id = o.user_id
    GROUP BY u.id, u.email, u.name, u.created_at
)
SELECT id, lower(trim(email, ' \t\n\r')) AS email, name, CAST(created_at AS VARCHAR) AS created_at, order_count, total_spent,
       CASE WHEN total_spent > 0 AND total_spent <= 100 THEN 'Bronze'
            WHEN total_spent > 100 AND total_spent <= 1000 THEN 'Silver'
            WHEN total_spent > 1000 THEN 'Gold' END AS customer_segment
FROM joined
"""
connection = duckdb.connect()
rows = connection.execute(query).fetchall()
null_ids = sum(1 for r in rows if r[0] is None)
negative = sum(1 for r in rows if r[5] is not None and r[5] < 0)
pipeline_common.gate(len(rows), null_ids, negative)
pipeline_common.upsert(database, rows)
