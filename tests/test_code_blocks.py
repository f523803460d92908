"""Every Python block of every page, as rendered (includes expanded), runs; shown outputs are real.

Blocks identical in both languages run once and the result is shared, so both pages are
checked without doubling the time.
"""

from __future__ import annotations

import json
import re

import make_outputs
import pytest

from helpers import PYTHON_FENCE, all_pages, expand_includes, extract_blocks, rel, run_python_code

INCLUDE_LINE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']snippets/[^"']+["']\s*$""")
_results: dict[str, object] = {}


def python_blocks(page):
    blocks = extract_blocks(expand_includes(page.read_text(encoding="utf-8")))
    return [b for b in blocks if (b.syntax or "").split(" ")[0] in ("python", "py")]


CASES = [(page, i) for page in all_pages() for i, _ in enumerate(python_blocks(page))]


def _run_once(code: str, title: str | None):
    if code not in _results:
        _results[code] = run_python_code(code, beside=title)
    return _results[code]


def block_title(block) -> str | None:
    """The snippet path in the fence's title="snippets/..." attribute."""
    found = re.search(r'title="([^"]+)"', block.syntax or "")
    return found.group(1) if found else None


@pytest.mark.parametrize("page", all_pages(), ids=rel)
def test_no_inline_python(page):
    """A Python fence on a page holds only includes of snippets/: code lives in snippets/."""
    for fence in PYTHON_FENCE.finditer(page.read_text(encoding="utf-8")):
        lines = [line for line in fence.group("body").splitlines() if line.strip()]
        bad = [line for line in lines if not INCLUDE_LINE.match(line)]
        assert lines and not bad, (
            f"{rel(page)} holds inline Python {bad[:2]}: move it to snippets/ and include it with "
            '--8<-- "snippets/<area>/<file>.py" (or a :section of it)'
        )


@pytest.mark.parametrize(("page", "index"), CASES, ids=[f"{rel(p)}#{i}" for p, i in CASES])
def test_block_runs_and_prints_what_the_page_shows(page, index):
    block = python_blocks(page)[index]
    for mark in block.marks:  # e.g. pytest.mark.skip(reason="needs an NVIDIA GPU")
        reason = re.search(r'reason="([^"]+)"', mark)
        assert reason, f"{rel(page)} block {index}: a mark must give a reason: {mark}"
        pytest.skip(reason.group(1))
    result = _run_once(block.code, block_title(block))
    assert result.returncode == 0, f"{rel(page)} block {index} (line {block.lineno}) failed:\n{result.stderr[-3000:]}"
    if block.expected_output is not None:
        recorded = json.loads(make_outputs.HOST_FILE.read_text())
        if recorded != make_outputs.host_fingerprint():
            pytest.skip(f"the block ran; its shown output was recorded on {recorded['cpu']} "
                        f"({' '.join(recorded['isa_flags'][-4:])}), a different CPU from this one, so it is not compared")
        assert result.stdout.rstrip("\n") == block.expected_output.rstrip("\n"), (
            f"{rel(page)} block {index}: the output shown on the page is stale; run `make outputs`"
        )


@pytest.mark.parametrize("code", [
    "import torch; torch.cpu.amp.autocast()",                       # torch: FutureWarning
    "import warnings; warnings.warn('old', DeprecationWarning)",   # Python: DeprecationWarning
])
def test_a_block_calling_a_deprecated_api_fails(code):
    result = run_python_code(code)
    assert result.returncode != 0 and "Warning" in result.stderr
