#!/usr/bin/env python3
"""Validates JSON or YAML documents against a JSON Schema, with Python's jsonschema.

    validate_json.py SCHEMA FILE...

Prints one JSON line per file: {"file", "valid", "errors"} (the first few messages, each
with the path of the value it is about). The schema's own "$schema" chooses the draft
(draft-04 for SARIF, 2020-12 for `pathway schema`). A file ending .yaml or .yml is read
with PyYAML's safe loader; anything else as JSON. Exit status 0 when every file was read,
whether valid or not; 2 when the schema itself is not a valid schema.
"""
import json
import sys

import jsonschema
import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith((".yaml", ".yml")):
            return yaml.safe_load(f)
        return json.load(f)


def main():
    schema = load(sys.argv[1])
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(json.dumps({"schema": sys.argv[1], "error": e.message}))
        sys.exit(2)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for path in sys.argv[2:]:
        try:
            errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
        except Exception as e:  # unreadable: report it as invalid, with the reason
            print(json.dumps({"file": path, "valid": False, "errors": [f"unreadable: {e}"]}))
            continue
        messages = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in errors[:5]]
        print(json.dumps({"file": path, "valid": not errors, "errors": messages}))


if __name__ == "__main__":
    main()
