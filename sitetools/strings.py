"""Interface strings in both languages, from docs/data/strings.yml (the one table of them)."""

from __future__ import annotations

import functools
import re

import yaml

from sitetools import schemas
from sitetools.paths import DATA

LANGS = ("zh", "en")
_CURVE = re.compile(r"^(?P<method>.+), (?P<fraction>\d+%)$")


@functools.cache
def table() -> dict:
    """Every section of docs/data/strings.yml, checked against strings.schema.json."""
    data = yaml.safe_load((DATA / "strings.yml").read_text(encoding="utf-8"))
    schemas.check(data, "strings", "strings.yml", depth=2)
    return data


def text(key: str, lang: str, **fields) -> str:
    """The interface string `key` of the ui section in lang, with {fields} filled in."""
    try:
        entry = table()["ui"][key]
    except KeyError:
        raise KeyError(f"docs/data/strings.yml has no ui key {key!r}") from None
    return entry[lang].format(**fields)


def variant(variant_id: str, lang: str) -> str:
    """The label of a benchmark variant id; pruning-curve ids are '<method>, <fraction>'."""
    labels = table()["variants"]
    if variant_id in labels:
        return labels[variant_id][lang]
    curve = _CURVE.match(variant_id)
    if curve and curve.group("method") in table()["pruning_methods"]:
        method = table()["pruning_methods"][curve.group("method")][lang]
        return text("note_pair", lang, first=method, second=curve.group("fraction"))
    raise KeyError(f"docs/data/strings.yml has no label for the benchmark variant {variant_id!r}")


def skip_reason(text: str, lang: str) -> str:
    """A benchmark record's skip reason in lang. Records keep the English the benchmark wrote; the
    first skip_reasons entry whose English matches it whole (each {field} standing for any text)
    gives the fields to fill into lang's text."""
    for entry in table()["skip_reasons"].values():
        match = _english_pattern(entry["en"]).fullmatch(text)
        if match:
            return entry[lang].format(**match.groupdict())
    raise KeyError(
        f"docs/data/strings.yml has no skip_reasons entry matching the skip reason {text!r}"
    )


@functools.cache
def _english_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)  # literal, field, literal, field, ..., literal
    return re.compile(
        "".join(f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)),
        re.S,
    )


def column(field: str, lang: str) -> str:
    """The head of an optional record field's column."""
    return table()["columns"][field][lang]


def figure_alt(name: str, lang: str) -> str:
    return table()["figures"][name][lang]
