"""Shared by the user-analytics pipeline peers: the seed's quality checks and the
upsert into the SQLite warehouse, the same for every dataframe library.

The checks are the seed's asserts, made tolerant the way the Sluice pipeline is:
at least one row, no null id, and at most 1% of rows with a negative total_spent
(the generated data has a few on purpose; the seed's bare assert would stop there).
"""
import sqlite3

COLUMNS = ["id", "email", "name", "created_at", "order_count", "total_spent", "customer_segment"]


def gate(rows, null_ids, negative_totals):
    failures = []
    if rows < 1:
        failures.append("row_count: no data extracted")
    if null_ids > 0:
        failures.append(f"not_null(id): {null_ids} null ids")
    if rows and negative_totals / rows > 0.01:
        failures.append(f"range(total_spent): {negative_totals / rows:.4f} of rows below 0")
    if failures:
        raise SystemExit("quality gate failed: " + "; ".join(failures))


def upsert(database, records):
    """INSERT … ON CONFLICT(id) DO UPDATE in one transaction: the last row of an id wins."""
    connection = sqlite3.connect(database)
    connection.execute("""CREATE TABLE IF NOT EXISTS user_analytics (
        id INTEGER PRIMARY KEY, email TEXT, name TEXT, created_at TEXT,
        order_count INTEGER, total_spent REAL, customer_segment TEXT)""")
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    with connection:
        connection.executemany(
            f"INSERT INTO user_analytics ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}", records)
    connection.close()
