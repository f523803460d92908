"""The one table of interface strings (docs/data/strings.yml): both languages everywhere, a label for
every measured variant, and no language choice left in the site's code."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

from sitetools import machines, records, strings
from sitetools.site_data import Context


def test_every_string_has_both_languages():
    for section, entries in strings.table().items():
        for key, entry in entries.items():
            assert set(entry) == set(strings.LANGS), (
                f"strings.yml {section}/{key}: needs exactly zh and en"
            )
            assert all(isinstance(v, str) and v.strip() for v in entry.values()), (
                f"strings.yml {section}/{key}"
            )


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


NEW_MODULES = [
    "bench_tables.py",
    "ladder_pages.py",
    "machines.py",
    "figure_pages.py",
    "strings.py",
    "records.py",
    "fingerprint.py",
    "plots.py",
]


@pytest.mark.parametrize("name", NEW_MODULES)
def test_no_inline_language_choice_in_the_benchmark_renderers(name):
    """Strings come from strings.yml, not from `"..." if lang == "zh" else "..."` in code."""
    text = (ROOT / "sitetools" / name).read_text(encoding="utf-8")
    found = re.findall(r"lang\s*==\s*[\"'](?:zh|en)[\"']", text)
    assert not found, (
        f"sitetools/{name} chooses strings inline: {found[:2]}; put them in docs/data/strings.yml"
    )
