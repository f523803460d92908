"""Glossary tooltips: the first use of each glossary term in a page's running text is wrapped in
``<abbr title="definition">`` (Material shows it as a tooltip).

A term matches only as a whole word, never inside a longer one, in both languages: the match must
start and end where jieba, the word splitter the site's search uses, puts word boundaries, and a
term that starts or ends with a Latin letter or digit must not touch another one (no "kernel" in
"kernels", no "bfloat16" in "bfloat16_weights"). Chinese words that hold a term but are other
words (向量化 holds 量化) are listed in the glossary (``zh_longer_words``) and added to jieba's
dictionary, for the tooltips and the search alike.
"""

from __future__ import annotations

import functools
import html
import logging
import re

import jieba

from sitetools import site_data

jieba.setLogLevel(logging.WARNING)

_NO_TOOLTIP_INSIDE = {
    "code",
    "pre",
    "a",
    "abbr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "script",
    "style",
    "svg",
    "button",
    "label",
    "title",
    "th",
    "nav",
}
_TAG = re.compile(r"(<[^>]+>)")
_TAG_NAME = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)")
_LATIN = re.compile(r"[A-Za-z0-9_]")


def register_longer_words() -> None:
    """Teach jieba the glossary's longer words, so that it never splits a term out of them."""
    for entry in site_data.glossary():
        for word in entry.get("zh_longer_words", ()):
            jieba.add_word(word)


@functools.cache
def _pattern(term: str) -> re.Pattern:
    """The term, any run of white space where it has a space (a line may break there)."""
    return re.compile(r"\s+".join(re.escape(part) for part in term.split()), re.I)


def _word_boundaries(text: str) -> set[int]:
    cuts, position = {0}, 0
    for word in jieba.cut(text):
        position += len(word)
        cuts.add(position)
    return cuts


def _latin_edges_free(text: str, start: int, end: int) -> bool:
    """A Latin letter or digit at either end of the match has no Latin letter or digit beside it."""
    before = start > 0 and _LATIN.match(text[start - 1]) and _LATIN.match(text[start])
    after = end < len(text) and _LATIN.match(text[end]) and _LATIN.match(text[end - 1])
    return not (before or after)


def find_whole_term(text: str, term: str) -> re.Match | None:
    """The first occurrence of term in text that is a whole word, or None."""
    boundaries = None
    for match in _pattern(term).finditer(text):
        start, end = match.span()
        if not _latin_edges_free(text, start, end):
            continue
        boundaries = boundaries if boundaries is not None else _word_boundaries(text)
        if start in boundaries and end in boundaries:
            return match
    return None


def add_tooltips(content: str, lang: str) -> str:
    """Wrap the first whole-word use of each glossary term in running text in <abbr title>."""
    pending = {entry[lang]: entry[f"def_{lang}"] for entry in site_data.glossary()}
    order = sorted(pending, key=len, reverse=True)  # 混合精度训练 before 混合精度
    depth = 0
    parts = _TAG.split(content)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            m = _TAG_NAME.match(part)
            if m and m.group(2).lower() in _NO_TOOLTIP_INSIDE and not part.endswith("/>"):
                depth += -1 if m.group(1) else 1
            continue
        if depth > 0 or not part.strip():
            continue
        for term in order:
            found = find_whole_term(part, term) if term in pending else None
            if found:
                title = html.escape(pending.pop(term), quote=True)
                abbr = f'<abbr title="{title}">{found.group(0)}</abbr>'
                parts[i] = part[: found.start()] + abbr + part[found.end() :]
                break  # the abbr is now inside this text: match nothing else in it
    return "".join(parts)
