"""One search index per language: readers find only pages in the language they read.

MkDocs writes one index, search/search_index.json, and mkdocs-static-i18n fills it with the pages
of every language; Material's script loads it from ``search/`` under the ``base`` in the page's
``__config``. After the build, each language's entries go to the search/ folder under that
language's root (zh: the site root, en: en/), with locations relative to it, and every page's
``base`` points at its language's root. Material uses ``base`` for nothing else on this site (no
instant navigation, no versions)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sitetools import strings
from sitetools.site_data import DEFAULT_LANG, LANG_PATH

INDEX = "search/search_index.json"
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_BASE = re.compile(r'"base": ?"([^"]*)"')


def _language_of(location: str) -> str:
    return next(
        (lang for lang, prefix in LANG_PATH.items() if prefix and location.startswith(prefix)),
        DEFAULT_LANG,
    )


def split_search_index(config) -> None:
    """Rewrite the built index as one index per language."""
    site = Path(config.site_dir)
    path = site / INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    docs: dict[str, list] = {lang: [] for lang in strings.LANGS}
    for doc in index["docs"]:
        lang = _language_of(doc["location"])
        docs[lang].append(dict(doc, location=doc["location"][len(LANG_PATH[lang]) :]))
    for lang, entries in docs.items():
        target = site / LANG_PATH[lang] / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(dict(index, docs=entries), ensure_ascii=False, separators=(",", ":")),
            encoding="utf-8",
        )


def point_search_at_language(output: str, lang: str) -> str:
    """Set the page's Material ``base`` to the root of its language (where its index is)."""
    prefix = LANG_PATH[lang]
    if not prefix:
        return output

    def base(match: re.Match) -> str:
        root = match.group(1).rstrip("/")
        return f'"base": "{root}/{prefix}"'

    return _CONFIG.sub(lambda m: m[1] + _BASE.sub(base, m[2], count=1) + m[3], output, count=1)
