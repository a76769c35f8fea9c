"""quality peer: the seed's four checks as Great Expectations (GX Core) expectations.

pandas reads the CSVs (GX's pandas data source), then one suite of four
expectations validates the orders batch: expect_column_values_to_not_be_null
(user_id), _to_be_unique (user_id), _to_be_between (total, 0..1000000,
mostly=0.99) and _to_be_in_set (user_id in users.id). GX judges map expectations
on non-null values only, and its uniqueness counts every row of a repeated value
as unexpected (not only the repeats).
"""
import json
import os
import sys

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")   # no network from the benchmark

import great_expectations as gx
import pandas as pd

from shape import _STARTED  # noqa: F401  (starts the in-process clock after the imports)

orders = pd.read_csv(sys.argv[1])
users = pd.read_csv(sys.argv[2])

context = gx.get_context(mode="ephemeral")
batch = (context.data_sources.add_pandas("files").add_dataframe_asset("orders")
         .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": orders}))
suite = context.suites.add(gx.ExpectationSuite(name="seed"))
expectations = [
    gx.expectations.ExpectColumnValuesToNotBeNull(column="user_id"),
    gx.expectations.ExpectColumnValuesToBeUnique(column="user_id"),
    gx.expectations.ExpectColumnValuesToBeBetween(column="total", min_value=0, max_value=1_000_000, mostly=0.99),
    gx.expectations.ExpectColumnValuesToBeInSet(column="user_id", value_set=users["id"].dropna().unique().tolist()),
]
for expectation in expectations:
    suite.add_expectation(expectation)
validation = batch.validate(suite)
by_type = {r.expectation_config.type: r for r in validation.results}


def unexpected(kind):
    return int(by_type[kind].result["unexpected_count"])


json.dump({"tool": "gx", "rows": len(orders),
           "not_null": {"failing": unexpected("expect_column_values_to_not_be_null"),
                        "passed": bool(by_type["expect_column_values_to_not_be_null"].success)},
           "unique": {"rows_in_repeated_values": unexpected("expect_column_values_to_be_unique"),
                      "passed": bool(by_type["expect_column_values_to_be_unique"].success)},
           "range": {"failing": unexpected("expect_column_values_to_be_between"),
                     "passed": bool(by_type["expect_column_values_to_be_between"].success)},
           "referential": {"failing": unexpected("expect_column_values_to_be_in_set"),
                           "passed": bool(by_type["expect_column_values_to_be_in_set"].success)}}, sys.stdout)
sys.stdout.write("\n")
