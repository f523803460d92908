"""The checklists of CONTRIBUTING.md, enforced. Each step a test can check is checked here or by
the test that CONTRIBUTING.md names beside it, written as `tests/<file>.py::<test>`; the first
test below makes sure every such name still exists."""

from __future__ import annotations

import ast
import importlib
import re

import pytest
import yaml
from helpers import ROOT, zh_pages

from sitetools.bench.measure import CASES
from sitetools.paths import SNIPPETS
from sitetools.tested_with import BENCH_HOST

importlib.import_module("sitetools.bench.cases")  # registers every benchmark case in CASES

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
CHECKED_BY = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
SNIPPET_FILES = sorted(p for p in SNIPPETS.rglob("*.py") if not p.name.startswith("."))
TEST_TEXTS = {
    t.name: t.read_text(encoding="utf-8") for t in sorted((ROOT / "tests").glob("test_*.py"))
}


def snippet_name(path) -> str:
    return path.relative_to(SNIPPETS).with_suffix("").as_posix()


def test_every_test_the_checklists_name_exists():
    named = CHECKED_BY.findall(CONTRIBUTING.read_text(encoding="utf-8"))
    assert len(named) >= 10, "CONTRIBUTING.md names the test that checks each checklist step"
    for path, test in named:
        source = ROOT / path
        defined = source.is_file() and re.search(
            rf"^def {test}\(", source.read_text(encoding="utf-8"), re.M
        )
        assert defined, (
            f"CONTRIBUTING.md names {path}::{test}, which does not exist: name the test that "
            "checks that step now"
        )


# ---- add a page ---------------------------------------------------------------------------------
# twin pages, heading ids, descriptions, nav: tests/test_parity.py


def test_every_nav_title_has_an_english_title():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def titles(entries) -> list[str]:
        found = []
        for entry in entries:
            if isinstance(entry, dict):
                for title, value in entry.items():
                    found.append(title)
                    if isinstance(value, list):
                        found += titles(value)
        return found

    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    en = next(lang for lang in i18n["languages"] if lang["locale"] == "en")
    missing = [t for t in titles(config["nav"]) if t not in en.get("nav_translations", {})]
    assert not missing, (
        f"nav titles without an English title: {missing}; add each under nav_translations of "
        "the en language in mkdocs.yml"
    )


# ---- add a snippet ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=snippet_name)
def test_every_snippet_has_a_test(path):
    name = snippet_name(path)
    references = (f'"{name}"', f"snippets/{name}.py")
    users = [name for name, text in TEST_TEXTS.items() if any(r in text for r in references)]
    area = name.split("/")[0]
    assert users, (
        f"snippets/{name}.py has no test: in tests/test_{area}.py (or the test module of its "
        f'chapter) import it with load_snippet("{name}") or run it with run_snippet("{name}"), '
        "and assert what it does"
    )


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=snippet_name)
def test_no_snippet_imports_the_sites_tools(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "sitetools" not in imported, (
        f"snippets/{snippet_name(path)}.py imports sitetools: readers copy snippets alone, so "
        "keep what it needs in the snippet (or in a sibling snippet it imports)"
    )


# ---- add a benchmark case -----------------------------------------------------------------------
# a label per variant: tests/test_strings.py


def test_every_benchmark_case_is_shown_on_a_page():
    shown = set()
    for page in zh_pages():  # the en twins show the same (tests/test_parity.py)
        for args in BENCH_HOST.findall(page.read_text(encoding="utf-8")):
            shown |= set(args.split())
    hidden = sorted(set(CASES) - shown)
    assert not hidden, (
        f"benchmark cases shown on no page: {hidden}; add <!-- render:bench-host CASE --> and "
        "<!-- render:bench-table CASE --> (or its figure) to the chapter, in both languages"
    )
    unknown = sorted(shown - set(CASES))
    assert not unknown, f"pages name cases that do not exist: {unknown}"
