"""Generate one Jupyter notebook per chapter and language: docs/notebooks/<chapter>.<lang>.ipynb.

A notebook is made from its page as the site renders it: the includes are expanded with
pymdownx.snippets (whole files and `file.py:section` alike), then markdown-it-py splits the page
into prose, which becomes markdown cells, and Python blocks, which become code cells holding
exactly the code the page shows. A code cell's output is the output the page shows under that
block, the file docs/outputs/<area>/<name>.txt that `make outputs` recorded and the code-block
tests compare on every machine. The code-block tests also run every block in an empty folder, so
the notebooks run anywhere the packages are installed: no chdir, nothing of this repository on
sys.path.

    python -m sitetools.make_notebooks                 # every chapter
    python -m sitetools.make_notebooks quantization    # chapters whose name contains 'quantization'
    python -m sitetools.make_notebooks --execute       # also run each in a fresh kernel, in an
                                                       # empty folder, and compare the outputs
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from sitetools import atomic, site_data, snippets, strings
from sitetools.errors import UsageError
from sitetools.paths import DOCS, OUTPUTS, ROOT

FOLDER = DOCS / "notebooks"
LANGS = strings.LANGS

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# a shown output: the include of a recorded output under the expected-output mark
SHOWN_OUTPUT = re.compile(
    r"""(<!--\s*pytest-codeblocks:expected-output\s*-->[ \t]*\n[ \t]*```text[ \t]*\n[ \t]*)"""
    r"""-{1,}8<-{1,}[ \t]+["']docs/outputs/([\w/]+)\.txt["']"""
)
OUTPUT_MARK = "@shown-output:"
ADMONITION = re.compile(
    r'^(?:!!!|\?\?\?\+?)[ \t]+\w+(?:[ \t]+"([^"]*)")?[ \t]*\n((?:(?:    .*)?\n)*)', re.M
)
SKIP_MARK = re.compile(r'^[ \t]*<!--\s*pytest\.mark\.skip\(reason="([^"]+)"\)\s*-->[ \t]*\n', re.M)
DOWNLOAD = re.compile(r"<!--\s*render:download\s+(\S+)\s*-->")  # names the file in a notebook
COMMENT = re.compile(r"^[ \t]*<!--.*?-->[ \t]*\n?|<!--.*?-->", re.M | re.S)
HEADING_ID = re.compile(r"[ \t]*\{[ \t]*#[\w-]+[ \t]*\}[ \t]*$", re.M)
LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")


def chapters() -> dict[str, Path]:
    """chapter name (e.g. 'saving-index') -> zh page, for every page that includes a snippet."""
    found = {}
    for page in sorted(DOCS.rglob("*.zh.md")):
        text = page.read_text(encoding="utf-8")
        if any(m.group("path").startswith("snippets/") for m in snippets.INCLUDE.finditer(text)):
            found[page.relative_to(DOCS).as_posix()[: -len(".zh.md")].replace("/", "-")] = page
    return found


def page_in(page: Path, lang: str) -> Path:
    return page.with_name(page.name.replace(".zh.md", f".{lang}.md"))


def unfold_admonitions(text: str) -> str:
    """`!!! note "Title"` / `??? note "Title"` and their indented body -> a bold title and the
    body, unindented: a notebook has no collapsible notes, and the code inside becomes a cell."""

    def unfold(m: re.Match) -> str:
        body = re.sub(r"^    ", "", m.group(2), flags=re.M)
        return (f"**{m.group(1)}**\n\n" if m.group(1) else "") + body

    return ADMONITION.sub(unfold, text)


def rendered(page: Path) -> str:
    """The page's Markdown as the site renders its code: front matter dropped, shown outputs
    replaced by a mark naming them, every snippet include expanded, notes unfolded."""
    text = FRONT_MATTER.sub("", page.read_text(encoding="utf-8"))
    text = SHOWN_OUTPUT.sub(lambda m: f"{m.group(1)}{OUTPUT_MARK}{m.group(2)}", text)
    return unfold_admonitions(snippets.expand_includes(text))


def prose(text: str, lang: str) -> str:
    """Page Markdown -> notebook Markdown: no heading ids, local links as plain text, no HTML
    comments; a block that does not run on the build machine is said so in words."""
    text = SKIP_MARK.sub(
        lambda m: strings.text("notebook_skipped", lang, reason=m.group(1)) + "\n\n", text
    )
    text = COMMENT.sub("", HEADING_ID.sub("", DOWNLOAD.sub(r"`\1`", text)))
    text = LOCAL_LINK.sub(r"\1", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def dedent_continuation(text: str, indent: int) -> str:
    """The lines after a block nested `indent` spaces deep (in a list item) that still belong to
    it, unindented up to the first line that does not; the rest as it is."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() and len(line) - len(line.lstrip(" ")) < indent:
            break
        lines[i] = line[indent:] if line.strip() else ""
    return "\n".join(lines)


def blocks(text: str) -> list[tuple[str, object]]:
    """The page split where it shows code: ('prose', markdown), ('code', (code, title)) and
    ('output', name of the docs/outputs file), in page order."""
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    parts, pos, indent = [], 0, 0
    for token in MarkdownIt("commonmark").parse(text):
        language = (token.info or "").split(" ")[0]
        if token.type != "fence" or language not in ("python", "py", "text") or not token.map:
            continue
        content = token.content.strip()
        if language == "text" and not content.startswith(OUTPUT_MARK):
            continue  # a text block the page shows as it is stays in the prose
        start, end = token.map
        parts.append(("prose", dedent_continuation("\n".join(lines[pos:start]), indent)))
        if language == "text":
            parts.append(("output", content[len(OUTPUT_MARK) :]))
        else:
            title = re.search(r'title="([^"]+)"', token.info)
            parts.append(("code", (token.content.rstrip("\n"), title and title.group(1))))
        pos, indent = end, len(lines[start]) - len(lines[start].lstrip(" "))
    parts.append(("prose", dedent_continuation("\n".join(lines[pos:]), indent)))
    return parts


def install_line(page: Path) -> str:
    """pip install with the pinned versions of what the page's code imports."""
    used = site_data.included_snippets(page.read_text(encoding="utf-8"))
    pins = [f"{name}=={version}" for name, version in site_data.tested_versions(used)[1:]]
    return "pip install " + " ".join(pins)


def cells_for(page: Path, lang: str) -> list:
    import nbformat.v4 as nbf

    source = page_in(page, lang)
    cells, code = [], None
    for kind, value in blocks(rendered(source)):
        if kind == "output":
            shown = OUTPUTS / f"{value}.txt"
            if code is None or not shown.is_file():
                problem = (
                    "under no code" if code is None else "but it is not recorded (make outputs)"
                )
                raise UsageError(f"{source.name} shows docs/outputs/{value}.txt {problem}")
            code.metadata["shown_output"] = f"docs/outputs/{value}.txt"
            text = shown.read_text(encoding="utf-8")
            code.outputs = [nbf.new_output("stream", name="stdout", text=text)]
        elif kind == "code":
            code = nbf.new_code_cell(value[0], metadata={"snippet": value[1]} if value[1] else {})
            cells.append(code)
        elif text := prose(value, lang):
            cells.append(nbf.new_markdown_cell(text))
    if not cells or not cells[0].source.startswith("# "):
        raise UsageError(f"{source.name} must start with its title (# ...)")
    title, _, rest = cells[0].source.partition("\n")
    intro = strings.text(
        "notebook_intro", lang, page=title.lstrip("# "), install=install_line(source)
    )
    cells[0:1] = [nbf.new_markdown_cell(f"{title}\n\n{intro}")] + (
        [nbf.new_markdown_cell(rest.strip())] if rest.strip() else []
    )
    return cells


def notebook_for(page: Path, lang: str):
    import nbformat.v4 as nbf

    nb = nbf.new_notebook(cells=cells_for(page, lang))
    for number, cell in enumerate(nb.cells):  # stable ids: the same page makes the same file
        cell.id = f"cell-{number}"
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return nb


def execute(nb, timeout: int = 900) -> list[str]:
    """Run a copy of nb in a fresh kernel of this interpreter, in an empty folder (stop on the
    first error), and compare what each cell with a shown output prints with that output, as the
    code-block tests do. Returns the problems found (empty: it prints what the page shows)."""
    import copy

    from nbclient import NotebookClient

    from sitetools import make_outputs, outputs

    env = make_outputs.snippet_env()
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    os.environ.update({k: v for k, v in env.items() if k.startswith("PYTHONW")})
    os.environ.pop("PYTHONPATH", None)
    run = copy.deepcopy(nb)
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    with tempfile.TemporaryDirectory(prefix="notebook-") as folder:
        NotebookClient(
            run, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": folder}}
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

    text = nbformat.writes(nb)
    atomic.write_text(path, text if text.endswith("\n") else text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only chapters whose name contains one of these")
    parser.add_argument(
        "--execute",
        action="store_true",
        help="also run each notebook and check it prints the recorded outputs",
    )
    args = parser.parse_args(argv)
    every = chapters()
    chosen = {n: p for n, p in every.items() if not args.names or any(s in n for s in args.names)}
    if not chosen:
        print(
            f"error: no chapter matches {' '.join(args.names)}; chapters: {', '.join(every)}",
            file=sys.stderr,
        )
        return 2
    for name, page in chosen.items():
        for lang in LANGS:
            try:
                nb = notebook_for(page, lang)
            except UsageError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
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
