"""The instruction-set table of the CPU chapter (``<!-- render:isa-table -->``), from isa.yml.

The extension's name comes first, then what it means for deep learning (the column readers come
for), then the flags and the dates. docs/assets/isa-table.js filters and sorts it (cells marked
``data-missing`` sort last either way); on a phone, docs/assets/site.css shows each row as a card
whose cells carry their column's name (``data-label``).
"""

from __future__ import annotations

import functools
import html

from sitetools import strings
from sitetools.site_data import Context, isa_entries

MISSING = "—"
# (column head key in strings.yml, class of its cells)
COLUMNS = (
    ("isa_extension", "isa-name"),
    ("isa_dl", "isa-dl"),
    ("isa_flag", "isa-flags"),
    ("isa_instructions", "isa-number"),
    ("isa_announced", "isa-date"),
    ("isa_first_intel", "isa-cpu"),
    ("isa_released", "isa-date"),
    ("isa_first_amd", "isa-cpu"),
    ("isa_released", "isa-date"),
    ("isa_bits", "isa-number"),
)


def family_label(family: str, lang: str) -> str:
    """A family's name as the filter shows it (strings.yml, isa_families)."""
    try:
        return strings.table()["isa_families"][family][lang]
    except KeyError:
        raise KeyError(
            f"docs/data/strings.yml has no isa_families label for the family {family!r}"
        ) from None


def _flags(entry: dict, lang: str) -> str | None:
    flags = " ".join(f"<code>{html.escape(f)}</code>" for f in entry["flags"])
    note = entry.get(f"flags_note_{lang}")
    if note:
        flags += f' <abbr title="{html.escape(note)}">*</abbr>'
    return flags or None


class _NotReleased(str):
    """A date cell's text that sorts last, as a missing value does."""


def _vendor(vendor: dict | None, lang: str) -> list[str | None]:
    """The first CPU and its release date; missing where the vendor has none. A CPU that is
    announced but not released has no date: the cell says so and sorts with the missing."""
    if vendor is None:
        return [None, None]
    date = vendor["date"] or _NotReleased(strings.text("isa_not_released", lang))
    return [html.escape(vendor["cpu"]), date]


def _cell(value: object, css: str, label: str) -> str:
    if value is None or value == "":
        return f'<td class="{css}" data-label="{label}" data-missing>{MISSING}</td>'
    if isinstance(value, _NotReleased):
        return f'<td class="{css}" data-label="{label}" data-missing>{value}</td>'
    return f'<td class="{css}" data-label="{label}">{value}</td>'


def _row(entry: dict, lang: str, labels: list[str]) -> str:
    values = [
        f"<strong>{html.escape(entry['name'])}</strong>",
        html.escape(entry["dl_" + lang]),
        _flags(entry, lang),
        entry["instructions"],
        entry["announced"],
        *_vendor(entry["intel"], lang),
        *_vendor(entry["amd"], lang),
        entry["width_bits"],
    ]
    cells = "".join(
        _cell(value, css, label)
        for value, (_, css), label in zip(values, COLUMNS, labels, strict=True)
    )
    return f'<tr data-family="{html.escape(entry["family"])}">{cells}</tr>'


def render_isa_table(ctx: Context) -> str:
    """The table as HTML, with a text filter and a family filter (docs/assets/isa-table.js)."""
    t = functools.partial(strings.text, lang=ctx.lang)
    labels = [t(key) for key, _ in COLUMNS]
    families = dict.fromkeys(e["family"] for e in isa_entries())  # in the order of the file
    options = "".join(
        f'<option value="{html.escape(f)}">{html.escape(family_label(f, ctx.lang))}</option>'
        for f in families
    )
    search = f'<input type="search" class="isa-filter" placeholder="{t("isa_placeholder")}">'
    select = (
        f'<select class="isa-family"><option value="">{t("isa_all")}</option>{options}</select>'
    )
    controls = (
        f'<p class="isa-controls"><label>{t("isa_filter")} {search}</label> '
        f'<label>{t("isa_family")} {select}</label> <span class="isa-count"></span></p>'
    )
    heads = "".join(
        f'<th scope="col" class="{css}">{label}</th>'
        for label, (_, css) in zip(labels, COLUMNS, strict=True)
    )
    rows = "\n".join(_row(e, ctx.lang, labels) for e in isa_entries())
    return (
        f'<div class="isa-table" markdown="0">\n{controls}\n'
        f'<table class="isa"><thead><tr>{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>\n'
        "</div>"
    )
