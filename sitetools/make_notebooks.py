"""Generate and execute one Jupyter notebook per chapter and language: docs/notebooks/<chapter>.<lang>.ipynb.

A notebook is made from its page: the page's headings and prose become markdown cells (in the page's
language) and every snippet the page includes becomes a code cell holding that file's text, so there is
no second copy of the code to keep in step. The notebook is then executed here, from the repository root
as the snippets expect, and saved with its outputs.

    python scripts/make_notebooks.py                 # every chapter, generated and executed
    python scripts/make_notebooks.py quantization    # chapters whose name contains 'quantization'
    python scripts/make_notebooks.py --no-execute    # generate only (outputs left empty)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from sitetools.paths import DOCS, ROOT
FOLDER = DOCS / "notebooks"
LANGS = ("zh", "en")

FENCE = re.compile(r'^```python title="(snippets/[\w/]+\.py)"\n--8<-- "\1"\n```\n', re.M)
OUTPUT_BLOCK = re.compile(r'^(<!-- pytest-codeblocks:expected-output -->\n)?```text\n--8<-- "docs/outputs/[\w/]+\.txt"\n```\n', re.M)
SKIP_MARK = re.compile(r'^<!--\s*pytest\.mark\.skip\(reason="([^"]+)"\)\s*-->\n', re.M)
RENDER = re.compile(r"^<!--\s*render:[^>]*-->\n?", re.M)
COMMENT = re.compile(r"^<!--.*?-->\n?", re.M | re.S)
HEADING_ID = re.compile(r"[ \t]*\{[ \t]*#[\w-]+[ \t]*\}[ \t]*$", re.M)
LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")
ADMONITION = re.compile(r'^!!! \w+(?: "([^"]*)")?\n((?:    .*\n|\n)*)', re.M)

TEXT = {
    "intro": {
        "zh": ("本笔记本由网页 `{page}` 自动生成：代码单元格就是该页引用的 `snippets/` 文件，输出是在本站构建机上执行的真实结果"
               "（库打印的警告已略去）。请在仓库中运行（任何 make 目标都会装好所需的环境，例如 `make build`），"
               "第一个单元格会切换到仓库根目录。图表和基准测试表格见网页版。"),
        "en": ("This notebook is generated from the page `{page}`: its code cells are the `snippets/` files the page "
               "includes, and its outputs are real results executed on the machine that builds the site (library "
               "warnings left out). Run it inside the repository (installed by any make target, e.g. `make build`); "
               "the first cell moves to the repository root. Plots and benchmark tables are on the web page."),
    },
    "skipped": {"zh": "**本段代码在本站的构建机上只会说明原因并退出：**{reason}",
                "en": "**On the machine that builds the site this code only says why it stops:** {reason}"},
}
SETUP = '''# The snippets run from the repository root (python snippets/<area>/<file>.py): go there.
import os
from pathlib import Path

root = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "snippets").is_dir())
os.chdir(root)
print(f"running from the repository root: {Path('snippets').is_dir()}")'''


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
    text = ADMONITION.sub(lambda m: "> **" + (m.group(1) or "") + "**\n>\n" + "\n".join(
        "> " + line[4:] for line in m.group(2).rstrip("\n").splitlines()) + "\n\n", text)
    text = RENDER.sub("", text)
    text = COMMENT.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def cells_for(page: Path, lang: str) -> list:
    import nbformat.v4 as nbf
    text = page.with_name(page.name.replace(".zh.md", f".{lang}.md")).read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    text = OUTPUT_BLOCK.sub("", text)
    rel = page.relative_to(DOCS).as_posix().replace(".zh.md", f".{lang}.md")
    cells = []
    pos = 0
    for match in FENCE.finditer(text):
        before = text[pos:match.start()]
        skip = None
        marks = list(SKIP_MARK.finditer(before))
        if marks:
            skip = marks[-1].group(1)
            before = SKIP_MARK.sub("", before)
        prose = markdown_text(before)
        if not cells:  # the title, then how this notebook was made
            title, _, rest = prose.partition("\n")
            cells += [nbf.new_markdown_cell(title + "\n\n" + TEXT["intro"][lang].format(page=rel)),
                      nbf.new_code_cell(SETUP)]
            prose = rest.strip()
        if skip:
            prose += "\n\n" + TEXT["skipped"][lang].format(reason=skip)
        if prose.strip():
            cells.append(nbf.new_markdown_cell(prose.strip()))
        source = (ROOT / match.group(1)).read_text(encoding="utf-8").rstrip("\n")
        if "sys.argv" in source:  # a notebook's sys.argv holds the kernel's arguments
            source = f'import sys; sys.argv = ["{match.group(1)}"]  # added by make_notebooks: no arguments\n' + source
        if "__file__" in source:  # a notebook has no __file__: point it at the snippet this cell is
            source = f'__file__ = "{match.group(1)}"  # added by make_notebooks: the cell is this file\n' + source
        cells.append(nbf.new_code_cell(f"# {match.group(1)}\n" + source))
        pos = match.end()
    rest = markdown_text(text[pos:])
    if rest:
        cells.append(nbf.new_markdown_cell(rest))
    return cells


def notebook_for(page: Path, lang: str):
    import nbformat.v4 as nbf
    nb = nbf.new_notebook(cells=cells_for(page, lang))
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    return nb


def execute(nb, timeout: int = 900):
    """Run every cell in a fresh kernel of this interpreter, from the repository root; stop on the first error."""
    from nbclient import NotebookClient
    env_path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    os.environ["PATH"] = env_path  # the kernel's `python` must be this environment's
    from sitetools import make_outputs
    os.environ.update({k: v for k, v in make_outputs.snippet_env().items() if k.startswith("PYTHON")})
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    for cell in nb.cells:  # keep what a reader needs: printed output, not library warnings or timestamps
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    return nb


def write(nb, path: Path) -> None:
    import nbformat
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as tmp:
        nbformat.write(nb, tmp)
    os.replace(tmp.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only chapters whose name contains one of these")
    parser.add_argument("--no-execute", action="store_true", help="generate without running (no outputs)")
    args = parser.parse_args(argv)
    try:
        every = chapters()
        chosen = {n: p for n, p in every.items() if not args.names or any(s in n for s in args.names)}
        if not chosen:
            raise UsageError(f"no chapter matches {' '.join(args.names)}; chapters: {', '.join(every)}")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, page in chosen.items():
        for lang in LANGS:
            nb = notebook_for(page, lang)
            if not args.no_execute:
                try:
                    execute(nb)
                except Exception as exc:  # nbclient's CellExecutionError carries the traceback
                    print(f"error: {name}.{lang}.ipynb failed; nothing written for it:\n{exc}", file=sys.stderr)
                    return 1
            write(nb, FOLDER / f"{name}.{lang}.ipynb")
            print(f"wrote {(FOLDER / f'{name}.{lang}.ipynb').relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
