"""The links under a chapter's title: download its notebook, open it in Colab, view it online.

A chapter's notebook is docs/notebooks/<chapter>.<lang>.ipynb (sitetools/make_notebooks.py). The
Colab link opens the committed file in the repository on GitHub, so it exists only when the
site's repository URL (mkdocs.yml `repo_url`) is a GitHub repository; without one the page shows
the download link alone. They are plain links: viewing the page fetches nothing from Colab.
"""

from __future__ import annotations

import html
import posixpath
import re

from sitetools import strings
from sitetools.hooks.repository import BRANCH  # the branch the site, and Colab, read
from sitetools.paths import DOCS

GITHUB = re.compile(r"^https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")


def notebook_path(page_src: str) -> str | None:
    """'saving/index.zh.md' -> 'notebooks/saving-index.zh.ipynb' (under docs/), if that notebook
    exists; None for a page without one."""
    found = re.fullmatch(r"(?P<name>.+)\.(?P<lang>zh|en)\.md", page_src)
    if not found:
        return None
    path = f"notebooks/{found.group('name').replace('/', '-')}.{found.group('lang')}.ipynb"
    return path if (DOCS / path).is_file() else None


def colab_url(repo_url: str | None, path: str) -> str | None:
    """Colab's URL for docs/<path> on the main branch of a GitHub repository; None otherwise."""
    found = GITHUB.match(repo_url or "")
    if not found:
        return None
    return (
        f"https://colab.research.google.com/github/{found.group('owner')}/{found.group('repo')}"
        f"/blob/{BRANCH}/docs/{path}"
    )


def render_notebook_links(
    lang: str, download: str, colab: str | None = None, view: str | None = None
) -> str:
    """The buttons, as one HTML paragraph: download (and Colab, where given) as buttons, the
    rendered notebook (where given) as a link."""
    t = lambda key: html.escape(strings.text(key, lang))
    button = '<a class="md-button" href="{}"{}>{}</a>'
    links = [button.format(html.escape(download), " download", t("chapter_notebook"))]
    if colab:
        links.append(button.format(html.escape(colab), ' rel="noopener"', t("chapter_colab")))
    if view:
        links.append(f'<a href="{html.escape(view)}">{t("chapter_notebook_page")}</a>')
    return f'<p class="notebook-links">{" ".join(links)}</p>'


def links_for(page, lang: str, files, repo_url: str | None) -> str | None:
    """The links of a MkDocs page, relative to its URL; None for a page without a notebook.

    mkdocs-jupyter renders the notebook as a page of its own and publishes the .ipynb beside it;
    without that plugin the .ipynb is a plain file of the site."""
    path = notebook_path(page.file.src_uri)
    file = files.get_file_from_path(path) if path and files is not None else None
    if file is None:
        return None
    here = page.url or "."
    rendered = file.url.endswith("/")  # a page: the file itself lies in that folder
    file_url = file.url + posixpath.basename(path) if rendered else file.url
    download = posixpath.relpath(file_url, here if here.endswith("/") else posixpath.dirname(here))
    view = posixpath.relpath(file.url, here) + "/" if rendered else None
    return render_notebook_links(lang, download, colab_url(repo_url, path), view)
