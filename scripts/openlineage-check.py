#!/usr/bin/env python3
"""Checks OpenLineage RunEvents against the spec, for the Swift tests.

    openlineage-check.py SCHEMA_DIR events.jsonl

SCHEMA_DIR holds OpenLineage.json and facets/*.json (copies from the OpenLineage
repository). Every event (one JSON object per line) must validate against the core
schema, every facet against its own facet schema, and must parse into the
openlineage-python client's RunEvent with each facet as its typed class. Prints
"ok N events, M facets" or one line per problem and exits 1.
"""
import json
import pathlib
import sys
import typing

import attr
import jsonschema
from referencing import Registry, Resource


def load_schemas(directory):
    directory = pathlib.Path(directory)
    core = json.loads((directory / "OpenLineage.json").read_text())
    resources = [(core["$id"], Resource.from_contents(core))]
    facets = {}
    for path in sorted((directory / "facets").glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
        for key in schema.get("properties", {}):
            facets[key] = schema
    return core, facets, Registry().with_resources(resources)


def structure(cls, value):
    """Builds an attrs instance (recursively) from JSON, as the client would hold it."""
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if origin is typing.Union:
        options = [a for a in args if a is not type(None)]
        if value is None:
            return None
        return structure(options[0], value)
    if origin in (list, typing.List):
        return [structure(args[0], v) for v in value]
    if origin in (dict, typing.Dict):
        return {k: structure(args[1], v) for k, v in value.items()}
    if attr.has(cls):
        attr.resolve_types(cls)
        kwargs = {}
        names = {f.name: f for f in attr.fields(cls)}
        for key, v in value.items():
            name = key.lstrip("_") if key.startswith("_") else key
            if name not in names:
                if key in ("_producer", "_schemaURL"):
                    continue
                raise ValueError(f"{cls.__name__} has no field {key!r}")
            field = names[name]
            if not field.init:
                continue
            kwargs[name] = structure(field.type, v)
        return cls(**kwargs)
    if isinstance(cls, type) and issubclass(cls, __import__("enum").Enum):
        return cls(value)
    return value


def facet_classes():
    from openlineage.client import facet_v2

    classes = {}
    for module_name in dir(facet_v2):
        module = getattr(facet_v2, module_name)
        if not hasattr(module, "__name__") or not module.__name__.startswith("openlineage.client.generated"):
            continue
        for item in vars(module).values():
            if attr.has(item) and item.__name__.endswith("Facet") and hasattr(item, "_get_schema"):
                try:
                    url = item._get_schema()
                except Exception:
                    continue
                classes[url.split("#")[0].rsplit("/", 1)[-1].replace(".json", "")] = item
    return classes


def parse_with_client(event, classes):
    from openlineage.client import event_v2

    def facets(mapping):
        result = {}
        for name, facet in (mapping or {}).items():
            type_name = facet["_schemaURL"].split("#/$defs/")[-1]
            cls = classes.get(type_name)
            if cls is None:
                raise ValueError(f"facet {name}: no client class for {type_name}")
            result[name] = structure(cls, facet)
        return result

    run = event_v2.Run(runId=event["run"]["runId"], facets=facets(event["run"].get("facets")))
    job = event_v2.Job(namespace=event["job"]["namespace"], name=event["job"]["name"], facets=facets(event["job"].get("facets")))
    inputs = [event_v2.InputDataset(namespace=d["namespace"], name=d["name"], facets=facets(d.get("facets")),
                                    inputFacets=facets(d.get("inputFacets"))) for d in event.get("inputs", [])]
    outputs = [event_v2.OutputDataset(namespace=d["namespace"], name=d["name"], facets=facets(d.get("facets")),
                                      outputFacets=facets(d.get("outputFacets"))) for d in event.get("outputs", [])]
    parsed = event_v2.RunEvent(eventType=event_v2.RunState(event["eventType"]), eventTime=event["eventTime"], run=run, job=job,
                               inputs=inputs, outputs=outputs, producer=event["producer"])
    from openlineage.client.serde import Serde

    again = json.loads(Serde.to_json(parsed))
    for key in ("eventType", "eventTime"):
        if again[key] != event[key]:
            raise ValueError(f"{key} changed in the client: {event[key]!r} -> {again[key]!r}")
    return parsed


def main():
    schema_dir, events_path = sys.argv[1], sys.argv[2]
    core, facet_schemas, registry = load_schemas(schema_dir)
    run_event = {"$ref": core["$id"] + "#/$defs/RunEvent"}
    validator = jsonschema.Draft202012Validator(run_event, registry=registry, format_checker=jsonschema.FormatChecker())
    classes = facet_classes()
    problems, events, facet_count = [], 0, 0
    for number, line in enumerate(pathlib.Path(events_path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        events += 1
        event = json.loads(line)
        for error in validator.iter_errors(event):
            problems.append(f"event {number}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        groups = [event["run"].get("facets", {}), event["job"].get("facets", {})]
        for dataset in event.get("inputs", []) + event.get("outputs", []):
            groups += [dataset.get("facets", {}), dataset.get("inputFacets", {}), dataset.get("outputFacets", {})]
        for group in groups:
            for name, facet in group.items():
                facet_count += 1
                schema = facet_schemas.get(name)
                if schema is None:
                    problems.append(f"event {number}: facet {name}: no schema in {schema_dir}")
                    continue
                facet_validator = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
                for error in facet_validator.iter_errors({name: facet}):
                    problems.append(f"event {number}: facet {name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        try:
            parse_with_client(event, classes)
        except Exception as error:  # noqa: BLE001 - reported to the test
            problems.append(f"event {number}: openlineage-python: {type(error).__name__}: {error}")
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"ok {events} events, {facet_count} facets")


if __name__ == "__main__":
    main()
