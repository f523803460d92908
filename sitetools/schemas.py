"""The JSON Schemas of the data files (docs/data/schemas/) and the one way to check data with one.

Data that breaks its schema is refused with one line naming the file, the entry and the field, e.g.
``isa.yml: entry 'AVX2': field width_bits: 300 is not one of [64, 128, 256, 512, 8192] (...)``,
ending with the schema's ``description`` of the rule that failed, in brackets.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Sequence

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from sitetools.errors import UsageError
from sitetools.paths import SCHEMAS

FORMATS = jsonschema.FormatChecker()
PARTIAL_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
COMBINATORS = ("not", "anyOf", "oneOf", "allOf")  # their messages repeat the whole entry


@FORMATS.checks("year-month-or-date", raises=ValueError)
def is_year_month_or_date(value: object) -> bool:
    """'YYYY-MM' or 'YYYY-MM-DD': a real date (no 2011-02-30) between 1970 and today."""
    if not isinstance(value, str):
        return True  # the schema's "type" judges other values
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("not YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    date = datetime.date(year, month, day)  # raises for month 13, 30 February, ...
    if not datetime.date(1970, 1, 1) <= date <= datetime.date.today():
        raise ValueError("outside 1970..today")
    return True


@functools.cache
def schema(name: str) -> dict:
    """docs/data/schemas/<name>.schema.json."""
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def check(
    data: object, name: str, where: str, entry_key: str | None = None, depth: int = 1
) -> None:
    """Raise UsageError in one line when data breaks the schema `name`.

    where: the file's name. Entries are the items of a list (named by their `entry_key` field)
    or, for a mapping, the first `depth` levels of keys; depth=0 names only the field."""
    validator = jsonschema.Draft202012Validator(schema(name), format_checker=FORMATS)
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    first = min(errors, key=lambda e: _position(data, list(e.absolute_path)[:depth]))
    prefix = list(first.absolute_path)[:depth]
    error = best_match(e for e in errors if list(e.absolute_path)[:depth] == prefix)
    path = list(error.absolute_path)
    parts = [where]
    if depth and path:
        parts.append(f"entry {_entry(data, path[:depth], entry_key)}")
    field = "/".join(str(p) for p in path[depth:])
    if field:
        parts.append(f"field {field}")
    raise UsageError(": ".join([*parts, _message(error)]))


def refuse_duplicates(
    entries: Sequence[dict], keys: Sequence[str], where: str, entry_key: str
) -> None:
    """Raise UsageError naming the first entry whose value of one of `keys` an earlier entry has."""
    for key in keys:
        seen: set[str] = set()
        for entry in entries:
            value = str(entry[key]).casefold()
            if value in seen:
                raise UsageError(
                    f"{where}: entry {entry[entry_key]!r}: field {key}: {entry[key]!r} appears "
                    "twice; each entry needs its own"
                )
            seen.add(value)


def _position(data: object, prefix: list) -> tuple:
    """Where an entry stands in the file, so that the first bad entry is the one reported."""
    position = []
    for step in prefix:
        if isinstance(data, dict):
            position.append(list(data).index(step) if step in data else len(data))
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int):
            position.append(step)
            data = data[step]
    return tuple(position)


def _entry(data: object, prefix: list, entry_key: str | None) -> str:
    if isinstance(data, list):
        item = data[prefix[0]]
        if entry_key and isinstance(item, dict) and isinstance(item.get(entry_key), str):
            return repr(item[entry_key])
        return f"#{prefix[0] + 1}"
    return "/".join(str(p) for p in prefix)


def _message(error: ValidationError) -> str:
    rule = next(
        (e.schema["description"] for e in _lineage(error) if "description" in e.schema), None
    )
    if error.validator in COMBINATORS:
        return rule or f"breaks the rule at {'/'.join(map(str, error.schema_path))}"
    if error.validator == "format" and error.cause is not None:
        text = f"{error.instance!r} is not a valid {error.validator_value}: {error.cause}"
    else:
        text = error.message if len(error.message) <= 200 else error.message[:200] + "…"
    return f"{text} ({rule})" if rule else text


def _lineage(error: ValidationError):
    """The error, then the anyOf/oneOf/... errors it was found under."""
    while error is not None:
        if isinstance(error.schema, dict):
            yield error
        error = error.parent
