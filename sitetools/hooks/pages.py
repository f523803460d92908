"""What the hooks need to know about a page: its language and whether it is a notebook."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sitetools import strings

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml's default, the address of `make serve`
_LANG_SUFFIX = re.compile(r"\.(zh|en)\.(md|ipynb)$")


def page_language(page) -> str:
    """The page's language, 'zh' or 'en': mkdocs-static-i18n's, else the file name's."""
    locale = getattr(page.file, "locale", None)
    if locale in strings.LANGS:
        return locale
    match = _LANG_SUFFIX.search(page.file.src_uri)
    return match.group(1) if match else strings.LANGS[0]


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def site_url(config) -> str:
    """The site's absolute URL, ending in '/'."""
    url = config.site_url or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def site_path(config) -> str:
    """The path the site is served under: '/' for `make serve`, '/<repository>/' on Pages."""
    return urlsplit(site_url(config)).path or "/"
