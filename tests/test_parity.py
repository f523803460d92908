"""Chinese first, English complete: every page has a twin with the same structure."""

from __future__ import annotations

import re

import pytest
from helpers import DOCS, all_pages, front_matter, rel, twin, zh_pages

HEADING_ID = re.compile(r"^#{1,6} .*\{ *#([\w-]+) *\}\s*$", re.M)
HEADING = re.compile(r"^#{1,6} ", re.M)
INCLUDE = re.compile(r"""--8<--\s+["']([^"']+)["']""")
RENDER = re.compile(r"<!--\s*render:([^>]*?)\s*-->")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
FENCE = re.compile(r"^[ \t]*`{3,}", re.M)


def structure(page):
    text = page.read_text(encoding="utf-8")
    return {
        "heading ids": HEADING_ID.findall(text),
        "snippets": INCLUDE.findall(text),
        "rendered data (tables, figures)": RENDER.findall(text),
        "images": [re.sub(r"\.(zh|en)\.", ".", i) for i in IMAGE.findall(text)],
        "code fences": len(FENCE.findall(text)),
    }


@pytest.mark.parametrize("page", all_pages(), ids=rel)
def test_page_has_twin(page):
    assert twin(page).exists(), f"{rel(page)} has no twin: create {rel(twin(page))}"


@pytest.mark.parametrize("page", zh_pages(), ids=rel)
def test_twins_have_same_structure(page):
    other = twin(page)
    if not other.exists():
        pytest.fail(f"{rel(page)} has no twin {rel(other)}")
    mine, theirs = structure(page), structure(other)
    for key in mine:
        assert mine[key] == theirs[key], (
            f"{rel(page)} and {rel(other)} differ in {key}: {mine[key]} != {theirs[key]}"
        )


@pytest.mark.parametrize("page", all_pages(), ids=rel)
def test_every_heading_has_a_stable_id(page):
    text = page.read_text(encoding="utf-8")
    headings = [
        line for line in text.splitlines() if HEADING.match(line) and not line.startswith("#!")
    ]
    missing = [h for h in headings if not HEADING_ID.match(h + "\n")]
    assert not missing, f"{rel(page)}: headings without {{ #id }}: {missing}"


@pytest.mark.parametrize("page", all_pages(), ids=rel)
def test_every_page_has_a_description(page):
    description = front_matter(page).get("description", "")
    assert 20 <= len(description) <= 320, (
        f"{rel(page)}: front matter needs a description of 20-320 characters, "
        f"has {len(description)}"
    )
    assert '"' not in description, (
        f"{rel(page)}: the theme does not escape quotes in descriptions; use “ ”"
    )


def test_nav_lists_every_page():
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s+([\w/-]+\.md)\s*$", nav, re.M))
    pages = {str(p.relative_to(DOCS)).replace(".zh.md", ".md") for p in zh_pages()}
    assert pages == listed, (
        f"pages not in nav: {pages - listed}; nav entries without a page: {listed - pages}"
    )


def test_chinese_prose_spaces_latin_words():
    """Chinese typography: a space between Chinese characters and Latin words or numbers."""
    bad = []
    for page in zh_pages():
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if (
                line.startswith(("--8<--", "<!--", "|", "description:"))
                or "`" in line
                or "](" in line
            ):
                continue
            if re.search(r"[\u4e00-\u9fff][A-Za-z]|[A-Za-z][\u4e00-\u9fff]", line):
                bad.append(f"{rel(page)}:{n}: {line[:60]}")
    assert not bad, "add spaces between Chinese and Latin text:\n" + "\n".join(bad[:20])
