#!/usr/bin/env python3
"""Validates JSON or YAML documents against a JSON Schema, with Python's jsonschema.

    validate_json.py SCHEMA FILE...

Prints one JSON line per file (a YAML anchor or alias, or nesting over 64 deep, which
pathway refuses, makes a file unreadable): {"file", "valid", "errors"} (the first few messages, each
with the path of the value it is about). The schema's own "$schema" chooses the draft
(draft-04 for SARIF, 2020-12 for `pathway schema`). A file ending .yaml or .yml is read
with PyYAML's safe loader; anything else as JSON. Exit status 0 when every file was read,
whether valid or not; 2 when the schema itself is not a valid schema.
"""
import json
import sys

import jsonschema
import yaml


# As pathway's loader: deeper nesting is refused before it is parsed (PyYAML would take
# minutes, or run out of stack, on a file nested ten thousand deep).
MAXIMUM_DEPTH = 64


def load(path):
    with open(path, encoding="utf-8") as f:
        if not path.endswith((".yaml", ".yml")):
            return json.load(f)
        text = f.read()
    # Anchors and aliases are refused, as pathway's loader refuses them: an alias bomb would
    # otherwise expand without end here.
    depth = 0
    opens = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
             yaml.BlockMappingStartToken)
    closes = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            raise ValueError("a YAML anchor or alias")
        depth += isinstance(token, opens) - isinstance(token, closes)
        if depth > MAXIMUM_DEPTH:
            raise ValueError(f"nesting deeper than {MAXIMUM_DEPTH}")
    return yaml.safe_load(text)


def describe(error):
    """The most telling message of an error: inside a oneOf, the one deepest in the document."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return "/".join(map(str, error.absolute_path)) + ": " + error.message


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
        messages = [describe(e) for e in errors[:5]]
        print(json.dumps({"file": path, "valid": not errors, "errors": messages}))


if __name__ == "__main__":
    main()
