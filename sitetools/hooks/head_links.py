"""Links that search engines and the theme's language selector read: absolute hreflang alternates
in every page's head, and a small sitemap beside every page."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin

from sitetools.hooks.pages import site_url

ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]+)" hreflang="([\w-]+)">')


def absolute_alternates(output: str, page_url: str, config) -> str:
    """hreflang alternates as absolute URLs under site_url (search engines and Lighthouse need
    them absolute); page_url is the page's URL relative to the site root."""
    here = urljoin(site_url(config), page_url)
    return ALTERNATE.sub(
        lambda m: f'<link rel="alternate" href="{urljoin(here, m.group(1))}" hreflang="{m[2]}">',
        output,
    )


def write_page_sitemaps(config) -> None:
    """Material fetches `sitemap.xml` under every <link rel="alternate"> of a page, to map the page
    to its twin. mkdocs-static-i18n points those links at the twin page itself (right for
    hreflang), so write a small sitemap beside every page: its own URL and its alternates. Without
    it, every page view logs two 404 errors in the browser console."""
    site, base = Path(config.site_dir), site_url(config)
    for page in site.rglob("index.html"):
        if page.parent == site:
            continue  # the site root keeps MkDocs' full sitemap.xml
        text = page.read_text(encoding="utf-8")
        links = ALTERNATE.findall(text[: text.find("</head>")])
        if not links:
            continue
        url = urljoin(base, page.parent.relative_to(site).as_posix() + "/")
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" '
            f'href="{html.escape(urljoin(url, href))}"/>'
            for href, lang in links
        )
        (page.parent / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            f"<url><loc>{html.escape(url)}</loc>{alternates}</url></urlset>\n",
            encoding="utf-8",
        )
