"""The chapter notebooks (docs/notebooks/<chapter>.<lang>.ipynb), rendered by mkdocs-jupyter,
made to behave like the other pages: in their language, with a language selector that finds the
twin, out of the search index, and without the scripts and styles mkdocs-jupyter adds."""

from __future__ import annotations

import re

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


def _dedupe_heading_ids(output: str) -> str:
    """mkdocs-jupyter slugs headings to ASCII: a Chinese heading gets id="", and two headings can
    share an id, while its table of contents numbers repeats (#_1, #_2 ...; #bf16, #bf16_1). Give
    the headings those ids, so every link of the table of contents lands."""
    seen: dict[str, int] = {}

    def unique(m: re.Match) -> str:
        base = m.group(2)
        seen[base] = seen.get(base, 0) + 1
        if base and seen[base] > 1:
            anchor = f"{base}_{seen[base] - 1}"
        else:
            anchor = base or f"_{seen[base]}"
        return f'<h{m.group(1)} id="{anchor}">{m.group(3)}<a class="anchor-link" href="#{anchor}">'

    return _HEADING.sub(unique, output)


def clean_notebook_page(output: str, page) -> str:
    """No MathJax (the notebooks hold no maths, and its empty script src would fetch the page
    again), no Mermaid loader (it imports from a CDN; the notebooks hold no diagrams), no inlined
    560 KB JupyterLab theme (mkdocs-jupyter's own small stylesheet stays; Material styles the rest),
    and a download button for the .ipynb (Material 9 no longer shows page.nb_url)."""
    output = _MATHJAX.sub("", output).replace("<!-- End of mathjax configuration -->", "")
    output = _MERMAID.sub("", output)
    output = _dedupe_heading_ids(output)
    output = _STYLE.sub(lambda m: "" if len(m.group(1)) > 100_000 else m.group(0), output)
    name = page.file.src_uri.rsplit("/", 1)[-1]
    label = strings.text("notebook_download", page_language(page))
    button = (
        f'<a href="{name}" download class="md-content__button md-icon" title="{label}" '
        f'aria-label="{label}">{_DOWNLOAD_ICON}</a>'
    )
    article = '<article class="md-content__inner md-typeset">'
    return output.replace(article, article + button, 1)
