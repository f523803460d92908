"""The links from a chapter to the notebook made from it (docs/notebooks/<chapter>.<lang>.ipynb)."""

from __future__ import annotations

import re

from sitetools import notebook_links

H1 = re.compile(r"^# .*$", re.M)


def add_notebook_link(markdown: str, page, lang: str, files, repo_url: str | None = None) -> str:
    """Under the title: download the chapter's notebook, open it in Colab (when the repository
    is on GitHub), view it online (sitetools/notebook_links.py)."""
    links = notebook_links.links_for(page, lang, files, repo_url)
    if not links:
        return markdown
    return H1.sub(lambda m: f"{m.group(0)}\n\n{links}\n", markdown, count=1)
