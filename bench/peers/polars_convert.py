"""convert-1gb peer: polars' streaming engine, CSV in, JSON Lines out."""
import sys

import polars as pl

import shape  # noqa: F401  (reports the in-process time at exit)

source, target = sys.argv[1], sys.argv[2]
pl.scan_csv(source).sink_ndjson(target)
