"""Markdown tables, wrapped at build time the way Material's script would wrap them, and ready to be
shown as cards on a phone.

Material's script wraps every class-less table in two scroll containers when the page loads. Moving
a table out of the document and back makes the browser restyle and lay out much of the page again:
on the quantization chapter (five tables), Lighthouse's phone profile measured a total blocking time
of about 300 ms with it and 180 ms without, and a performance score of about 0.90 against 0.96. The
build writes the same wrappers instead; the class keeps Material's script off them, and
docs/assets/site.css gives ``table.doc-table`` Material's table rules.

Every body cell also gets its column's name as ``data-label``: on a phone, site.css shows a table
of three or more columns as one card per row, each cell under its column's name.
"""

from __future__ import annotations

import html
import re

_PLAIN_TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # Markdown tables; never nested
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_HEAD_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td\b([^>]*)>")
_TAG = re.compile(r"<[^>]+>")


def _label(cell_html: str) -> str:
    text = " ".join(html.unescape(_TAG.sub(" ", cell_html)).split())
    return html.escape(text, quote=True)


def label_cells(table: str) -> str:
    """Give each <td> of the table's body the name of its column (data-label)."""
    head = _HEAD.search(table)
    if head is None:
        return table
    labels = [_label(cell) for cell in _HEAD_CELL.findall(head.group(1))]

    def row(match: re.Match) -> str:
        column = iter(labels)
        cells = _CELL.sub(lambda c: f'<td{c[1]} data-label="{next(column, "")}">', match[1])
        return f"<tr>{cells}</tr>"

    body = table[head.end() :]
    return table[: head.end()] + _ROW.sub(row, body)


def _wrap(table: str) -> str:
    """The wrappers and classes of one table; one of three or more columns is marked doc-cards
    (a class, not a :has() selector in site.css: restyling a long page with :has() rules cost
    Lighthouse's phone profile more than a second of style and layout)."""
    head = _HEAD.search(table)
    cards = " doc-cards" if head and len(_HEAD_CELL.findall(head.group(1))) >= 3 else ""
    return (
        f'<div class="md-typeset__scrollwrap{cards}"><div class="md-typeset__table">'
        f'<table class="doc-table{cards}">{label_cells(table)}</table></div></div>'
    )


def wrap_tables(content: str) -> str:
    return _PLAIN_TABLE.sub(lambda m: _wrap(m[1]), content)
