"""The "tested with" line under a chapter's title: ``<!-- render:tested-with -->``.

It names Python and the versions pinned in requirements.lock of torch and of every other
distribution the page's code imports (blocks marked to skip on the build machine do not count), and
links the machines whose records the page's numbers come from (the cases of its bench-host
placeholders) to their entries on the Machines page.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitetools import machines, records, site_data, strings
from sitetools.paths import DOCS, ROOT
from sitetools.site_data import Context
from sitetools.snippets import INCLUDE

SKIP = re.compile(r"^<!--\s*pytest\.mark\.skip\(")
FENCE = re.compile(r"^\s*(```|~~~)")
BENCH_HOST = re.compile(r"<!--\s*render:bench-host\s+([^>]*?)\s*-->")
SEPARATOR = " · "  # between "name version" pairs, the same in both languages


def page_source(ctx: Context) -> str:
    """The Markdown source of the page being rendered."""
    if not ctx.page:
        raise ValueError("render:tested-with needs the page it is on (Context.page is empty)")
    path = DOCS / ctx.page
    if not path.is_file():
        raise FileNotFoundError(f"docs/{ctx.page} does not exist")
    return path.read_text(encoding="utf-8")


def run_snippets(markdown: str) -> list[Path]:
    """Python files under snippets/ that the page includes in blocks the tests run."""
    found, skip_next, in_block, skipped = set(), False, False, False
    for line in markdown.splitlines():
        if FENCE.match(line):
            if not in_block:
                skipped, skip_next = skip_next, False
            in_block = not in_block
        elif SKIP.match(line):
            skip_next = True
        elif in_block and not skipped:
            match = INCLUDE.match(line)
            if match and match.group("path").startswith("snippets/"):
                found.add(match.group("path"))
    return sorted(ROOT / p for p in found if p.endswith(".py"))


def versions(snippets: list[Path]) -> list[tuple[str, str]]:
    """(name, version): Python, torch (every chapter is about it, also where the code starts it in
    a subprocess), then the other pinned distributions the snippets import, by name."""
    pairs = dict(site_data.tested_versions(snippets))
    pairs.setdefault("torch", site_data.locked_versions()["torch"])
    return sorted(
        pairs.items(), key=lambda kv: (kv[0] != "Python", kv[0] != "torch", kv[0].lower())
    )


def measured_cases(markdown: str) -> list[str]:
    cases = [name for m in BENCH_HOST.finditer(markdown) for name in m.group(1).split()]
    return list(dict.fromkeys(cases))


def render_tested_with(ctx: Context) -> str:
    markdown = page_source(ctx)
    snippets = run_snippets(markdown)
    if not snippets:
        raise ValueError(
            f"docs/{ctx.page} includes no snippet that runs: remove render:tested-with"
        )
    line = strings.text(
        "tested_with",
        ctx.lang,
        versions=SEPARATOR.join(f"{name} {version}" for name, version in versions(snippets)),
    )
    cases = measured_cases(markdown)
    found = [r for r in records.committed() if any(records.case(r, c) for c in cases)]
    if found:
        links = strings.text("enum_sep", ctx.lang).join(machines.link(ctx, r) for r in found)
        line += strings.text("numbers_from", ctx.lang, machines=links)
    return f'<p class="tested-with">{line}</p>'
