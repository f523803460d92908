"""MkDocs hooks: render data into pages, mark code blocks, add glossary tooltips.

Each page is written once per language (page.zh.md / page.en.md). Pages never hold
hand-made copies of data: they carry a placeholder such as ``<!-- render:glossary -->``
and this hook replaces it, at build time, with content made from the data files in
the page's language. An unknown placeholder fails the build and names the page.
"""

from __future__ import annotations

import html
import re

from mkdocs.plugins import event_priority

from sitetools import records, site_data

RENDER = re.compile(r"<!--\s*render:([\w-]+)(?:\s+([^>]*?))?\s*-->")
CONTINUES = re.compile(r"^<!--\s*pytest-codeblocks:cont\s*-->\s*$", re.M)
SKIP = re.compile(r'^<!--\s*pytest\.mark\.skip\(reason="([^"]+)"\)\s*-->\s*$', re.M)

NOTE = {
    "continues": {
        "zh": "接上一段代码：请在同一个 Python 会话中先运行上一段。",
        "en": "Continues the previous block: run that one first, in the same Python session.",
    },
    "skipped": {
        "zh": "本段代码未在本站的构建机上运行：",
        "en": "This block is not run on the machine that builds the site: ",
    },
    "notebook": {
        "zh": "以 Jupyter 笔记本运行本章：",
        "en": "Run this chapter as a Jupyter notebook: ",
    },
    "notebook_link": {"zh": "在线查看并下载 .ipynb", "en": "view it and download the .ipynb"},
    "download": {"zh": "下载此笔记本（.ipynb）", "en": "Download this notebook (.ipynb)"},
    "tested": {
        "zh": "本页代码的测试环境",
        "en": "Code on this page tested with",
    },
}


@event_priority(-150)  # after mkdocs-static-i18n's on_files (-100), which rebuilds every File
def on_files(files, config):
    """Let mkdocs-jupyter render the notebooks of both languages. mkdocs-static-i18n rebuilds the file list
    after mkdocs-jupyter has marked docs/notebooks/*.<lang>.ipynb as pages, so mark them again here, keeping
    the per-language URLs that i18n gave them (mkdocs-static-i18n issue #198)."""
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
            files.remove(file)
            files.append(page)
    return files


def on_config(config):
    # `make serve` rebuilds in the same process: forget data files read by the previous build
    for module in (site_data, records):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    return config


def page_language(page) -> str:
    """The page's language: 'zh' or 'en' (set by mkdocs-static-i18n)."""
    locale = getattr(page.file, "locale", None)
    if locale in ("zh", "en"):
        return locale
    return "en" if re.search(r"\.en\.(md|ipynb)$", page.file.src_uri) else "zh"


def _render(match: re.Match, lang: str, page) -> str:
    name, args = match.group(1), (match.group(2) or "").split()
    renderer = site_data.renderers().get(name)
    if renderer is None:
        known = ", ".join(sorted(site_data.renderers()))
        raise ValueError(
            f"page {page.file.src_uri}: unknown placeholder 'render:{name}' (known: {known})"
        )
    try:
        return renderer(site_data.Context.for_url(lang, page.url), *args)
    except Exception as exc:  # name the page, keep the cause
        raise ValueError(f"page {page.file.src_uri}: render:{name} failed: {exc}") from exc


H1 = re.compile(r"^# .*$", re.M)


def notebook_url(page, lang: str, files) -> str | None:
    """URL of the notebook made from this page (docs/notebooks/<chapter>.<lang>.ipynb), relative to the page."""
    import posixpath

    if files is None:
        return None
    name = re.sub(r"\.(zh|en)\.md$", "", page.file.src_uri).replace("/", "-")
    file = files.get_file_from_path(f"notebooks/{name}.{lang}.ipynb")
    if file is None:
        return None
    return posixpath.relpath(file.url or ".", page.url or ".") + "/"


def on_page_markdown(markdown: str, page, config, files) -> str:
    lang = page_language(page)
    url = None if page.file.src_uri.endswith(".ipynb") else notebook_url(page, lang, files)
    if url:  # under the title: where to run this chapter
        markdown = H1.sub(
            lambda m: (
                f'{m.group(0)}\n\n<p class="block-note">{NOTE["notebook"][lang]}'
                f'<a href="{url}">{NOTE["notebook_link"][lang]}</a></p>\n'
            ),
            markdown,
            count=1,
        )
    markdown = RENDER.sub(lambda m: _render(m, lang, page), markdown)
    # Make the test markers visible: a reader must know a block continues the one before.
    markdown = CONTINUES.sub(
        lambda m: f'{m.group(0)}\n<p class="block-note">{NOTE["continues"][lang]}</p>\n', markdown
    )
    markdown = SKIP.sub(
        lambda m: (
            f'{m.group(0)}\n<p class="block-note">{NOTE["skipped"][lang]}'
            f"{html.escape(m.group(1))}</p>\n"
        ),
        markdown,
    )
    snippets = site_data.included_snippets(markdown)
    if snippets:
        versions = site_data.tested_versions(snippets)
        line = " · ".join(f"{name} {version}" for name, version in versions)
        colon = "：" if lang == "zh" else ": "
        markdown += f'\n\n<p class="tested-with">{NOTE["tested"][lang]}{colon}{line}</p>\n'
    return markdown


# ---- glossary tooltips ---------------------------------------------------------------

_NO_TOOLTIP_INSIDE = {
    "code",
    "pre",
    "a",
    "abbr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "script",
    "style",
    "svg",
    "button",
    "label",
    "title",
    "th",
    "nav",
}
_TAG = re.compile(r"(<[^>]+>)")
_TAG_NAME = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)")


def add_tooltips(content: str, lang: str) -> str:
    """Wrap the first occurrence of each glossary term in running text in <abbr title>."""
    pending = {entry[lang]: entry[f"def_{lang}"] for entry in site_data.glossary()}
    # longest terms first, so 混合精度训练 wins over 混合精度
    order = sorted(pending, key=len, reverse=True)
    patterns = {
        t: re.compile(
            re.escape(t) if lang == "zh" else rf"\b{re.escape(t)}\b", re.I if lang == "en" else 0
        )
        for t in order
    }
    depth = 0
    parts = _TAG.split(content)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            m = _TAG_NAME.match(part)
            if m and m.group(2).lower() in _NO_TOOLTIP_INSIDE and not part.endswith("/>"):
                depth += -1 if m.group(1) else 1
            continue
        if depth > 0 or not part.strip():
            continue
        for term in order:
            if term not in pending:
                continue
            found = patterns[term].search(part)
            if found:
                title = html.escape(pending.pop(term), quote=True)
                part = f'{part[: found.start()]}<abbr title="{title}">{found.group(0)}</abbr>{part[found.end() :]}'
                # the abbr is now inside this text: stop matching in the rest of this segment
                break
        parts[i] = part
    return "".join(parts)


# Material's script wraps every class-less table in two scroll containers when the page loads. Moving a
# table out of the document and back makes the browser restyle and lay out much of the page again: on the
# quantization chapter (five tables), Lighthouse's phone profile measured a total blocking time of about
# 300 ms with it and 180 ms without, and a performance score of about 0.90 against 0.96. The build writes
# the same wrappers instead; the class keeps Material's script off them, and docs/assets/site.css gives
# `table.doc-table` Material's table rules.
_PLAIN_TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # Markdown tables; never nested


def wrap_tables(content: str) -> str:
    return _PLAIN_TABLE.sub(
        r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        r'<table class="doc-table">\1</table></div></div>',
        content,
    )


def on_page_content(content: str, page, config, files) -> str:
    lang = page_language(page)
    if page.file.src_uri.endswith(".ipynb"):
        # a notebook repeats its chapter: keep it out of the search index (the index every page downloads)
        page.meta["search"] = {"exclude": True}
    content = wrap_tables(content)
    if page.file.src_uri.startswith("glossary."):
        return content  # the glossary page itself shows the definitions
    return add_tooltips(content, lang)


# ---- accessibility and SEO fixes to the theme's HTML ---------------------------------------

SEARCH_LABEL = {"zh": "搜索", "en": "Search"}
_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]+)" hreflang="([\w-]+)">')


# Pygments wraps every name, whitespace, operator and punctuation token in a span of its own. Material paints
# names and whitespace in the plain code colour (or not at all), and operators and punctuation in a grey
# close to it. Dropping these spans leaves operators and punctuation in the plain code colour and removes
# about 40% of a code-heavy page's DOM elements (2,180 to about 1,250 on the quantization chapter), which is
# style-and-layout work on every load and every restyle the theme's script forces.
_PLAIN_TOKEN = re.compile(r'<span class="(?:n|w|o|p)">([^<]*)</span>')


def on_post_page(output: str, page, config) -> str:
    """hreflang alternates as absolute URLs (search engines and Lighthouse require them) and a name for
    the search dialog (role="dialog" needs one for screen readers)."""
    from urllib.parse import urljoin

    page_url = urljoin(config.site_url or "http://127.0.0.1:8000/", page.url)
    output = _ALTERNATE.sub(
        lambda m: (
            f'<link rel="alternate" href="{urljoin(page_url, m.group(1))}" hreflang="{m.group(2)}">'
        ),
        output,
    )
    output = _PLAIN_TOKEN.sub(r"\1", output)
    if page.file.src_uri.endswith(".ipynb"):
        output = _notebook_page(output, page)
    label = SEARCH_LABEL[page_language(page)]
    return output.replace(
        'data-md-component="search" role="dialog"',
        f'data-md-component="search" role="dialog" aria-label="{label}"',
        1,
    )


_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*<!-- MathJax configuration -->\s*'
    r'<script type="text/x-mathjax-config">.*?</script>',
    re.S,
)
_MERMAID = re.compile(
    r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>\s*(?:<!-- End of mermaid configuration -->)?',
    re.S,
)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_DOWNLOAD_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M5 20h14v-2H5zM19 9h-4V3H9v6H5l7 7z"/>'
    "</svg>"
)


_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)<a class="anchor-link" href="#[^"]*">', re.S)


def _dedupe_heading_ids(output: str) -> str:
    """mkdocs-jupyter slugs headings to ASCII: a Chinese heading gets id="", and two headings can share an id,
    while its table of contents numbers repeats (#_1, #_2 ...; #bf16, #bf16_1). Give the headings those ids,
    so every link of the table of contents lands."""
    seen: dict[str, int] = {}

    def unique(m: re.Match) -> str:
        base = m.group(2)
        seen[base] = seen.get(base, 0) + 1
        anchor = (
            f"{base}_{seen[base] - 1}" if base and seen[base] > 1 else (base or f"_{seen[base]}")
        )
        return f'<h{m.group(1)} id="{anchor}">{m.group(3)}<a class="anchor-link" href="#{anchor}">'

    return _HEADING.sub(unique, output)


def _notebook_page(output: str, page) -> str:
    """mkdocs-jupyter pages: no MathJax (the notebooks hold no maths, and its empty script src would fetch the
    page again), no Mermaid loader (it imports from a CDN; the notebooks hold no diagrams), no inlined 560 KB
    JupyterLab theme (mkdocs-jupyter's own small stylesheet stays; Material styles the rest), and a download
    button for the .ipynb (Material 9 no longer shows page.nb_url)."""
    output = _MATHJAX.sub("", output).replace("<!-- End of mathjax configuration -->", "")
    output = _MERMAID.sub("", output)
    output = _dedupe_heading_ids(output)
    output = _STYLE.sub(lambda m: "" if len(m.group(1)) > 100_000 else m.group(0), output)
    name = page.file.src_uri.rsplit("/", 1)[-1]
    label = NOTE["download"][page_language(page)]
    button = (
        f'<a href="{name}" download class="md-content__button md-icon" title="{label}" aria-label="{label}">'
        f"{_DOWNLOAD_ICON}</a>"
    )
    return output.replace(
        '<article class="md-content__inner md-typeset">',
        '<article class="md-content__inner md-typeset">' + button,
        1,
    )


# ---- per-page sitemaps for Material's language selector ---------------------------------


def on_post_build(config) -> None:
    """Material fetches `sitemap.xml` under every <link rel="alternate"> of a page, to map the page to its
    twin. mkdocs-static-i18n points those links at the twin page itself (correct for hreflang), so write a
    small sitemap beside every page: its own URL and its alternates. Without it, every page view logs two
    404 errors in the browser console."""
    from pathlib import Path
    from urllib.parse import urljoin

    site, base = Path(config.site_dir), config.site_url or "http://127.0.0.1:8000/"
    for page in site.rglob("index.html"):
        if page.parent == site:
            continue  # the site root keeps MkDocs' full sitemap.xml
        html_text = page.read_text(encoding="utf-8")
        links = _ALTERNATE.findall(html_text[: html_text.find("</head>")])
        if not links:
            continue
        url = urljoin(base, page.parent.relative_to(site).as_posix() + "/")
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{html.escape(urljoin(url, href))}"/>'
            for href, lang in links
        )
        (page.parent / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            f"<url><loc>{html.escape(url)}</loc>{alternates}</url></urlset>\n",
            encoding="utf-8",
        )
