"""``<!-- render:NAME args -->`` in a page is replaced, at build time, with content made from the
data files in the page's language (renderers: ``sitetools.site_data.renderers``). An unknown name
or a failing renderer stops the build and names the page."""

from __future__ import annotations

import re

from sitetools import site_data

RENDER = re.compile(r"<!--\s*render:([\w-]+)(?:\s+([^>]*?))?\s*-->")


def _render(match: re.Match, lang: str, page) -> str:
    name, args = match.group(1), (match.group(2) or "").split()
    renderer = site_data.renderers().get(name)
    if renderer is None:
        known = ", ".join(sorted(site_data.renderers()))
        raise ValueError(
            f"page {page.file.src_uri}: unknown placeholder 'render:{name}' (known: {known})"
        )
    try:
        return renderer(site_data.Context.for_url(lang, page.url, page.file.src_uri), *args)
    except Exception as exc:  # name the page, keep the cause
        raise ValueError(f"page {page.file.src_uri}: render:{name} failed: {exc}") from exc


def render_placeholders(markdown: str, page, lang: str) -> str:
    return RENDER.sub(lambda m: _render(m, lang, page), markdown)
