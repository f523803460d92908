"""The 404 page of each language: zh at the site root (the page a static host serves for any
missing URL), en at en/404.html.

MkDocs writes 404.html to the site root in every language's build, so the last build's language
would win; the root keeps the default language's page, and the others are written under their
language's root after the build. A static host serves the page at any depth, so its links are
absolute paths under the site's path (as MkDocs writes them there); its language selector leads to
the 404 page of the other language."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from sitetools.hooks.pages import site_path, site_url
from sitetools.site_data import DEFAULT_LANG, LANG_PATH

PAGE = "404.html"
_SELECT_LINK = re.compile(r'<a href="[^"]*" hreflang="([\w-]+)" class="md-select__link">')
_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([\w-]+)">')
_built: dict[str, str] = {}  # language -> its 404 page, in this build


def language(config) -> str:
    """The language being built (mkdocs-static-i18n sets the theme's language for each build)."""
    return str(config.theme.get("language") or DEFAULT_LANG)


def fix_language_links(output: str, config) -> str:
    def path(lang: str) -> str:
        return f"{site_path(config)}{LANG_PATH.get(lang, '')}{PAGE}"

    output = _SELECT_LINK.sub(
        lambda m: f'<a href="{path(m[1])}" hreflang="{m[1]}" class="md-select__link">', output
    )
    return _ALTERNATE.sub(
        lambda m: (
            f'<link rel="alternate" href="{urljoin(site_url(config), path(m[1]))}" '
            f'hreflang="{m[1]}">'
        ),
        output,
    )


def keep_per_language(output: str, lang: str) -> str:
    """Remember this language's page; what MkDocs writes to the root is the default language's."""
    if lang == DEFAULT_LANG:
        _built.clear()
    _built[lang] = output
    return _built.get(DEFAULT_LANG, output)


def write_other_languages(config) -> None:
    for lang, output in _built.items():
        if LANG_PATH.get(lang):
            target = Path(config.site_dir) / LANG_PATH[lang] / PAGE
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(output, encoding="utf-8")
