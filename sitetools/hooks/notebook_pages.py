"""The chapter notebooks (docs/notebooks/<chapter>.<lang>.ipynb), rendered by mkdocs-jupyter,
made to behave like the other pages: in their language, with a language selector that finds the
twin, out of the search index, and without the scripts and styles mkdocs-jupyter adds."""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from sitetools import strings
from sitetools.hooks.pages import page_language
from sitetools.site_data import LANG_PATH

# What mkdocs-static-i18n attaches to each File; a NotebookFile made from a File must keep it, or
# the page loses its language and the selector's link to its twin.
_I18N_ATTRIBUTES = ("alternates", "locale", "locale_alternate_of", "localization", "norm_src_uri")


def mark_notebooks(files, config):
    """Let mkdocs-jupyter render the notebooks of both languages. mkdocs-static-i18n rebuilds the
    file list after mkdocs-jupyter has marked docs/notebooks/*.<lang>.ipynb as pages, so mark them
    again, keeping the per-language URLs and alternates that i18n gave them
    (mkdocs-static-i18n issue #198)."""
    if "mkdocs-jupyter" not in config.plugins:
        return files
    from mkdocs_jupyter.plugin import NotebookFile

    for file in list(files):
        if file.src_uri.endswith(".ipynb") and not isinstance(file, NotebookFile):
            page = NotebookFile(
                file, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir
            )
            page.dest_path, page.abs_dest_path, page.url = (
                file.dest_path,
                file.abs_dest_path,
                file.url,
            )
            for name in _I18N_ATTRIBUTES:
                if hasattr(file, name):
                    setattr(page, name, getattr(file, name))
            if isinstance(getattr(page, "alternates", None), dict):
                page.alternates = {
                    lang: page if alt is file else alt for lang, alt in page.alternates.items()
                }
            files.remove(file)
            files.append(page)
    return files


def link_twin_notebook(page, config) -> None:
    """Point the language selector (and the hreflang links) at the twin notebook, which has the
    same URL under the other language's root. mkdocs-static-i18n pairs only Markdown pages."""
    own = LANG_PATH[page_language(page)]
    path = page.url[len(own) :] if page.url.startswith(own) else page.url
    # mkdocs-static-i18n sets extra.alternate as an attribute, which the theme reads first
    config.extra.alternate = [
        dict(alternate, link=LANG_PATH[alternate["lang"]] + path)
        for alternate in getattr(config.extra, "alternate", None) or []
        if alternate.get("lang") in LANG_PATH
    ]


def exclude_from_search(page) -> None:
    """A notebook repeats its chapter: keep it out of the search index."""
    page.meta["search"] = {"exclude": True}


_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*<!-- MathJax configuration -->\s*'
    r'<script type="text/x-mathjax-config">.*?</script>',
    re.S,
)
_MERMAID = re.compile(
    r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>\s*'
    r"(?:<!-- End of mermaid configuration -->)?",
    re.S,
)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_DOWNLOAD_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<path d="M5 20h14v-2H5zM19 9h-4V3H9v6H5l7 7z"/></svg>'
)
_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)<a class="anchor-link" href="#[^"]*">', re.S)


def _toc_ids(toc) -> list[str]:
    """The ids of a page's table of contents, every level, in document order."""
    return [i for link in toc for i in (link.id, *_toc_ids(link.children))]


def _heading_ids_from_toc(output: str, page) -> str:
    """Give each heading the id its table-of-contents link points at, heading by heading.

    mkdocs-jupyter makes the two separately: the heading ids with its own ASCII slug of the
    heading's HTML (a Chinese heading gets id="", two headings can share one, a code span's dots
    stay), the contents with Python-Markdown's slug of the notebook's Markdown (#_1, #_2 ...;
    #bf16, #bf16_1; no dots). Both list every heading of the notebook's Markdown cells in the
    same order, so the contents' ids, taken in turn, are the headings' ids."""
    ids = _toc_ids(page.toc)
    found = len(_HEADING.findall(output))
    if found != len(ids):
        raise PluginError(
            f"{page.file.src_uri}: {found} headings but {len(ids)} table-of-contents links; "
            "cannot give the headings the contents' ids"
        )
    taken = iter(ids)

    def from_toc(m: re.Match) -> str:
        anchor = next(taken)
        return f'<h{m.group(1)} id="{anchor}">{m.group(3)}<a class="anchor-link" href="#{anchor}">'

    return _HEADING.sub(from_toc, output)


def clean_notebook_page(output: str, page) -> str:
    """No MathJax (the notebooks hold no maths, and its empty script src would fetch the page
    again), no Mermaid loader (it imports from a CDN; the notebooks hold no diagrams), no inlined
    560 KB JupyterLab theme (mkdocs-jupyter's own small stylesheet stays; Material styles the rest),
    and a download button for the .ipynb (Material 9 no longer shows page.nb_url)."""
    output = _MATHJAX.sub("", output).replace("<!-- End of mathjax configuration -->", "")
    output = _MERMAID.sub("", output)
    output = _heading_ids_from_toc(output, page)
    output = _STYLE.sub(lambda m: "" if len(m.group(1)) > 100_000 else m.group(0), output)
    name = page.file.src_uri.rsplit("/", 1)[-1]
    label = strings.text("notebook_download", page_language(page))
    button = (
        f'<a href="{name}" download class="md-content__button md-icon" title="{label}" '
        f'aria-label="{label}">{_DOWNLOAD_ICON}</a>'
    )
    article = '<article class="md-content__inner md-typeset">'
    return output.replace(article, article + button, 1)
