"""load-sqlite peer: the seed's load — pandas read_csv, then to_sql(method='multi')."""
import sqlite3
import sys

import pandas as pd

import shape  # noqa: F401  (reports the in-process time at exit)

source, database, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
frame = pd.read_csv(source)
with sqlite3.connect(database) as connection:
    frame.to_sql("users", connection, if_exists="append", index=False, method="multi", chunksize=chunk)
