"""docs/notebooks: one executed notebook per chapter and language, generated from the pages and snippets."""

from __future__ import annotations

import copy
import json

import make_notebooks
from sitetools import make_outputs
import nbformat
import pytest

from helpers import ROOT

CHAPTERS = make_notebooks.chapters()


def committed(name: str, lang: str):
    path = make_notebooks.FOLDER / f"{name}.{lang}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run make notebooks"
    return nbformat.read(path, as_version=4)


def sources(nb, cell_type: str) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == cell_type]


def printed(nb) -> list[str]:
    return ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            for c in nb.cells if c.cell_type == "code"]


def test_every_chapter_with_code_has_notebooks():
    assert {"quantization", "pruning", "saving-index", "cpu-index", "torchmultimodal"} <= set(CHAPTERS)
    expected = {f"{name}.{lang}.ipynb" for name in CHAPTERS for lang in make_notebooks.LANGS}
    assert {p.name for p in make_notebooks.FOLDER.glob("*.ipynb")} == expected


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_are_current_and_fully_executed(name):
    """Same cells as the page and snippets make now (else: make notebooks); every code cell ran and printed."""
    for lang in make_notebooks.LANGS:
        nb, fresh = committed(name, lang), make_notebooks.notebook_for(CHAPTERS[name], lang)
        assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in fresh.cells], (
            f"{name}.{lang}.ipynb is stale: run make notebooks")
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.execution_count, f"{name}.{lang}: a cell was not executed"
                assert not [o for o in cell.outputs if o.output_type == "error"]
        assert all(printed(nb)), f"{name}.{lang}: every code cell prints something when it runs"
    zh, en = committed(name, "zh"), committed(name, "en")
    assert sources(zh, "code") == sources(en, "code"), "both languages run the same code"
    assert sources(zh, "markdown") != sources(en, "markdown"), "markdown cells are in each page's language"


def test_markdown_cells_keep_the_prose_and_drop_site_markup():
    nb = make_notebooks.notebook_for(CHAPTERS["quantization"], "zh")
    text = "\n".join(sources(nb, "markdown"))
    assert "仿射量化的数学" in text and "{ #" not in text and "<!--" not in text and "--8<--" not in text
    assert "](" not in text.replace("](http", ""), "links to other pages become plain text"


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_executes_and_prints_what_is_committed(name):
    """Run the chapter's notebook in a fresh kernel (both languages share the code, checked above); any error
    fails. On the machine the outputs were recorded on, the printed output must match them too."""
    nb = copy.deepcopy(committed(name, "zh"))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    make_notebooks.execute(nb)
    recorded = json.loads(make_outputs.HOST_FILE.read_text())
    if recorded == make_outputs.host_fingerprint():
        assert printed(nb) == printed(committed(name, "zh")), f"{name}: outputs differ: run make notebooks"


def test_bad_chapter_name_is_a_usage_error(capsys):
    assert make_notebooks.main(["no-such-chapter"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no chapter matches no-such-chapter; chapters: ") and "quantization" in err


@pytest.mark.parametrize("lang", make_notebooks.LANGS)
def test_built_notebook_pages_link_download_and_stay_light(built_site, lang):
    """Every chapter links to its notebook page; that page renders the notebook (mkdocs-jupyter), offers the
    .ipynb for download, loads no MathJax and not JupyterLab's inlined theme."""
    import re
    prefix = built_site / ("en" if lang == "en" else "")
    for name, page in CHAPTERS.items():
        chapter = prefix / page.relative_to(make_notebooks.DOCS).as_posix()[: -len(".zh.md")] / "index.html"
        if chapter.parent.name == "index":
            chapter = chapter.parent.parent / "index.html"
        html = chapter.read_text(encoding="utf-8")
        link = re.search(r'<p class="block-note">[^<]*<a href="([^"]+)">', html)
        assert link, f"{chapter} has no link to its notebook"
        notebook_page = (chapter.parent / link.group(1) / "index.html").resolve()
        assert notebook_page == (prefix / "notebooks" / name / "index.html").resolve()
        nb_html = notebook_page.read_text(encoding="utf-8")
        assert "jp-CodeCell" in nb_html, "rendered by mkdocs-jupyter, not copied"
        download = re.search(r'<a href="([^"]+\.ipynb)" download', nb_html)
        assert download and (notebook_page.parent / download.group(1)).is_file()
        assert f".{lang}.ipynb" in download.group(1)
        scripts = re.findall(r"<script[^>]*>.*?</script>", nb_html, re.S)
        assert not [s for s in scripts if 'src=""' in s or "mathjax" in s.lower() or "https://" in s], name
        assert len(nb_html.encode()) < 400_000, f"{name}: {len(nb_html.encode())} bytes of HTML"
