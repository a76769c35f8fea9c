#!/usr/bin/env python3
"""Parquet interop fixtures for the Swift tests (run with SLUICE_TEST_PYTHON).

    parquet_interop.py write DIR   pyarrow writes DIR/*.parquet (every type, encoding,
                                   compression, page version and dictionary setting
                                   Sluice reads) and DIR/manifest.json: for each file,
                                   the Sluice type every column must be read as.
    parquet_interop.py nested DIR  pyarrow writes nested columns (struct, map, list<struct>,
                                   list<list<int>>, nulls at every level; long lists over
                                   small pages, v1 and v2) and DIR/nested.json: for each
                                   file and column, every row as JSON text (or null).
    parquet_interop.py corpus DIR  the pyarrow seeds of the fuzz corpus (nested; ARROW:schema) (small, uncompressed;
                                   Sluice's writer makes the flat seeds itself).
    parquet_interop.py arrow DIR   files whose ARROW:schema entry says more than their Parquet
                                   types (INT96 units, durations, an INT64 Arrow calls a
                                   timestamp, coerced zoned timestamps) and DIR/arrow.json:
                                   per file, Sluice's type, the values and the expected note.
    parquet_interop.py check DIR   for each DIR/out/NAME (written by Sluice from what it
                                   read of DIR/NAME): pyarrow, DuckDB and polars must read
                                   it back equal to what pyarrow reads from DIR/NAME,
                                   converted to Sluice's types; exits 1 listing mismatches.
"""
import datetime
import decimal
import json
import math
import sys
import uuid
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def base_table(rows):
    """Every type with nulls in every column and edge values, `rows` rows (0, 1 or more)."""
    ints = [0, None, -1, 2**63 - 1, -(2**63), 42, 7]
    floats = [1.5, None, float("nan"), float("inf"), float("-inf"), -0.0, 1e-300]
    strings = ["a", None, "", "héllo ✓ 日本語", "x" * 5000, "a", "tab\tcomma,quote\""]
    bools = [True, None, False, True, True, False, False]
    dates = [datetime.date(1969, 12, 31), None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
             datetime.date(2024, 6, 1), datetime.date(1970, 1, 1), datetime.date(2000, 2, 29)]
    us = [0, None, -1, 1_717_243_200_123_456, -62_135_596_800_000_000, 253_402_300_799_999_999, 5]
    ns = [1, None, -1, 1_717_243_200_123_456_789, -5_000_000_001, 10**18, 999]
    ms = [1, None, -1, 1_717_243_200_123, -62_135_596_800_000, 253_402_300_799_999, 3]
    decimals = [decimal.Decimal("123.45"), None, decimal.Decimal("-0.01"), decimal.Decimal("0.00"),
                decimal.Decimal("99999999.99"), decimal.Decimal("-99999999.99"), decimal.Decimal("1.50")]
    times = [datetime.time(0, 0), None, datetime.time(23, 59, 59, 999999), datetime.time(12, 30, 0, 250000),
             datetime.time(1, 2, 3), datetime.time(0, 0, 0, 1), datetime.time(13, 45)]
    uuids = [uuid.UUID(int=i * 0x1234567890ABCDEF).bytes if i != 1 else None for i in range(7)]

    def take(values):
        return [values[i % len(values)] for i in range(rows)]

    columns = {
        "i64": pa.array(take(ints), pa.int64()),
        "i32": pa.array(take([0, None, -1, 2**31 - 1, -(2**31), 5, 6]), pa.int32()),
        "i16": pa.array(take([0, None, -(2**15), 2**15 - 1, 1, 2, 3]), pa.int16()),
        "i8": pa.array(take([0, None, -128, 127, 1, 2, 3]), pa.int8()),
        "u8": pa.array(take([0, None, 255, 1, 2, 3, 4]), pa.uint8()),
        "u16": pa.array(take([0, None, 65535, 1, 2, 3, 4]), pa.uint16()),
        "u32": pa.array(take([0, None, 2**32 - 1, 1, 2, 3, 4]), pa.uint32()),
        "u64": pa.array(take([0, None, 2**63 - 1, 1, 2, 3, 4]), pa.uint64()),
        "f64": pa.array(take(floats), pa.float64()),
        "f32": pa.array(take([1.5, None, float("nan"), float("inf"), float("-inf"), -0.0, 3.25]), pa.float32()),
        "s": pa.array(take(strings), pa.string()),
        "ls": pa.array(take(strings), pa.large_string()),
        "b": pa.array(take(bools), pa.bool_()),
        "d": pa.array(take(dates), pa.date32()),
        "ts_us_utc": pa.array(take(us), pa.timestamp("us", tz="UTC")),
        "ts_us": pa.array(take(us), pa.timestamp("us")),
        "ts_ms": pa.array(take(ms), pa.timestamp("ms", tz="UTC")),
        "ts_ns": pa.array(take(ns), pa.timestamp("ns")),
        "dec": pa.array(take(decimals), pa.decimal128(10, 2)),
        "dec_small": pa.array(take([d if d is None or abs(d) < 10**6 else decimal.Decimal("-9999999.99") for d in decimals]), pa.decimal128(9, 2)),
        "dec_wide": pa.array(take(decimals), pa.decimal128(30, 2)),
        "t_us": pa.array(take(times), pa.time64("us")),
        "t_ms": pa.array(take([t if t is None else t.replace(microsecond=t.microsecond // 1000 * 1000) for t in times]), pa.time32("ms")),
        "uuid": pa.array(take(uuids), pa.uuid()),
        "fixed": pa.array(take([b"\x00\x01\xff", None, b"abc", b"\xde\xad\xbe", b"zzz", b"123", b"\x7f\x80\x81"]), pa.binary(3)),
        "req": pa.array(take([1, 2, 3, 4, 5, 6, 7]), pa.int64()),
        "l_int": pa.array(take([[1, 2], [], None, [3, None], [-(2**63)], [0], [7, 8, 9]]), pa.list_(pa.int64())),
        "l_str": pa.array(take([["a", 'q"uote\\'], None, ["日本", ""], [], [None], ["tab\tnew\nline"], ["x"]]), pa.list_(pa.string())),
        "enum": pa.array(take(["red", "green", None, "red", "blue", "red", "green"]), pa.string()).dictionary_encode(),
    }
    schema = pa.schema([pa.field(name, array.type, nullable=(name != "req")) for name, array in columns.items()])
    return pa.table(list(columns.values()), schema=schema)


SLUICE_TYPES = {
    "i64": "int64", "i32": "int64", "i16": "int64", "i8": "int64", "u8": "int64", "u16": "int64", "u32": "int64",
    "u64": "int64", "f64": "float64", "f32": "float64", "s": "string", "ls": "string", "b": "bool", "d": "date",
    "ts_us_utc": "timestamp", "ts_us": "timestamp", "ts_ms": "timestamp", "ts_ns": "timestamp", "int96": "timestamp",
    "dec": "decimal(10,2)", "dec_small": "decimal(9,2)", "dec_wide": "decimal(30,2)", "t_us": "string", "t_ms": "string",
    "uuid": "string", "fixed": "binary", "bin": "binary", "dec_max": "decimal(38,0)", "dec_frac": "decimal(38,38)", "req": "int64", "enum": "string", "l_int": "string", "l_str": "string",
}


def write(directory):
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}

    def save(name, table, **options):
        pq.write_table(table, directory / name, **options)
        manifest[name] = {field.name: SLUICE_TYPES[field.name] for field in table.schema}

    table = base_table(50)
    for compression in ["none", "snappy", "gzip", "zstd", "lz4"]:
        for version in ["1.0", "2.0"]:
            for dictionary in [True, False]:
                save(f"all_{compression}_v{version[0]}_{'dict' if dictionary else 'plain'}.parquet", table,
                     compression=compression, data_page_version=version, use_dictionary=dictionary)
    encodings = {"i64": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED", "d": "DELTA_BINARY_PACKED",
                 "ts_ns": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY", "ls": "DELTA_BYTE_ARRAY",
                 "f64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT",
                 "u16": "BYTE_STREAM_SPLIT", "fixed": "BYTE_STREAM_SPLIT"}
    for version in ["1.0", "2.0"]:
        save(f"delta_split_v{version[0]}.parquet", base_table(3000), use_dictionary=False, column_encoding=encodings,
             data_page_version=version, compression="zstd", data_page_size=4096)
    save("zero_rows.parquet", base_table(0))
    save("one_row.parquet", base_table(1))
    save("many_groups_pages.parquet", base_table(5000), row_group_size=700, data_page_size=512, write_batch_size=100)
    save("dictionary_fallback.parquet", pa.table({"s": pa.array([f"value-{i:06d}-" + "y" * (i % 50) for i in range(40000)])}),
         dictionary_pagesize_limit=4096)
    save("legacy_int96.parquet", pa.table({"int96": pa.array([0, None, -1_000_000, 1_717_243_200_123_456_000], pa.timestamp("ns"))}),
         use_deprecated_int96_timestamps=True)
    save("decimal_as_integers.parquet", base_table(30).select(["dec", "dec_small", "dec_wide", "req"]), store_decimal_as_integer=True)
    big = 10**38 - 1
    save("decimal_max_precision.parquet", pa.table({
        "dec_max": pa.array([decimal.Decimal(big), decimal.Decimal(-big), None, decimal.Decimal(0), decimal.Decimal(-1)], pa.decimal128(38, 0)),
        "dec_frac": pa.array([decimal.Decimal("0." + "9" * 38), decimal.Decimal("-0." + "9" * 38), None, decimal.Decimal("-0." + "0" * 37 + "1"),
                              decimal.Decimal(0)], pa.decimal128(38, 38)),
        "bin": pa.array([b"", None, bytes(range(256)), b"\x00", b"\xff" * 3], pa.binary())}))
    save("parquet_v1_format.parquet", base_table(20).drop_columns(["uuid", "ts_ns"]), version="1.0")
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    # A Hive-partitioned dataset (outside the manifest): ds (dates, so strings), part (integers), region with a null.
    rows = 1000
    dataset = pa.table({"v": pa.array(range(rows), pa.int64()),
                        "s": pa.array([f"row {i}" for i in range(rows)]),
                        "ds": pa.array(["2024-06-01" if i % 2 else "2024-06-02" for i in range(rows)]),
                        "part": pa.array([i % 3 for i in range(rows)], pa.int64()),
                        "region": pa.array([None if i % 5 == 0 else "eu/west" for i in range(rows)])})
    pq.write_to_dataset(dataset, directory / "dataset", partition_cols=["ds", "part", "region"])
    (directory / "dataset.json").write_text(json.dumps({
        "rows": rows, "v_sum": sum(range(rows)), "part_sum": sum(i % 3 for i in range(rows)),
        "region_nulls": sum(1 for i in range(rows) if i % 5 == 0),
        "columns": ["v", "s", "ds", "part", "region"], "types": ["int64", "string", "string", "int64", "string"]}))


def expected_cell(value, arrow_type):
    """A value read by pyarrow from the original file, as Sluice represents it."""
    if value is None:
        return None
    if pa.types.is_timestamp(arrow_type):
        raw = value.value if hasattr(value, "value") else None
        return ("ts", raw)
    if pa.types.is_list(arrow_type):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if pa.types.is_decimal(arrow_type):
        return format(value, "f")
    if pa.types.is_time(arrow_type):
        return value.isoformat(timespec="milliseconds" if arrow_type.unit == "ms" else "microseconds")
    if isinstance(arrow_type, pa.UuidType) or (hasattr(pa, "UuidType") and arrow_type == pa.uuid()):
        return str(value) if isinstance(value, uuid.UUID) else str(uuid.UUID(bytes=value))
    if pa.types.is_fixed_size_binary(arrow_type) or pa.types.is_binary(arrow_type):
        return value.hex()
    if isinstance(value, float):
        return ("f", "nan") if math.isnan(value) else ("f", value, math.copysign(1, value))
    return value


def timestamp_micros(column):
    """Integer microseconds (floor) of a timestamp column, whatever its unit."""
    unit = column.type.unit
    ints = column.cast(pa.int64()).to_pylist()
    divisor = {"s": None, "ms": None, "us": 1, "ns": 1000}[unit]
    out = []
    for v in ints:
        if v is None:
            out.append(None)
        elif unit == "ms":
            out.append(("ts", v * 1000))
        elif unit == "s":
            out.append(("ts", v * 1_000_000))
        else:
            out.append(("ts", v // divisor))
    return out


def expected_columns(table):
    result = {}
    for field, column in zip(table.schema, table.columns):
        column = column.combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        if pa.types.is_timestamp(column.type):
            result[field.name] = timestamp_micros(column)
        else:
            result[field.name] = [expected_cell(v, column.type) for v in column.to_pylist()]
    return result


def normal(value):
    """A value read from Sluice's output by any peer, in the form of expected_cell."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        delta = value - EPOCH
        return ("ts", (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
    if isinstance(value, float):
        return ("f", "nan") if math.isnan(value) else ("f", value, math.copysign(1, value))
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return value.hex()
    return value


WANTED_TYPES = {
    "pyarrow": {"int64": "int64", "float64": "double", "string": "string", "bool": "bool", "date": "date32[day]",
                "timestamp": "timestamp[us, tz=UTC]"},
    "duckdb": {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR", "bool": "BOOLEAN", "date": "DATE",
               "timestamp": "TIMESTAMP WITH TIME ZONE"},
    "polars": {"int64": "Int64", "float64": "Float64", "string": "String", "bool": "Boolean", "date": "Date",
               "timestamp": "Datetime(time_unit='us', time_zone='UTC')"},
}


def wanted_type(peer, sluice_type):
    """The type name a peer reports for a Sluice type (decimals carry their precision and scale)."""
    if sluice_type.startswith("decimal("):
        p, s = sluice_type[8:-1].split(",")
        return {"pyarrow": f"decimal128({p}, {s})", "duckdb": f"DECIMAL({p},{s})",
                "polars": f"Decimal(precision={p}, scale={s})"}[peer]
    if sluice_type == "binary":
        return {"pyarrow": "binary", "duckdb": "BLOB", "polars": "Binary"}[peer]
    return WANTED_TYPES[peer][sluice_type]


def read_peers(path):
    """{peer: ({column: type name}, {column: [values]})} of a file."""
    table = pq.read_table(path)
    peers = {"pyarrow": ({f.name: str(f.type) for f in table.schema},
                         {name: table.column(name).to_pylist() for name in table.column_names})}
    connection = duckdb.connect()
    relation = connection.sql(f"select * from read_parquet('{path}')")
    rows = relation.fetchall()
    peers["duckdb"] = ({name: str(kind) for name, kind in zip(relation.columns, relation.types)},
                       {name: [row[i] for row in rows] for i, name in enumerate(relation.columns)})
    frame = pl.read_parquet(path)
    peers["polars"] = ({name: str(kind) for name, kind in frame.schema.items()},
                       {name: frame[name].to_list() for name in frame.columns})
    return peers


def check(directory):
    manifest = json.loads((directory / "manifest.json").read_text())
    problems = []
    checked = 0
    for name, types in sorted(manifest.items()):
        original = pq.read_table(directory / name)
        expected = expected_columns(original)
        produced = directory / "out" / name
        if not produced.exists():
            problems.append(f"{name}: Sluice wrote no out/{name}")
            continue
        for peer, (peer_types, values) in read_peers(produced).items():
            if list(peer_types) != list(types):
                problems.append(f"{name} via {peer}: columns {list(peer_types)}, expected {list(types)}")
                continue
            for column, sluice_type in types.items():
                wanted = wanted_type(peer, sluice_type)
                if peer_types[column] != wanted:
                    problems.append(f"{name} via {peer}: column {column} is {peer_types[column]}, expected {wanted}")
                got = [normal(v) for v in values[column]]
                if got != expected[column]:
                    bad = next(i for i, (a, b) in enumerate(zip(got, expected[column])) if a != b) if len(got) == len(expected[column]) else -1
                    problems.append(f"{name} via {peer}: column {column} differs at row {bad}: "
                                    f"{got[bad] if bad >= 0 else len(got)} != {expected[column][bad] if bad >= 0 else len(expected[column])}")
            checked += 1
    for problem in problems[:50]:
        print(problem)
    print(f"checked {checked} file reads by pyarrow, DuckDB and polars; {len(problems)} problems")
    return 1 if problems else 0


def nested_json(value, arrow_type):
    """A nested value as Sluice writes it: maps as objects with text keys, compact JSON."""
    def plain(v, t):
        if v is None:
            return None
        if pa.types.is_map(t):
            return {str(k).lower() if isinstance(k, bool) else str(k): plain(x, t.item_type) for k, x in v}
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return [plain(x, t.value_type) for x in v]
        if pa.types.is_struct(t):
            return {t.field(i).name: plain(v[t.field(i).name], t.field(i).type) for i in range(t.num_fields)}
        if isinstance(v, datetime.date):
            return v.isoformat()
        return v
    return None if value is None else json.dumps(plain(value, arrow_type), ensure_ascii=False, separators=(",", ":"))


def nested(directory):
    directory.mkdir(parents=True, exist_ok=True)
    point = pa.struct([("x", pa.int64()), ("label", pa.string())])
    rows = [
        ({"x": 1, "label": "a"}, {"k1": 1, "k2": None}, [{"x": 1, "label": None}, None, {"x": 3, "label": "c"}], [[1, 2], [], None, [3]],
         {"inner": {"deep": [1.5, None]}, "flag": True}, [[["a"]], [[], None]]),
        (None, None, None, None, None, None),
        ({"x": None, "label": None}, {}, [], [], {"inner": None, "flag": None}, []),
        ({"x": -(2**63), "label": "日本\"q"}, {"z": 7}, [None], [None, [None]], {"inner": {"deep": None}, "flag": False}, [None, [None, ["b", None]]]),
    ]
    columns = list(zip(*rows))
    table = pa.table({
        "st": pa.array(columns[0], point),
        "m": pa.array([None if v is None else list(v.items()) for v in columns[1]], pa.map_(pa.string(), pa.int64())),
        "ls": pa.array(columns[2], pa.list_(point)),
        "ll": pa.array(columns[3], pa.list_(pa.list_(pa.int64()))),
        "deep": pa.array(columns[4], pa.struct([("inner", pa.struct([("deep", pa.list_(pa.float64()))])), ("flag", pa.bool_())])),
        "lll": pa.array(columns[5], pa.list_(pa.list_(pa.list_(pa.string())))),
        "id": pa.array(range(len(rows)), pa.int64()),
    })
    int_map = pa.table({"im": pa.array([[(1, "one"), (2, None)], None, []], pa.map_(pa.int32(), pa.string())),
                        "id": pa.array([0, 1, 2], pa.int64())})
    long = pa.table({
        "long": pa.array([None if i % 7 == 3 else list(range(i * 37 % 900)) for i in range(60)], pa.list_(pa.int64())),
        "long_s": pa.array([[{"x": j, "label": f"s{j}"} for j in range(i * 11 % 300)] for i in range(60)], pa.list_(point)),
        "id": pa.array(range(60), pa.int64()),
    })
    expected = {}

    def save(name, t, **options):
        pq.write_table(t, directory / name, **options)
        expected[name] = {c: [nested_json(v, t.schema.field(c).type) for v in t.column(c).to_pylist()] for c in t.column_names if c != "id"}

    for version in ["1.0", "2.0"]:
        for dictionary in [True, False]:
            save(f"nested_v{version[0]}_{'dict' if dictionary else 'plain'}.parquet", table,
                 data_page_version=version, use_dictionary=dictionary, compression="snappy")
        save(f"long_lists_v{version[0]}.parquet", long, data_page_version=version, data_page_size=256,
             write_batch_size=7, compression="none", row_group_size=40)
    save("int_map.parquet", int_map)
    (directory / "nested.json").write_text(json.dumps(expected, ensure_ascii=False))


def corpus(directory):
    point = pa.struct([("x", pa.int32()), ("s", pa.string())])
    t = pa.table({
        "st": pa.array([{"x": 1, "s": "a"}, None, {"x": None, "s": "bc"}], point),
        "m": pa.array([[("k", 1)], None, []], pa.map_(pa.string(), pa.int64())),
        "ls": pa.array([[{"x": 2, "s": None}, None], [], None], pa.list_(point)),
        "ll": pa.array([[[1, None], []], None, [None]], pa.list_(pa.list_(pa.int64()))),
    })
    for version in ["1.0", "2.0"]:
        pq.write_table(t, directory / f"nested_v{version[0]}.parquet", compression="none", data_page_version=version,
                       use_dictionary=["st.s"], store_schema=False, write_statistics=False)
    # A seed with pyarrow's ARROW:schema entry (a base64 flatbuffer Sluice decodes): fuzzed too.
    stamped = pa.table({"ts": pa.array([0, None, 1_717_243_200_123], pa.timestamp("ms", tz="UTC")),
                        "d": pa.array([1, None, 3], pa.duration("s")), "n": pa.array([1, 2, None], pa.int16())})
    pq.write_table(stamped, directory / "arrow_schema.parquet", compression="none", store_schema=True)


def arrow(directory):
    directory.mkdir(parents=True, exist_ok=True)
    expected = {}
    stamps = [0, None, -1_000_000, 1_717_243_200_123_456]   # µs

    def micros(unit):
        factor = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": 1}[unit]
        return [None if v is None else (v // factor) * factor for v in stamps]

    def save(name, table, note, sluice_type, values, **options):
        pq.write_table(table, directory / name, **options)
        expected[name] = {"type": sluice_type, "values": values, "note": note}

    ms = pa.array([None if v is None else v // 1000 for v in stamps], pa.timestamp("ms"))
    save("int96_ms.parquet", pa.table({"t": ms}), None, "timestamp", micros("ms"), use_deprecated_int96_timestamps=True)
    ns = pa.array([None if v is None else v * 1000 + 7 for v in stamps], pa.timestamp("ns"))
    save("int96_ns.parquet", pa.table({"t": ns}), "nanoseconds in the Arrow schema", "timestamp", stamps, use_deprecated_int96_timestamps=True)
    save("duration.parquet", pa.table({"t": pa.array([5, None, -3, 86400], pa.duration("s"))}), "an Arrow duration, read as int64 s",
         "int64", [5, None, -3, 86400])
    zoned = pa.array([None if v is None else v * 1000 for v in stamps], pa.timestamp("ns", tz="Europe/Berlin"))
    save("coerced.parquet", pa.table({"t": zoned}), None, "timestamp", micros("ms"), coerce_timestamps="ms", allow_truncated_timestamps=True)
    # An INT64 column whose only hint is the Arrow schema (as writers without Parquet timestamp types leave it).
    import base64
    arrow_schema = pa.schema([pa.field("t", pa.timestamp("us", tz="UTC"))])
    plain = pa.table({"t": pa.array(stamps, pa.int64())}).replace_schema_metadata(
        {b"ARROW:schema": base64.b64encode(arrow_schema.serialize().to_pybytes())})
    save("int64_arrow_timestamp.parquet", plain, "as its Arrow schema says", "timestamp", stamps)
    (directory / "arrow.json").write_text(json.dumps(expected))


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    if command == "write":
        write(directory)
    elif command == "arrow":
        arrow(directory)
    elif command == "corpus":
        corpus(directory)
    elif command == "nested":
        nested(directory)
    elif command == "check":
        sys.exit(check(directory))
    else:
        sys.exit(f"unknown command {command}")
