"""The repository the site is built from, for the edit link on every page and the source link in the
header. Nothing is made up: the URL is REPO_URL (the Pages workflow sets it from the GitHub
repository it runs in), else the URL of the local clone's `origin` remote, else there is none and
the site is built without edit and source links."""

from __future__ import annotations

import os
import re
import subprocess
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from sitetools.paths import ROOT

BRANCH = "main"  # the branch the Pages workflow publishes
_SCP_LIKE = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>[\w./-]+)$")  # git@github.com:o/r.git


def _web_url(remote: str) -> str | None:
    """The https URL of a git remote (https or scp-like ssh), without '.git'; None for others."""
    match = _SCP_LIKE.match(remote)
    url = f"https://{match['host']}/{match['path']}" if match else remote
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.path.strip("/") == "":
        return None
    path = re.sub(r"\.git$", "", parts.path.rstrip("/"))
    host = parts.hostname + (f":{parts.port}" if parts.port else "")  # never credentials
    return f"{parts.scheme}://{host}{path}"


def _origin() -> str | None:
    try:
        done = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def repository_url() -> str | None:
    """REPO_URL, else the origin remote's web URL, else None. A REPO_URL that is not a repository's
    http(s) URL stops the build with a one-line message."""
    given = os.environ.get("REPO_URL", "").strip()
    if given:
        url = _web_url(given)
        if url is None:
            raise PluginError(f"REPO_URL={given!r} is not the https URL of a repository")
        return url
    origin = _origin()
    return _web_url(origin) if origin else None


def configure(config) -> None:
    """Set repo_url, repo_name and edit_uri when the repository is known."""
    url = repository_url()
    if url is None:
        return
    config.repo_url = url + "/"
    config.repo_name = urlsplit(url).path.strip("/")
    config.edit_uri = f"edit/{BRANCH}/docs/"


def chapter_of_notebook(notebook_uri: str, files) -> str | None:
    """The page a notebook is made from: notebooks/cpu-onednn.zh.ipynb -> cpu/onednn.zh.md."""
    match = re.fullmatch(r"notebooks/(?P<stem>.+)\.(?P<lang>zh|en)\.ipynb", notebook_uri)
    if match is None:
        return None
    for file in files.documentation_pages():
        page = re.fullmatch(r"(?P<stem>.+)\.(?P<lang>zh|en)\.md", file.src_uri)
        if page and page["lang"] == match["lang"]:
            if page["stem"].replace("/", "-") == match["stem"]:
                return file.src_uri
    return None


def point_notebook_edit_link(page, config, files) -> None:
    """A notebook is made from its chapter (make notebooks): its edit link opens the chapter."""
    if not config.repo_url or not page.file.src_uri.endswith(".ipynb"):
        return
    chapter = chapter_of_notebook(page.file.src_uri, files)
    page.edit_url = f"{config.repo_url}{config.edit_uri}{chapter}" if chapter else None
