#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema; prints one line per document: 'valid' or
'invalid: <first error>'. usage: schema_check.py SCHEMA DOCUMENTS_JSON_ARRAY"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
for document in json.load(open(sys.argv[2])):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    print("valid" if not errors else f"invalid: {errors[0].message}")
