"""Generate one Jupyter notebook per chapter and language: docs/notebooks/<chapter>.<lang>.ipynb.

A notebook is made from its page: the page's headings and prose become markdown cells (in the page's
language) and every snippet the page includes becomes a code cell holding that file's text, so there is
no second copy of the code to keep in step. A code cell's output is the output the page shows under that
snippet, the file docs/outputs/<area>/<name>.txt that `make outputs` recorded and the code-block tests
compare on every machine: the notebooks need no run of their own, and show exactly what the pages show.

    python -m sitetools.make_notebooks                 # every chapter
    python -m sitetools.make_notebooks quantization    # chapters whose name contains 'quantization'
    python -m sitetools.make_notebooks --execute       # also run each in a fresh kernel, from the repository
                                                       # root, and check it prints the recorded outputs
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from sitetools.paths import DOCS, OUTPUTS, ROOT

FOLDER = DOCS / "notebooks"
LANGS = ("zh", "en")

FENCE = re.compile(r'^```python title="(snippets/[\w/]+\.py)"\n--8<-- "\1"\n```\n', re.M)
OUTPUT_BLOCK = re.compile(
    r'^(<!-- pytest-codeblocks:expected-output -->\n)?```text\n--8<-- "docs/outputs/([\w/]+)\.txt"\n```\n',
    re.M,
)
SKIP_MARK = re.compile(r'^<!--\s*pytest\.mark\.skip\(reason="([^"]+)"\)\s*-->\n', re.M)
RENDER = re.compile(r"^<!--\s*render:[^>]*-->\n?", re.M)
COMMENT = re.compile(r"^<!--.*?-->\n?", re.M | re.S)
HEADING_ID = re.compile(r"[ \t]*\{[ \t]*#[\w-]+[ \t]*\}[ \t]*$", re.M)
LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")
ADMONITION = re.compile(r'^!!! \w+(?: "([^"]*)")?\n((?:    .*\n|\n)*)', re.M)

TEXT = {
    "intro": {
        "zh": (
            "本笔记本由网页 `{page}` 自动生成：代码单元格就是该页引用的 `snippets/` 文件，输出就是网页上显示的输出——"
            "由 `make outputs` 在本站构建机上运行这些文件记录下来，测试会在每台机器上重新运行并比对（库打印的警告已略去）。"
            "请在仓库中运行（任何 make 目标都会装好所需的环境，例如 `make build`），"
            "第一个单元格会切换到仓库根目录。图表和基准测试表格见网页版。"
        ),
        "en": (
            "This notebook is generated from the page `{page}`: its code cells are the `snippets/` files the page "
            "includes, and its outputs are the ones the page shows, recorded by `make outputs` running those files "
            "on the machine that builds the site and checked by the tests on every machine (library warnings left "
            "out). Run it inside the repository (installed by any make target, e.g. `make build`); the first cell "
            "moves to the repository root. Plots and benchmark tables are on the web page."
        ),
    },
    "skipped": {
        "zh": "**本段代码在本站的构建机上只会说明原因并退出：**{reason}",
        "en": "**On the machine that builds the site this code only says why it stops:** {reason}",
    },
}
SETUP = """# The snippets run from the repository root (python snippets/<area>/<file>.py): go there.
import os
from pathlib import Path

root = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "snippets").is_dir())
os.chdir(root)
print(f"running from the repository root: {Path('snippets').is_dir()}")"""


class UsageError(Exception):
    pass


def chapters() -> dict[str, Path]:
    """chapter name (e.g. 'saving-onnx') -> zh page, for every page that includes a snippet."""
    found = {}
    for page in sorted(DOCS.rglob("*.zh.md")):
        if FENCE.search(page.read_text(encoding="utf-8")):
            rel = page.relative_to(DOCS).as_posix()[: -len(".zh.md")]
            found[rel.replace("/", "-")] = page
    return found


def markdown_text(text: str) -> str:
    """Page Markdown -> notebook Markdown: no attribute lists, local links as plain text, notes as quotes."""
    text = HEADING_ID.sub("", text)
    text = LOCAL_LINK.sub(r"\1", text)
    text = ADMONITION.sub(
        lambda m: (
            "> **"
            + (m.group(1) or "")
            + "**\n>\n"
            + "\n".join("> " + line[4:] for line in m.group(2).rstrip("\n").splitlines())
            + "\n\n"
        ),
        text,
    )
    text = RENDER.sub("", text)
    text = COMMENT.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def show_outputs(prose: str, cell) -> str:
    """Give cell (the code cell before this prose) the outputs the page shows in the prose, as recorded in
    docs/outputs; return the prose without them."""
    import nbformat.v4 as nbf

    for shown in OUTPUT_BLOCK.finditer(prose):
        if cell is None:
            raise ValueError(f"docs/outputs/{shown.group(2)}.txt is shown before any snippet")
        cell.metadata["shown_output"] = f"docs/outputs/{shown.group(2)}.txt"
        cell.outputs = [
            nbf.new_output(
                "stream",
                name="stdout",
                text=(OUTPUTS / f"{shown.group(2)}.txt").read_text(encoding="utf-8"),
            )
        ]
    return OUTPUT_BLOCK.sub("", prose)


def cells_for(page: Path, lang: str) -> list:
    import nbformat.v4 as nbf

    text = page.with_name(page.name.replace(".zh.md", f".{lang}.md")).read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    rel = page.relative_to(DOCS).as_posix().replace(".zh.md", f".{lang}.md")
    cells = []
    pos, code = 0, None
    for match in FENCE.finditer(text):
        before = show_outputs(text[pos : match.start()], code)
        skip = None
        marks = list(SKIP_MARK.finditer(before))
        if marks:
            skip = marks[-1].group(1)
            before = SKIP_MARK.sub("", before)
        prose = markdown_text(before)
        if not cells:  # the title, then how this notebook was made
            title, _, rest = prose.partition("\n")
            cells += [
                nbf.new_markdown_cell(title + "\n\n" + TEXT["intro"][lang].format(page=rel)),
                nbf.new_code_cell(SETUP),
            ]
            prose = rest.strip()
        if skip:
            prose += "\n\n" + TEXT["skipped"][lang].format(reason=skip)
        if prose.strip():
            cells.append(nbf.new_markdown_cell(prose.strip()))
        source = (ROOT / match.group(1)).read_text(encoding="utf-8").rstrip("\n")
        if "sys.argv" in source:  # a notebook's sys.argv holds the kernel's arguments
            source = (
                f'import sys; sys.argv = ["{match.group(1)}"]  # added by make_notebooks: no arguments\n'
                + source
            )
        if "__file__" in source:  # a notebook has no __file__: point it at the snippet this cell is
            source = (
                f'__file__ = "{match.group(1)}"  # added by make_notebooks: the cell is this file\n'
                + source
            )
        code = nbf.new_code_cell(f"# {match.group(1)}\n" + source)
        cells.append(code)
        pos = match.end()
    rest = markdown_text(show_outputs(text[pos:], code))
    if rest:
        cells.append(nbf.new_markdown_cell(rest))
    return cells


def notebook_for(page: Path, lang: str):
    import nbformat.v4 as nbf

    nb = nbf.new_notebook(cells=cells_for(page, lang))
    for number, cell in enumerate(
        nb.cells
    ):  # stable ids: a notebook made again from the same page is the same file
        cell.id = f"cell-{number}"
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return nb


def execute(nb, timeout: int = 900) -> list[str]:
    """Run a copy of nb in a fresh kernel of this interpreter, from the repository root (stop on the first
    error), and compare what each cell with a shown output prints with that output, as the code-block tests
    do. Returns the problems found (empty: the notebook prints what the page shows)."""
    import copy

    from nbclient import NotebookClient

    from sitetools import make_outputs, outputs

    os.environ["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    )
    os.environ.update(
        {k: v for k, v in make_outputs.snippet_env().items() if k.startswith("PYTHON")}
    )
    run = copy.deepcopy(nb)
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(
        run, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    kinds, problems = outputs.load_kinds(), []
    for cell in run.cells:
        shown = cell.metadata.get("shown_output")
        if cell.cell_type == "code" and shown:
            printed = "".join(
                o.get("text", "")
                for o in cell.outputs
                if o.output_type == "stream" and o.name == "stdout"
            )
            name = Path(shown).relative_to("docs/outputs").with_suffix("").as_posix()
            problem = outputs.mismatch(
                (OUTPUTS / f"{name}.txt").read_text(encoding="utf-8"), printed, kinds[name]
            )
            if problem:
                problems.append(problem)
    return problems


def write(nb, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
    ) as tmp:
        nbformat.write(nb, tmp)
    os.replace(tmp.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only chapters whose name contains one of these")
    parser.add_argument(
        "--execute",
        action="store_true",
        help="also run each notebook and check it prints the recorded outputs",
    )
    args = parser.parse_args(argv)
    try:
        every = chapters()
        chosen = {
            n: p for n, p in every.items() if not args.names or any(s in n for s in args.names)
        }
        if not chosen:
            raise UsageError(
                f"no chapter matches {' '.join(args.names)}; chapters: {', '.join(every)}"
            )
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, page in chosen.items():
        for lang in LANGS:
            nb = notebook_for(page, lang)
            if args.execute and lang == LANGS[0]:  # both languages hold the same code
                try:
                    problems = execute(nb)
                except Exception as exc:  # nbclient's CellExecutionError carries the traceback
                    print(f"error: {name}.{lang}.ipynb failed to run:\n{exc}", file=sys.stderr)
                    return 1
                if problems:
                    print(
                        f"error: {name}.{lang}.ipynb does not print what the page shows:\n"
                        + "\n".join(problems),
                        file=sys.stderr,
                    )
                    return 1
            write(nb, FOLDER / f"{name}.{lang}.ipynb")
            print(f"wrote {(FOLDER / f'{name}.{lang}.ipynb').relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
