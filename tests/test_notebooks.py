"""docs/notebooks: one notebook per chapter and language, made from the rendered pages.

The notebooks are not run here: their code cells are the page's blocks, which
tests/test_code_blocks.py runs in an empty folder (so they run without this repository), and each
cell's output is the output the page shows under that block (docs/outputs/), which the same test
compares with a fresh run. `make notebooks ARGS=--execute` runs them in a kernel as well.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from helpers import ROOT, expand_includes, extract_blocks

from sitetools import make_notebooks, notebook_links, outputs

CHAPTERS = make_notebooks.chapters()
SHOWN = re.compile(
    r"<!--\s*pytest-codeblocks:expected-output\s*-->\s*\n\s*```text\s*\n\s*"
    r"--8<-- \"docs/outputs/([\w/]+)\.txt\""
)


def committed(name: str, lang: str):
    path = make_notebooks.FOLDER / f"{name}.{lang}.ipynb"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run make notebooks"
    return nbformat.read(path, as_version=4)


def sources(nb, cell_type: str) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == cell_type]


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def without_blank_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_every_chapter_with_code_has_notebooks():
    assert {"quantization", "pruning", "saving-index", "cpu-index", "torchmultimodal"} <= set(
        CHAPTERS
    )
    expected = {f"{name}.{lang}.ipynb" for name in CHAPTERS for lang in make_notebooks.LANGS}
    assert {p.name for p in make_notebooks.FOLDER.glob("*.ipynb")} == expected


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_are_current(name):
    """The committed notebooks are what the pages, snippets and recorded outputs make now (else:
    make notebooks, which `make outputs` runs too)."""
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


@pytest.mark.parametrize("lang", make_notebooks.LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_code_cells_are_the_blocks_the_tests_run(name, lang):
    """The code cells, in order, hold the code of the page's Python blocks as rendered, the code
    that tests/test_code_blocks.py runs in an empty folder (a continuation is run joined with the
    block before it; in the notebook it is the next cell)."""
    page = make_notebooks.page_in(CHAPTERS[name], lang)
    blocks = [
        b
        for b in extract_blocks(expand_includes(page.read_text(encoding="utf-8")))
        if (b.syntax or "").split(" ")[0] in ("python", "py")
    ]
    cells = sources(committed(name, lang), "code")
    assert without_blank_lines("\n".join(cells)) == without_blank_lines(
        "\n".join(b.code for b in blocks)
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebooks_run_anywhere(name):
    """Nothing in a notebook points at this repository: no chdir, no sys.path, no __file__, and
    no include left unexpanded."""
    for lang in make_notebooks.LANGS:
        nb = committed(name, lang)
        for cell in nb.cells:
            assert "--8<--" not in cell.source and make_notebooks.OUTPUT_MARK not in cell.source
            if cell.cell_type == "code":
                assert not re.search(r"os\.chdir|sys\.path|__file__", cell.source), cell.source[
                    :200
                ]


def test_a_section_include_becomes_the_code_of_that_section():
    """The quantization page shows accuracy.py in two sections: each is a code cell holding that
    section's code, without the section markers."""
    cells = sources(committed("quantization", "en"), "code")
    for section in ("setup", "paths"):
        expected = expand_includes(f'--8<-- "snippets/quantization/accuracy.py:{section}"')
        assert expected.strip("\n") in cells
    assert not any("[start:" in c or "[end:" in c for c in cells)


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_cells_show_the_pages_recorded_outputs(name):
    """Each code cell whose block the page shows an output under has exactly that file's text as
    its output; the others have none, so nothing in a notebook is unrecorded."""
    nb = committed(name, "zh")
    shown = SHOWN.findall(CHAPTERS[name].read_text(encoding="utf-8"))
    with_output = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert len(with_output) == len(shown) > 0
    for cell, output in zip(with_output, shown, strict=True):
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
    assert "仿射量化的数学" in text and "{ #" not in text and "<!--" not in text
    assert "](" not in text.replace("](http", ""), "links to other pages become plain text"
    assert "`pip install " in text and " torch==" in text, "the first cell says what to install"


def test_a_block_nested_in_a_list_becomes_a_cell():
    """mixed-precision shows channels_last.py inside a list item: it is a code cell too."""
    cells = sources(committed("mixed-precision", "en"), "code")
    expected = expand_includes('--8<-- "snippets/mixed_precision/channels_last.py"')
    assert expected.strip("\n") in cells


def test_an_output_not_recorded_is_a_usage_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(make_notebooks, "OUTPUTS", tmp_path)  # no recorded output at all
    before = (make_notebooks.FOLDER / "quantization.zh.ipynb").read_bytes()
    assert make_notebooks.main(["quantization"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: quantization.zh.md shows docs/outputs/quantization/affine.txt")
    assert "not recorded" in err
    assert (make_notebooks.FOLDER / "quantization.zh.ipynb").read_bytes() == before


def test_bad_chapter_name_is_a_usage_error(capsys):
    assert make_notebooks.main(["no-such-chapter"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: no chapter matches no-such-chapter; chapters: ")
        and "quantization" in err
    )


COLAB = (
    "https://colab.research.google.com/github/someone/dl-perf/blob/main/docs/"
    "notebooks/quantization.zh.ipynb"
)


@pytest.mark.parametrize(
    ("repo_url", "colab"),
    [
        ("https://github.com/someone/dl-perf/", COLAB),  # mkdocs.yml's repo_url ends in /
        ("https://github.com/someone/dl-perf.git", COLAB),
        ("https://gitlab.com/someone/dl-perf", None),
        (None, None),
    ],
)
def test_colab_opens_the_committed_notebook_of_a_github_repository(repo_url, colab):
    url = notebook_links.colab_url(repo_url, "notebooks/quantization.zh.ipynb")
    assert url == colab
    html = notebook_links.render_notebook_links("zh", "../x.ipynb", url)
    assert html.count('class="md-button"') == (2 if colab else 1)
    assert "下载笔记本" in html and ("在 Colab 中打开" in html) == bool(colab)
    assert "<script" not in html


@pytest.mark.parametrize("lang", make_notebooks.LANGS)
def test_every_chapter_links_its_notebook(built_site, lang):
    """Under the title of every chapter: the notebook's download link, a file of the site that is
    the committed notebook, and a link to its rendered page, which loads no MathJax and not
    JupyterLab's inlined theme."""
    prefix = built_site / ("en" if lang == "en" else "")
    for name, page in CHAPTERS.items():
        source = page.relative_to(make_notebooks.DOCS).as_posix()[: -len(".zh.md")]
        chapter = prefix / re.sub(r"(^|/)index$", "", source) / "index.html"
        html = chapter.read_text(encoding="utf-8")
        links = re.search(r'<p class="notebook-links">(.*?)</p>', html)
        assert links, f"{chapter} has no notebook links"
        download = re.search(r'<a class="md-button" href="([^"]+)" download>', links.group(1))
        assert download, links.group(1)
        notebook = (chapter.parent / download.group(1)).resolve()
        assert (
            notebook.read_bytes() == (make_notebooks.FOLDER / f"{name}.{lang}.ipynb").read_bytes()
        )
        view = re.search(r'<a href="([^"]+)">', links.group(1))
        assert view, links.group(1)
        nb_html = (chapter.parent / view.group(1) / "index.html").read_text(encoding="utf-8")
        assert "jp-CodeCell" in nb_html, "rendered by mkdocs-jupyter, not copied"
        scripts = re.findall(r"<script[^>]*>.*?</script>", nb_html, re.S)
        assert not [
            s for s in scripts if 'src=""' in s or "mathjax" in s.lower() or "https://" in s
        ], name
        assert len(nb_html.encode()) < 400_000, f"{name}: {len(nb_html.encode())} bytes of HTML"


def heading_ids_and_contents(html: str) -> tuple[list[str], list[str]]:
    """The ids of a notebook page's headings and the targets of its table of contents."""
    ids = re.findall(r'<h[1-6] id="([^"]*)">', html)
    nav = re.search(r'<nav class="md-nav md-nav--secondary"(.*?)</nav>', html, re.S)
    return ids, re.findall(r'href="#([^"]*)"', nav.group(1)) if nav else []


@pytest.mark.parametrize("lang", make_notebooks.LANGS)
def test_every_contents_link_of_a_notebook_lands_on_its_heading(built_site, lang):
    """mkdocs-jupyter slugs a heading's id and its contents link apart (Chinese text, a code span,
    repeats); the build gives each heading its contents link's id (sitetools/hooks/notebook_pages).
    A heading with a code span is among them: the quantization chapter's torch._int_mm heading."""
    folder = built_site / ("en" if lang == "en" else "") / "notebooks"
    code_headings = 0
    for page in sorted(folder.glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        ids, contents = heading_ids_and_contents(html)
        assert contents and len(set(ids)) == len(ids) and "" not in ids, page
        missing = [c for c in contents if c not in ids]
        assert not missing, f"{page.relative_to(built_site)}: contents links {missing} land nowhere"
        code_headings += len(re.findall(r"<h[1-6] id=\"[^\"]*\">[^<]*<code>", html))
    assert code_headings, "no notebook heading holds a code span, so none tests the slug mismatch"


def test_a_notebook_whose_contents_do_not_match_its_headings_fails_the_build():
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from sitetools.hooks import notebook_pages

    link = SimpleNamespace(id="a", children=[])
    page = SimpleNamespace(toc=[link], file=SimpleNamespace(src_uri="notebooks/x.zh.ipynb"))
    two = (
        '<h2 id="">甲<a class="anchor-link" href="#">¶</a></h2>'
        '<h2 id="">乙<a class="anchor-link" href="#">¶</a></h2>'
    )
    with pytest.raises(PluginError, match=r"notebooks/x\.zh\.ipynb: 2 headings but 1 table"):
        notebook_pages._heading_ids_from_toc(two, page)
    one = notebook_pages._heading_ids_from_toc(two[: two.index("</h2>") + 5], page)
    assert one == '<h2 id="a">甲<a class="anchor-link" href="#a">¶</a></h2>'
