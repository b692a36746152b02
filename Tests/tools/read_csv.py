#!/usr/bin/env python3
"""Reads CSV files with Python's csv module, as a spreadsheet user's script would.

    read_csv.py FILE...

Prints, for each file, one JSON line: {"file", "rows"} with every row as a list of cells
(the header first), or {"file", "error"} when the csv module refuses it. newline="" as the
csv module's documentation asks, so that line breaks inside quoted cells survive.
"""
import csv
import json
import sys

for path in sys.argv[1:]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, strict=True))
        print(json.dumps({"file": path, "rows": rows}))
    except (csv.Error, UnicodeDecodeError) as e:
        print(json.dumps({"file": path, "error": str(e)}))
