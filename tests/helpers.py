"""Shared helpers for the tests: paths, running snippets, expanding page includes."""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import fork_runner  # tests/fork_runner.py
import yaml

from sitetools import make_outputs, snippets
from sitetools.paths import DOCS, ROOT

PYTHON_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})\s*(?:python|py)\b[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=ticks)[ \t]*$",
    re.M | re.S,
)


def zh_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.zh.md"))


def en_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.en.md"))


def all_pages() -> list[Path]:
    return sorted(zh_pages() + en_pages())


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def twin(page: Path) -> Path:
    if page.name.endswith(".zh.md"):
        return page.with_name(page.name[: -len(".zh.md")] + ".en.md")
    return page.with_name(page.name[: -len(".en.md")] + ".zh.md")


def front_matter(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}


def snippets_config(root: Path = ROOT) -> dict:
    """The pymdownx.snippets settings of mkdocs.yml, so tests expand includes as the build does
    (from a copy of the repository at root, if given)."""
    return snippets.snippets_config(root)


def expand_includes(text: str, root: Path = ROOT) -> str:
    """The page's Markdown with every --8<-- include expanded, exactly as the site renders it."""
    return snippets.expand_includes(text, root)


def run_python_code(
    code: str, timeout: float = 300, beside: str | None = None, nice: int = 0
) -> subprocess.CompletedProcess:
    """Run code as a reader who copied it would: saved as a file in an empty temporary folder
    and run there (`python <file>`), with nothing of the repository on sys.path (PYTHONPATH
    unset, the folder holds only this file) and deprecations as errors.

    beside: the snippet path the block is titled with; the file then has that file's name, so that
    tracebacks and sys.argv[0] name it. nice: run at that lower priority (background runs).

    The process is forked from a warm interpreter that has imported torch (tests/fork_runner.py),
    unless the block sets environment variables: that one gets a fresh interpreter."""
    python = ["nice", "-n", str(nice), sys.executable] if nice else [sys.executable]
    name = Path(beside).name if beside else "block.py"
    env = make_outputs.snippet_env()
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="block-") as folder:
        (Path(folder) / name).write_text(code, encoding="utf-8")
        if not fork_runner.SETS_ENVIRONMENT.search(code):
            return fork_runner.run(Path(folder), name, nice, timeout)
        return subprocess.run(
            [*python, name],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


_runs: dict[tuple[str, str | None], Future] = {}
_background: ThreadPoolExecutor | None = None


def _key(code: str, beside: str | None) -> tuple[str, str | None]:
    return code.strip("\n") + "\n", beside


def start_runs(runs: list[tuple[str, str | None]]) -> None:
    """Start these runs (code, beside) one after the other in a background thread, in the order
    given.

    The suite leaves one of the machine's two cores idle most of the time (browser, site and data
    tests are mostly single-threaded); the snippets run there meanwhile, and run_block waits for a
    result still running. Each run is still a fresh process with the snippet environment, as a
    reader runs it, at a lower priority (nice 10) so that the browser tests in the foreground keep
    their core."""
    global _background
    _background = _background or ThreadPoolExecutor(max_workers=1, thread_name_prefix="block-runs")
    for code, beside in runs:
        key = _key(code, beside)
        if key not in _runs:
            _runs[key] = _background.submit(run_python_code, key[0], beside=beside, nice=10)


def stop_runs() -> None:
    """Drop the background runs not yet started (a session that stops early)."""
    if _background is not None:
        _background.shutdown(wait=False, cancel_futures=True)


def run_block(code: str, beside: str | None = None) -> subprocess.CompletedProcess:
    """run_python_code, at most once per test session for the same code: a block shown on both
    language pages, and a test that needs a whole snippet's printed output (run_snippet), share one
    run, which may have been started in the background (start_runs)."""
    key = _key(code, beside)
    # A run still queued in the background is taken over here rather than waited for: this core
    # would otherwise sit idle until the queue reaches it.
    if key in _runs and not _runs[key].running():
        _runs[key].cancel()
    if key not in _runs or _runs[key].cancelled():
        done: Future = Future()
        done.set_result(run_python_code(key[0], beside=beside))
        _runs[key] = done
    return _runs[key].result()


def run_snippet(name: str) -> subprocess.CompletedProcess:
    """`python snippets/<name>.py`, shared with the code-block test of the page that includes the
    whole file."""
    path = f"snippets/{name}.py"
    return run_block((ROOT / path).read_text(encoding="utf-8"), beside=path)


def load_snippet(name: str) -> ModuleType:
    """Import snippets/<name>.py as a module (its __main__ part does not run)."""
    path = ROOT / "snippets" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"snippet_{name.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def extract_blocks(text: str):
    """pytest-codeblocks' blocks of an (expanded) page: continuations merged, expected outputs
    attached."""
    from pytest_codeblocks.main import extract_from_buffer

    return extract_from_buffer(io.StringIO(text))
