"""Benchmark records: one JSON file per machine under docs/data/bench/hosts/, with a JSON Schema.

A record holds the machine's identity (sitetools.fingerprint), a description of the host and, per
benchmark case, the date, the command and the measured variants. `make bench` writes only its own
machine's record: a full run replaces it, `--only` merges cases into it, and a record whose identity
differs is never touched. Bad files are refused with one line naming the file and the field.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from sitetools import atomic, schemas
from sitetools.errors import UsageError
from sitetools.paths import HOSTS

SCHEMA_VERSION = 2
NOISE_THRESHOLD = 0.10  # IQR / median above this: the variant is rerun once, then flagged as noisy


def validate(record: dict, where: str) -> None:
    """Raise UsageError naming the file and the first bad field (bench-record.schema.json)."""
    if isinstance(record, dict) and record.get("schema") != SCHEMA_VERSION:
        raise UsageError(
            f"{where}: schema version {record.get('schema')!r} is not {SCHEMA_VERSION}; "
            "rerun make bench on that machine or convert the file"
        )
    schemas.check(record, "bench-record", where, depth=0)
    names = [c["name"] for c in record["cases"]]
    if len(set(names)) != len(names):
        raise UsageError(f"{where}: field cases: a case appears twice")


def read(path: Path) -> dict:
    """Load and validate one record file."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    validate(record, path.name)
    if record["slug"] != path.stem:
        raise UsageError(
            f"{path.name}: field slug: {record['slug']!r} does not match the file name"
        )
    return record


@functools.cache
def committed(folder: Path = HOSTS) -> tuple[dict, ...]:
    """Every machine's record, oldest first date first (the order pages show them in)."""
    records = [read(p) for p in sorted(folder.glob("*.json"))]
    if not records:
        raise FileNotFoundError(f"no benchmark records in {folder}: run make bench")
    return tuple(sorted(records, key=lambda r: (min(c["date"] for c in r["cases"]), r["slug"])))


def case(record: dict, name: str) -> dict | None:
    return next((c for c in record["cases"] if c["name"] == name), None)


def baseline_of(case_entry: dict, rec: dict) -> str | None:
    """The variant a record is compared with: its own `baseline`, else its case's."""
    return rec.get("baseline", case_entry.get("baseline"))


def merge(earlier: dict | None, new: dict, order: list[str], path: Path) -> dict:
    """The record to write: new cases replace the same cases of an earlier record of the machine."""
    if earlier is None:
        return new
    if earlier["identity"] != new["identity"]:
        differs = sorted(
            k
            for k in set(earlier["identity"]) | set(new["identity"])
            if earlier["identity"].get(k) != new["identity"].get(k)
        )
        raise UsageError(
            f"{path.name}: field identity/{differs[0]}: belongs to another machine or software; "
            "not merging into it"
        )
    if earlier["quick"] != new["quick"]:
        raise UsageError(
            f"{path.name}: field quick: a quick run never merges into a full record or back"
        )
    fresh = {c["name"] for c in new["cases"]}
    cases = [c for c in earlier["cases"] if c["name"] not in fresh] + new["cases"]
    position = {name: i for i, name in enumerate(order)}
    cases.sort(key=lambda c: position.get(c["name"], len(position)))
    return {**new, "cases": cases}


def write(record: dict, path: Path) -> None:
    validate(record, path.name)
    atomic.write_text(path, json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
