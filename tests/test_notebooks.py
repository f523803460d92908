"""docs/notebooks: one notebook per chapter and language, generated from the pages, snippets and shown outputs.

The notebooks are not run here: a code cell holds a snippet file and, as its output, the output the page
shows under that snippet (docs/outputs/), which tests/test_code_blocks.py compares with a fresh run of the
same code on this machine. `make notebooks ARGS=--execute` runs them in a kernel as well.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from helpers import ROOT

from sitetools import make_notebooks, outputs

CHAPTERS = make_notebooks.chapters()


def committed(name: str, lang: str):
    path = make_notebooks.FOLDER / f"{name}.{lang}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run make notebooks"
    return nbformat.read(path, as_version=4)


def sources(nb, cell_type: str) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == cell_type]


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_every_chapter_with_code_has_notebooks():
    assert {"quantization", "pruning", "saving-index", "cpu-index", "torchmultimodal"} <= set(
        CHAPTERS
    )
    expected = {f"{name}.{lang}.ipynb" for name in CHAPTERS for lang in make_notebooks.LANGS}
    assert {p.name for p in make_notebooks.FOLDER.glob("*.ipynb")} == expected


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_are_current(name):
    """The committed notebooks are what the pages, snippets and recorded outputs make now (else: make notebooks,
    which `make outputs` runs too)."""
    for lang in make_notebooks.LANGS:
        nb, fresh = committed(name, lang), make_notebooks.notebook_for(CHAPTERS[name], lang)
        assert [(c.cell_type, c.source) for c in nb.cells] == [
            (c.cell_type, c.source) for c in fresh.cells
        ], f"{name}.{lang}.ipynb is stale: run make notebooks"
        assert [c.get("outputs") for c in nb.cells] == [c.get("outputs") for c in fresh.cells], (
            f"{name}.{lang}.ipynb shows other outputs than the page: run make notebooks"
        )
        assert nb == fresh, f"{name}.{lang}.ipynb differs in its metadata: run make notebooks"
    zh, en = committed(name, "zh"), committed(name, "en")
    assert sources(zh, "code") == sources(en, "code"), "both languages run the same code"
    assert sources(zh, "markdown") != sources(en, "markdown"), (
        "markdown cells are in each page's language"
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_cells_show_the_pages_recorded_outputs(name):
    """Each snippet cell whose page shows an output has exactly that file's text as its output; the others
    (the setup cell, snippets shown without output) have none, so nothing in a notebook is unrecorded."""
    nb = committed(name, "zh")
    shown = make_notebooks.OUTPUT_BLOCK.findall(CHAPTERS[name].read_text(encoding="utf-8"))
    with_output = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert len(with_output) == len(shown) > 0
    for cell, (_, output) in zip(with_output, shown):
        assert cell.metadata["shown_output"] == f"docs/outputs/{output}.txt"
        assert printed(cell) == (outputs.OUTPUTS / f"{output}.txt").read_text(encoding="utf-8")


def test_a_changed_output_makes_the_notebook_stale(monkeypatch, tmp_path):
    """A notebook is regenerated from docs/outputs: one changed word there shows up in its cell."""
    shutil.copytree(outputs.OUTPUTS, tmp_path / "outputs")
    affine = tmp_path / "outputs" / "quantization" / "affine.txt"
    affine.write_text(
        affine.read_text(encoding="utf-8").replace("zero point", "zero points", 1), encoding="utf-8"
    )
    monkeypatch.setattr(make_notebooks, "OUTPUTS", tmp_path / "outputs")
    fresh = make_notebooks.notebook_for(CHAPTERS["quantization"], "en")
    assert fresh != committed("quantization", "en")
    assert any("zero points" in printed(c) for c in fresh.cells if c.cell_type == "code")


def test_markdown_cells_keep_the_prose_and_drop_site_markup():
    nb = make_notebooks.notebook_for(CHAPTERS["quantization"], "zh")
    text = "\n".join(sources(nb, "markdown"))
    assert (
        "仿射量化的数学" in text
        and "{ #" not in text
        and "<!--" not in text
        and "--8<--" not in text
    )
    assert "](" not in text.replace("](http", ""), "links to other pages become plain text"


def test_bad_chapter_name_is_a_usage_error(capsys):
    assert make_notebooks.main(["no-such-chapter"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: no chapter matches no-such-chapter; chapters: ")
        and "quantization" in err
    )


@pytest.mark.parametrize("lang", make_notebooks.LANGS)
def test_built_notebook_pages_link_download_and_stay_light(built_site, lang):
    """Every chapter links to its notebook page; that page renders the notebook (mkdocs-jupyter), offers the
    .ipynb for download, loads no MathJax and not JupyterLab's inlined theme."""
    import re

    prefix = built_site / ("en" if lang == "en" else "")
    for name, page in CHAPTERS.items():
        chapter = (
            prefix
            / page.relative_to(make_notebooks.DOCS).as_posix()[: -len(".zh.md")]
            / "index.html"
        )
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
        assert not [
            s for s in scripts if 'src=""' in s or "mathjax" in s.lower() or "https://" in s
        ], name
        assert len(nb_html.encode()) < 400_000, f"{name}: {len(nb_html.encode())} bytes of HTML"
