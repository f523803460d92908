"""The one table of interface strings (docs/data/strings.yml): the same fields in both languages, a
label for every variant, and no language choice left in the site's code."""

from __future__ import annotations

import ast
import re
import string

import pytest
from helpers import ROOT

from sitetools import machines, records, strings
from sitetools.site_data import Context


def test_both_languages_fill_in_the_same_fields():
    """strings.schema.json gives every key a zh and an en string (test_data_schemas.py); the code
    fills both with the same {fields}, so both must name the same ones."""
    parse = string.Formatter().parse
    for section, entries in strings.table().items():
        for key, entry in entries.items():
            zh, en = (
                {name for _, name, _, _ in parse(entry[lang]) if name} for lang in ("zh", "en")
            )
            assert zh == en, f"strings.yml {section}/{key}: zh fills in {zh}, en fills in {en}"


def test_every_measured_variant_has_a_label_in_both_languages():
    for record in records.committed():
        for case in record["cases"]:
            for rec in case["records"]:
                for lang in strings.LANGS:
                    strings.variant(
                        rec["variant"] if case["name"] != "isa_ladder" else rec["workload"], lang
                    )
                if "baseline" in rec:
                    strings.variant(rec["baseline"], "zh")


def test_an_unknown_variant_is_a_clear_error():
    with pytest.raises(KeyError, match="no label for the benchmark variant 'no such variant'"):
        strings.variant("no such variant", "zh")


def test_records_with_other_library_versions_are_labelled_on_the_machines_page():
    for lang in strings.LANGS:
        page = machines.render_machines(Context(lang, ""))
        for record in records.committed():
            assert record["slug"] in page
            if machines.other_versions(record):
                section = page[page.index(record["slug"]) :]
                assert strings.text("other_versions", lang) in section.split("\n## ")[0]


def variant_ids_in_the_cases() -> set[str]:
    """Variant ids the benchmark cases write as literals: record("id", ...) and baseline="id"."""
    ids = set()
    for path in sorted((ROOT / "sitetools" / "bench" / "cases").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            literals = [k.value for k in node.keywords if k.arg == "baseline"]
            if name == "record" and node.args:
                literals.append(node.args[0])
            ids |= {v.value for v in literals if isinstance(v, ast.Constant) and v.value}
    return ids


def test_every_variant_a_case_writes_has_a_label_before_it_is_measured():
    """A new case's variants need labels before a record holds them: a table or figure of the page
    would otherwise fail on the first machine that measures it."""
    assert len(variant_ids_in_the_cases()) > 10, "the case modules write no literal variant ids"
    for variant_id in sorted(variant_ids_in_the_cases()):
        for lang in strings.LANGS:
            try:
                strings.variant(variant_id, lang)
            except KeyError:
                pytest.fail(
                    f"sitetools/bench/cases writes the variant {variant_id!r}: add it under "
                    "variants: in docs/data/strings.yml with a zh and an en label"
                )


LANGUAGE_CHOICE = re.compile(r"""\blang\s*==\s*["'](?:zh|en)["']|["'][^"'\n]*["']\s+if\s+zh\b""")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "sitetools").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_inline_language_choice_in_the_tools(path):
    """Strings come from strings.yml, not from `"..." if lang == "zh" else "..."` in code."""
    found = LANGUAGE_CHOICE.findall(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)} chooses by language inline: {found[:2]}; put the strings in "
        "docs/data/strings.yml (zh and en side by side) and look them up with sitetools.strings"
    )
