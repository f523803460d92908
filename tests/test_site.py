"""The built site: strict build, links and anchors, no third-party requests, hreflang, search, tooltips."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SITE_URL, mkdocs_build  # SITE_URL: the session build's site_url
from helpers import DOCS, ROOT, front_matter, twin, zh_pages


class Page(HTMLParser):
    """Collects ids, links, request-making URLs and head metadata of one HTML file."""

    REQUESTS = {
        ("script", "src"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("input", "src"),
    }
    REQUEST_LINKS = {
        "stylesheet",
        "preload",
        "prefetch",
        "icon",
        "manifest",
        "modulepreload",
        "preconnect",
        "dns-prefetch",
    }

    def __init__(self, path: Path):
        super().__init__()
        self.ids, self.links, self.requests, self.alternates, self.meta = set(), [], [], {}, {}
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        for t, attr in self.REQUESTS:
            if tag == t and a.get(attr):
                self.requests.append(a[attr])
        if tag == "link":
            rels = set((a.get("rel") or "").split())
            if rels & self.REQUEST_LINKS:
                self.requests.append(a.get("href", ""))
            if "alternate" in rels and a.get("hreflang"):
                self.alternates[a["hreflang"]] = a["href"]
        if tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content", "")
        if a.get("style") and "url(" in a["style"]:
            self.requests.extend(re.findall(r"url\(['\"]?([^'\")]+)", a["style"]))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def is_external(url: str) -> bool:
    return not url.startswith(SITE_URL) and bool(urlsplit(url).scheme or url.startswith("//"))


def resolve(site: Path, page: Path, url: str) -> tuple[Path, str]:
    if url.startswith(SITE_URL):  # absolute links to this site (hreflang alternates)
        url = "/" + url[len(SITE_URL) :]
    parts = urlsplit(url)
    if parts.path.startswith("/"):  # absolute: the test build's site_url is the server root
        target = (site / unquote(parts.path).lstrip("/")).resolve()
    else:
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_internal_links_and_anchors_resolve(built_site):
    cache: dict[Path, Page] = {}
    broken = []
    for path in html_files(built_site):
        page = cache.setdefault(path, Page(path))
        for url in page.links + page.requests:
            if not url or is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            target, fragment = resolve(built_site, path, url)
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)} -> {url} (no such file)")
            elif fragment and target.suffix == ".html":
                ids = cache.setdefault(target, Page(target)).ids
                if fragment not in ids:
                    broken.append(
                        f"{path.relative_to(built_site)} -> {url} (no anchor #{fragment})"
                    )
    assert not broken, "broken links:\n" + "\n".join(broken[:30])


def test_no_third_party_requests(built_site):
    """Viewing a page must not contact any other host (no Google Fonts, no CDN)."""
    offenders = []
    for path in html_files(built_site):
        for url in Page(path).requests:
            if is_external(url):
                offenders.append(f"{path.relative_to(built_site)}: {url}")
    for css in built_site.rglob("*.css"):
        for url in re.findall(
            r"""(?:@import\s+|url\()\s*['"]?((?:https?:)?//[^'")\s]+)""",
            css.read_text(errors="ignore"),
        ):
            offenders.append(f"{css.relative_to(built_site)}: {url}")
    for js in built_site.rglob("*.js"):
        text = js.read_text(errors="ignore")
        # Material's bundle fetches mermaid from unpkg.com only when a page holds a mermaid diagram
        text = text.replace("https://unpkg.com/mermaid", "")
        # ...and a ResizeObserver polyfill only in browsers that lack ResizeObserver (none current)
        text = text.replace("https://unpkg.com/resize-observer-polyfill", "")
        for url in re.findall(
            r"""fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net|unpkg\.com|cdnjs""",
            text,
        ):
            offenders.append(f"{js.relative_to(built_site)}: {url}")
    mermaid = [
        str(p.relative_to(built_site))
        for p in html_files(built_site)
        if 'class="mermaid"' in p.read_text()
    ]
    assert not mermaid, f"mermaid diagrams load a script from unpkg.com: {mermaid}"
    assert not offenders, "third-party requests:\n" + "\n".join(offenders[:30])


def built_pair(site: Path, page: Path) -> tuple[Path, Path]:
    """The built zh and en HTML files of a zh source page."""
    stem = str(page.relative_to(DOCS))[: -len(".zh.md")]
    stem = stem[: -len("index")] if stem.endswith("index") else stem + "/"
    return site / stem / "index.html", site / "en" / stem / "index.html"


@pytest.mark.parametrize("page", zh_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_hreflang_and_language_switcher_point_at_the_twin(built_site, page):
    zh, en = built_pair(built_site, page)
    assert zh.exists() and en.exists(), f"built pages missing for {page.name}: {zh}, {en}"
    for path, other, other_lang in ((zh, en, "en"), (en, zh, "zh")):
        parsed = Page(path)
        assert set(parsed.alternates) == {"zh", "en"}, (
            f"{path}: hreflang alternates {parsed.alternates}"
        )
        assert all(href.startswith(SITE_URL) for href in parsed.alternates.values()), (
            "hreflang URLs must be absolute"
        )
        target, _ = resolve(built_site, path, parsed.alternates[other_lang])
        assert target == other.resolve(), (
            f"{path}: hreflang={other_lang} points to {target}, not {other}"
        )
        target, _ = resolve(
            built_site, path, parsed.alternates["en" if other_lang == "zh" else "zh"]
        )
        assert target == path.resolve(), f"{path}: its own hreflang does not point to itself"
        switcher = re.findall(
            r'<a href="([^"]+)" hreflang="(\w+)" class="md-select__link"', path.read_text()
        )
        assert (
            dict((lang, resolve(built_site, path, href)[0]) for href, lang in switcher)[other_lang]
            == other.resolve()
        )


@pytest.mark.parametrize("page", zh_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_html_has_language_and_page_description(built_site, page):
    for path, lang in zip(built_pair(built_site, page), ("zh", "en")):
        text = path.read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in text, f"{path}: wrong html lang"
        description = Page(path).meta.get("description", "")
        assert description == front_matter(page if lang == "zh" else twin(page))["description"], (
            f"{path}: the meta description is not the page's own"
        )


def test_search_index_segments_chinese_and_holds_both_languages(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"zh", "en"}
    docs = index["docs"]
    quant_zh = [d for d in docs if d["location"] == "quantization/"]
    quant_en = [d for d in docs if d["location"] == "en/quantization/"]
    assert quant_zh and quant_en, "the quantization chapter is missing from the search index"
    # jieba splits Chinese into words separated by zero-width spaces, so 量化 is its own token
    tokens = set(
        re.split(index["config"]["separator"], re.sub(r"<[^>]+>", " ", quant_zh[0]["text"]))
    )
    assert "量化" in tokens, "Chinese text is not segmented: searching 量化 would not find the page"


def test_glossary_tooltips_on_pages(built_site):
    zh = (built_site / "quantization" / "index.html").read_text(encoding="utf-8")
    en = (built_site / "en" / "quantization" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="[^"]*缩放因子和零点近似浮点张量[^"]*">量化</abbr>', zh)
    assert re.search(
        r'<abbr title="Approximating floating-point tensors[^"]*">[Qq]uantization</abbr>', en
    )


def test_tables_are_wrapped_by_the_build_and_styled_with_materials_rules(built_site):
    """The build wraps Markdown tables the way Material's script would (so the script leaves them alone) and
    site.css carries Material's class-less-table rules for them: a Material upgrade that changes those rules
    fails here instead of leaving our tables styled differently from the theme."""
    wrapped = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="doc-table">'
    for page in ("quantization/index.html", "en/quantization/index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        assert "<table>" not in text, (
            f"{page}: a class-less table is left for Material's script to move"
        )
        assert text.count(wrapped) == text.count('<table class="doc-table">') >= 3, page
    material = next((built_site / "assets" / "stylesheets").glob("main.*.min.css")).read_text(
        encoding="utf-8"
    )
    ours = (DOCS / "assets" / "site.css").read_text(encoding="utf-8")
    rules = re.findall(r"(@media print\{)?([^{}]*table:not\(\[class\]\)[^{}]*\{[^}]*\})", material)
    assert len(rules) >= 10, "Material's table rules were not found: has its stylesheet changed?"
    for media, rule in rules:
        mirrored = rule.replace("table:not([class])", "table.doc-table")
        mirrored = "@media print{" + mirrored + "}" if media else mirrored
        assert mirrored in ours, (
            f"docs/assets/site.css lacks Material's table rule, mirrored: {mirrored}"
        )


def test_glossary_page_lists_every_term(built_site):
    from sitetools import site_data

    zh = (built_site / "glossary" / "index.html").read_text(encoding="utf-8")
    en = (built_site / "en" / "glossary" / "index.html").read_text(encoding="utf-8")
    for entry in site_data.glossary():
        assert entry["def_zh"].split("：")[0][:10] in zh and entry["def_en"][:20].replace(
            "'", "&#x27;"
        ) in en.replace("'", "&#x27;")


def test_pages_with_code_show_the_versions_they_were_tested_with(built_site):
    text = (built_site / "saving" / "index.html").read_text(encoding="utf-8")
    from sitetools import site_data

    torch_pin = site_data.locked_versions()["torch"]
    assert re.search(
        rf'<p class="tested-with">本页代码的测试环境：Python 3\.\d+ · [^<]*torch {re.escape(torch_pin)}',
        text,
    )


def test_continuation_and_skip_markers_are_visible():
    """The hook turns the test markers into a note the reader can see."""
    from types import SimpleNamespace

    from sitetools import mkdocs_hooks

    page = SimpleNamespace(file=SimpleNamespace(locale="en", src_uri="x.en.md"), url="en/x/")
    md = '<!-- pytest-codeblocks:cont -->\n\n<!-- pytest.mark.skip(reason="needs an NVIDIA GPU") -->\n'
    out = mkdocs_hooks.on_page_markdown(md, page, None, None)
    assert "Continues the previous block" in out and "needs an NVIDIA GPU" in out


# ---- bad input: the build fails and names the page ------------------------------------------


@pytest.fixture
def broken_project(tmp_path):
    """A copy of docs/ and mkdocs.yml in tmp_path, to break on purpose."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: docs", f"docs_dir: {docs}")
    config = config.replace(
        "- sitetools/mkdocs_hooks.py", f"- {ROOT / 'sitetools' / 'mkdocs_hooks.py'}"
    )
    for watched in ("snippets", "sitetools", "requirements.txt"):
        config = config.replace(f"  - {watched}\n", f"  - {ROOT / watched}\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ('--8<-- "snippets/no_such_area/missing.py"', "snippets/no_such_area/missing.py"),
        ('--8<-- "snippets/cpu/gemm.py:no_such_section"', "no_such_section"),
        ("<!-- render:no_such_table -->", "render:no_such_table"),
    ],
)
def test_bad_include_fails_build_naming_page_and_file(broken_project, include, message):
    page = broken_project / "docs" / "fusion.en.md"
    page.write_text(
        page.read_text(encoding="utf-8") + f"\n```python\n{include}\n```\n"
        if "8<" in include
        else page.read_text(encoding="utf-8") + f"\n{include}\n",
        encoding="utf-8",
    )
    result = mkdocs_build(broken_project / "site", broken_project / "mkdocs.yml")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "fusion.en.md" in output and message in output, output[-2000:]
