"""The built site: strict build, links and anchors, no third-party requests, hreflang, search,
tooltips, edit links, outputs, navigation."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import (  # SITE_URL: the session build's site_url, under SITE_PATH
    REPO_URL,
    SITE_PATH,
    SITE_URL,
    build_log,
    mkdocs_build,
)
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
        url = SITE_PATH + url[len(SITE_URL) :]
    parts = urlsplit(url)
    if parts.path.startswith("/"):  # an absolute path must lie under the site's path
        if not parts.path.startswith(SITE_PATH):
            return site / "outside-the-site-path", unquote(parts.fragment)
        target = (site / unquote(parts.path)[len(SITE_PATH) :]).resolve()
    else:
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_internal_links_and_anchors_resolve(built_site):
    cache: dict[Path, Page] = {}

    def parsed(path: Path) -> Page:  # each page parsed once (setdefault would parse every time)
        if path not in cache:
            cache[path] = Page(path)
        return cache[path]

    broken = []
    for path in html_files(built_site):
        page = parsed(path)
        for url in page.links + page.requests:
            if not url or is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            target, fragment = resolve(built_site, path, url)
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)} -> {url} (no such file)")
            elif fragment and target.suffix == ".html":
                ids = parsed(target).ids
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
        targets = {lang: resolve(built_site, path, href)[0] for href, lang in switcher}
        assert targets[other_lang] == other.resolve()


@pytest.mark.parametrize("page", zh_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_html_has_language_and_page_description(built_site, page):
    for path, lang in zip(built_pair(built_site, page), ("zh", "en"), strict=True):
        text = path.read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in text, f"{path}: wrong html lang"
        description = Page(path).meta.get("description", "")
        assert description == front_matter(page if lang == "zh" else twin(page))["description"], (
            f"{path}: the meta description is not the page's own"
        )


def search_index(site: Path, lang: str) -> dict:
    folder = site / ("en" if lang == "en" else "")
    return json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_each_language_has_its_own_search_index_and_chinese_is_segmented(built_site):
    """zh pages are searched in search/search_index.json, en pages in en/search/..., each holding
    only its own language's pages (locations relative to that language's root)."""
    zh, en = search_index(built_site, "zh"), search_index(built_site, "en")
    for index in (zh, en):
        assert set(index["config"]["lang"]) == {"zh", "en"}
    assert not [d["location"] for d in zh["docs"] if d["location"].startswith("en/")]
    assert not [d["location"] for d in en["docs"] if d["location"].startswith("en/")]
    quant_zh = [d for d in zh["docs"] if d["location"] == "quantization/"]
    quant_en = [d for d in en["docs"] if d["location"] == "quantization/"]
    assert quant_zh and quant_en, "the quantization chapter is missing from a search index"
    assert "量化" in quant_zh[0]["title"] and "Quantization" in quant_en[0]["title"]
    assert not [d for d in en["docs"] if re.search(r"[\u4e00-\u9fff]{4}", d["title"])], (
        "the English index holds Chinese pages"
    )
    # jieba splits Chinese into words separated by zero-width spaces, so 量化 is its own token
    tokens = set(re.split(zh["config"]["separator"], re.sub(r"<[^>]+>", " ", quant_zh[0]["text"])))
    assert "量化" in tokens, "Chinese text is not segmented: searching 量化 would not find the page"


def test_glossary_tooltips_on_pages(built_site):
    zh = (built_site / "quantization" / "index.html").read_text(encoding="utf-8")
    en = (built_site / "en" / "quantization" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="[^"]*缩放因子和零点近似浮点张量[^"]*">量化</abbr>', zh)
    assert re.search(
        r'<abbr title="Approximating floating-point tensors[^"]*">[Qq]uantization</abbr>', en
    )


def test_tables_are_wrapped_by_the_build_and_styled_with_materials_rules(built_site):
    """The build wraps Markdown tables the way Material's script would (so the script leaves them
    alone) and site.css carries Material's class-less-table rules for them: a Material upgrade that
    changes those rules fails here instead of leaving our tables styled unlike the theme's."""
    wrapped = re.compile(
        r'<div class="md-typeset__scrollwrap( doc-cards|)"><div class="md-typeset__table">'
        r'<table class="doc-table\1">'
    )
    for page in ("quantization/index.html", "en/quantization/index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        assert "<table>" not in text, (
            f"{page}: a class-less table is left for Material's script to move"
        )
        assert len(wrapped.findall(text)) == text.count('<table class="doc-table') >= 3, page
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
        r'<p class="tested-with">本页代码的测试环境：Python 3\.\d+ · '
        rf"[^<]*torch {re.escape(torch_pin)}",
        text,
    )


def test_continuation_and_skip_markers_are_visible():
    """The hook turns the test markers into a note the reader can see."""
    from types import SimpleNamespace

    from sitetools import mkdocs_hooks

    page = SimpleNamespace(file=SimpleNamespace(locale="en", src_uri="x.en.md"), url="en/x/")
    md = (
        "<!-- pytest-codeblocks:cont -->\n\n"
        '<!-- pytest.mark.skip(reason="needs an NVIDIA GPU") -->\n'
    )
    out = mkdocs_hooks.on_page_markdown(md, page, SimpleNamespace(repo_url=None), None)
    assert "Continues the previous block" in out and "needs an NVIDIA GPU" in out


# ---- bad input: the build fails and names the page ------------------------------------------


@pytest.fixture
def broken_project(tmp_path):
    """A copy of docs/ and mkdocs.yml in tmp_path, to break on purpose. The notebooks are left
    out (converting them is most of a build's time; the build stops at the broken page anyway)."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("notebooks"))
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
    page = broken_project / "docs" / "fusion.zh.md"  # zh is built first: the build stops sooner
    page.write_text(
        page.read_text(encoding="utf-8") + f"\n```python\n{include}\n```\n"
        if "8<" in include
        else page.read_text(encoding="utf-8") + f"\n{include}\n",
        encoding="utf-8",
    )
    result = mkdocs_build(broken_project / "site", broken_project / "mkdocs.yml")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "fusion.zh.md" in output and message in output, output[-2000:]


# ---- reader experience: edit links, outputs, glossary, navigation, base URL (issue 18) -----------

EDIT_LINK = re.compile(
    r'<a href="([^"]+)" title="[^"]*" class="md-content__button md-icon" rel="edit">'
)


def built_page(site: Path, source: Path) -> Path:
    """The built HTML of docs/<page>.<lang>.md or docs/notebooks/<name>.<lang>.ipynb."""
    rel = source.relative_to(DOCS).as_posix()
    lang = "en" if ".en." in source.name else "zh"
    stem = re.sub(r"\.(zh|en)\.(md|ipynb)$", "", rel)
    stem = stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem + "/"
    return site / ("en/" if lang == "en" else "") / stem / "index.html"


def notebooks() -> list[Path]:
    return sorted((DOCS / "notebooks").glob("*.ipynb"))


def chapter_of(notebook: Path) -> Path:
    """docs/notebooks/cpu-onednn.zh.ipynb -> docs/cpu/onednn.zh.md (the page it is made from)."""
    name, lang = re.fullmatch(r"(.+)\.(zh|en)\.ipynb", notebook.name).groups()
    pages = [p for p in DOCS.rglob(f"*.{lang}.md") if "notebooks" not in p.parts]
    found = [p for p in pages if p.relative_to(DOCS).as_posix()[:-6].replace("/", "-") == name]
    assert len(found) == 1, f"{notebook.name}: no single chapter page ({found})"
    return found[0]


@pytest.mark.parametrize(
    "source",
    [*zh_pages(), *(twin(p) for p in zh_pages()), *notebooks()],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_every_page_has_an_edit_link_to_its_own_source_and_the_licence(built_site, source):
    """With REPO_URL set (the test build sets it, as the Pages workflow does), each page links to
    its own source file on the repository's main branch; a notebook, made from its chapter, links
    to the chapter's source. The footer carries the licence line in the page's language."""
    from sitetools import strings

    text = built_page(built_site, source).read_text(encoding="utf-8")
    lang = "en" if ".en." in source.name else "zh"
    footer = text[text.index('<div class="md-copyright">') :]
    assert footer.count(strings.text("licence", lang)) == 1, f"{source.name}: no licence line"
    links = EDIT_LINK.findall(text)
    expected = chapter_of(source) if source.suffix == ".ipynb" else source
    assert links == [f"{REPO_URL}/edit/main/docs/{expected.relative_to(DOCS).as_posix()}"], (
        f"{source.name}: edit links {links}"
    )
    assert (DOCS / links[0].split("/edit/main/docs/")[1]).is_file()
    assert f'<a href="{REPO_URL}/" title=' in text, "no link to the repository in the header"
    assert 'data-md-component="source"' not in text, (
        "Material's script would fetch stars and forks from api.github.com on every page"
    )


def test_the_repository_url_comes_from_repo_url_then_the_git_remote(monkeypatch):
    from mkdocs.exceptions import PluginError

    from sitetools.hooks import repository

    monkeypatch.setenv("REPO_URL", "https://github.com/owner/name.git/")
    assert repository.repository_url() == "https://github.com/owner/name"
    monkeypatch.setenv("REPO_URL", "not a url")
    with pytest.raises(PluginError, match="REPO_URL"):
        repository.repository_url()
    monkeypatch.delenv("REPO_URL")
    monkeypatch.setattr(repository, "_origin", lambda: "git@github.com:owner/name.git")
    assert repository.repository_url() == "https://github.com/owner/name"
    monkeypatch.setattr(repository, "_origin", lambda: "https://user:token@example.org/o/r.git")
    assert repository.repository_url() == "https://example.org/o/r", "credentials leaked"
    monkeypatch.setattr(repository, "_origin", lambda: None)
    assert repository.repository_url() is None  # no links rather than a made-up URL


def test_the_licence_file_states_both_licences():
    """The footer's licence line (checked on every page above) and LICENSE say the same."""
    from sitetools import strings

    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text and "CC BY 4.0" in text, "LICENSE names both licences"
    for lang in strings.LANGS:
        line = strings.text("licence", lang)
        assert "CC BY 4.0" in line and "MIT" in line and "LICENSE" in line, line


OUTPUT_MARKER = re.compile(r"^<!--\s*pytest-codeblocks:expected-output\s*-->", re.M)


@pytest.mark.parametrize(
    "source", [*zh_pages(), *(twin(p) for p in zh_pages())], ids=lambda p: p.name
)
def test_output_blocks_are_labelled_and_have_no_copy_button(built_site, source):
    from sitetools import strings

    lang = "en" if ".en." in source.name else "zh"
    shown = len(OUTPUT_MARKER.findall(source.read_text(encoding="utf-8")))
    text = built_page(built_site, source).read_text(encoding="utf-8")
    label = strings.text("output_label", lang)
    blocks = re.findall(
        r'<div class="([^"]*\boutput\b[^"]*)"><span class="filename">([^<]*)<', text
    )
    assert len(blocks) == shown, f"{source.name}: {shown} outputs, {len(blocks)} labelled blocks"
    for classes, title in blocks:
        assert "no-copy" in classes.split() and title == label, (classes, title)


def test_definition_lists_render(built_site):
    for page in ("introduction/index.html", "en/introduction/index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        assert text.count("<dt>") >= 4, f"{page}: the definition list is not rendered"
        assert not re.search(r"<p>:\s", text), f"{page}: a raw ': definition' line"


def test_glossary_terms_match_whole_words_only():
    from sitetools.hooks import tooltips

    tooltips.register_longer_words()
    assert tooltips.find_whole_term("向量化的内核", "量化") is None
    assert tooltips.find_whole_term("反量化之后", "量化") is None
    assert tooltips.find_whole_term("先量化权重", "量化").span() == (1, 3)
    assert tooltips.find_whole_term("kernels and a kernel", "kernel").span() == (14, 20)
    assert tooltips.find_whole_term("bfloat16_weights", "bfloat16") is None
    assert tooltips.find_whole_term("mixed\nprecision", "mixed precision") is not None
    html = tooltips.add_tooltips("<p>向量化的代码</p><p>先把数据量化。</p>", "zh")
    assert re.search(r"<p>向量化的代码</p><p>先把数据<abbr title=\"[^\"]+\">量化</abbr>", html), (
        html
    )


def test_no_tooltip_inside_a_longer_word_on_any_page(built_site):
    from sitetools import site_data

    longer = [w for e in site_data.glossary() for w in e.get("zh_longer_words", ())]
    bad = []
    for path in html_files(built_site):
        text = path.read_text(encoding="utf-8")
        for before, term, after in re.findall(
            r"(.{0,3})<abbr title=\"[^\"]*\">([^<]+)</abbr>(.{0,3})", text
        ):
            if re.match(r"[A-Za-z0-9_]", after[:1]) and re.match(r"[A-Za-z0-9_]", term[-1]):
                bad.append(f"{path.relative_to(built_site)}: {term}{after}")
            if re.search(r"[A-Za-z0-9_]$", before) and re.match(r"[A-Za-z0-9_]", term):
                bad.append(f"{path.relative_to(built_site)}: {before}{term}")
            if any(w in before + term + after and term in w for w in longer):
                bad.append(f"{path.relative_to(built_site)}: {before}{term}{after}")
    assert not bad, "tooltips inside longer words:\n" + "\n".join(bad[:20])


def test_instruction_set_table_in_chinese_and_in_reading_order(built_site):
    from sitetools import strings

    for lang, page in (("zh", "cpu/index.html"), ("en", "en/cpu/index.html")):
        text = (built_site / page).read_text(encoding="utf-8")
        table = text[
            text.index('<div class="isa-table"') : text.index("</table>", text.index('class="isa"'))
        ]
        heads = re.findall(r"<th [^>]*>([^<]*)</th>", table)
        assert heads[:2] == [strings.text("isa_extension", lang), strings.text("isa_dl", lang)]
        options = re.findall(r"<option value=\"[^\"]*\">([^<]*)</option>", table)
        assert strings.table()["isa_families"]["Other"][lang] in options
        notes = re.findall(r'<td class="isa-flags"[^>]*>.*?<abbr title="([^"]*)">\*</abbr>', table)
        assert notes, f"{page}: no flag notes"
        if lang == "zh":
            assert "Other" not in options and "All" not in options
            assert all(re.search(r"[\u4e00-\u9fff]", note) for note in notes), notes
        assert 'class="isa-date"' in table and "data-missing" in table
    css = (DOCS / "assets" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"table\.isa \.isa-date[^{]*\{[^}]*white-space: nowrap", css)


def test_notebooks_are_built_but_not_in_the_nav_nor_prev_next(built_site):
    log = build_log(built_site)
    assert "not included in the" not in log, "pages missing from the nav are reported"
    for notebook in notebooks():
        assert built_page(built_site, notebook).is_file(), f"{notebook.name} was not built"
    for path in html_files(built_site):
        text = path.read_text(encoding="utf-8")
        nav = text[
            text.find('<nav class="md-nav md-nav--primary"') : text.find(
                "</nav>", text.find("md-nav--primary")
            )
        ]
        footer = re.findall(r'<a href="([^"]*)" class="md-footer__link', text)
        rel = path.relative_to(built_site).as_posix()
        assert "notebooks/" not in nav, f"{rel}: the nav links a notebook"
        assert not [f for f in footer if "notebooks/" in f], f"{rel}: prev/next leads to a notebook"


@pytest.mark.parametrize("notebook", notebooks(), ids=lambda p: p.name)
def test_language_switcher_of_a_notebook_leads_to_its_twin(built_site, notebook):
    lang = "en" if ".en." in notebook.name else "zh"
    other_lang = "zh" if lang == "en" else "en"
    other = notebook.with_name(notebook.name.replace(f".{lang}.", f".{other_lang}."))
    path = built_page(built_site, notebook)
    text = path.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" class="md-select__link"', text)
    switcher = {code: href for href, code in links}
    assert not switcher[other_lang].startswith("/"), "a root-relative link breaks under a sub-path"
    assert (
        resolve(built_site, path, switcher[other_lang])[0]
        == built_page(built_site, other).resolve()
    )
    assert (
        resolve(built_site, path, Page(path).alternates[other_lang])[0]
        == built_page(built_site, other).resolve()
    )


def test_each_language_has_a_404_page_whose_switcher_leads_to_the_other(built_site):
    from sitetools import strings

    for lang, page, other in (("zh", "404.html", "en/404.html"), ("en", "en/404.html", "404.html")):
        text = (built_site / page).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in text
        assert strings.text("licence", lang) in text, f"{page}: no licence line in the footer"
        other_lang = "en" if lang == "zh" else "zh"
        link = re.search(
            rf'<a href="([^"]+)" hreflang="{other_lang}" class="md-select__link"', text
        )
        # a host serves the 404 page at any depth: its links are absolute paths under the site path
        assert link and link[1] == SITE_PATH + other, link and link[1]


def test_canonical_alternate_and_sitemap_urls_use_the_site_url(built_site):
    problems = []
    for path in html_files(built_site):
        rel = path.relative_to(built_site).as_posix()
        if rel.endswith("404.html"):
            continue
        url = SITE_URL + rel[: -len("index.html")]
        page = Page(path)
        canonical = re.search(
            r'<link rel="canonical" href="([^"]+)">', path.read_text(encoding="utf-8")
        )
        if not canonical or canonical[1] != url:
            problems.append(f"{rel}: canonical {canonical and canonical[1]}")
        for href in page.alternates.values():
            if not href.startswith(SITE_URL) or not resolve(built_site, path, href)[0].is_file():
                problems.append(f"{rel}: hreflang {href}")
    for sitemap in built_site.rglob("sitemap.xml"):
        for loc in re.findall(
            r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", sitemap.read_text(encoding="utf-8")
        ):
            href = loc[0] or loc[1]
            if href.startswith("http://www.") or "sitemaps.org" in href or "w3.org" in href:
                continue
            if not href.startswith(SITE_URL) or not resolve(built_site, sitemap, href)[0].is_file():
                problems.append(f"{sitemap.relative_to(built_site)}: {href}")
    assert not problems, "\n".join(problems[:20])


def test_make_serve_serves_the_default_site_url():
    """`make serve` builds with mkdocs.yml's default site_url; canonical and hreflang URLs are right
    only if that is the address the Makefile serves on."""
    from urllib.parse import urlsplit

    from sitetools.hooks.pages import DEFAULT_SITE_URL

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    default = re.search(r'site_url: !ENV \[SITE_URL, "([^"]+)"\]', config)[1]
    assert default == DEFAULT_SITE_URL
    served = re.search(r"mkdocs serve --dev-addr (\S+)", (ROOT / "Makefile").read_text())[1]
    assert urlsplit(default).netloc == served and urlsplit(default).path == "/"


def test_every_page_has_the_light_dark_toggle_and_not_materials_palette_component(built_site):
    """The build hands the header's palette form from Material's component (two whole-page
    restyles on every load) to docs/assets/palette.js; a Material whose markup no longer matches
    sitetools/hooks/theme_html.PALETTE_FORM would quietly mount its component again."""
    from sitetools.hooks import theme_html

    # palette.js names the browser's colour scheme as Material's styles do: slate dark
    styles = "".join(p.read_text() for p in (built_site / "assets").rglob("*.css"))
    assert "[data-md-color-scheme=slate]{color-scheme:dark" in styles
    assert "[data-md-color-scheme=default]{color-scheme:light" in styles
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "md-header__option" not in text:
            continue  # a redirect or a figure's page: no header
        assert 'data-md-component="palette"' not in text, page.relative_to(built_site)
        assert text.count(theme_html.PALETTE_TOGGLE) == 1, page.relative_to(built_site)
        assert re.search(r'<script src="[^"]*assets/palette\.js"', text), page.relative_to(
            built_site
        )
