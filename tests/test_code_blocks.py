"""Every Python block of every page, as rendered (includes expanded), runs; every shown output is
real.

A shown output is an include of docs/outputs/<area>/<name>.txt (recorded by `make outputs`) under
the block. It is compared with what the block prints on this machine, whatever its CPU: byte for
byte, or, where docs/outputs/kinds.yml declares the output host-dependent, after masking only the
parts it names (sitetools/outputs.py). Blocks identical in both languages run once and share the
result, and a snippet's own tests reuse that run (helpers.run_block).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
from pathlib import Path

import pytest
from helpers import (
    PYTHON_FENCE,
    ROOT,
    all_pages,
    expand_includes,
    extract_blocks,
    rel,
    run_block,
    run_python_code,
)

from sitetools import make_outputs, outputs, records
from sitetools.paths import HOSTS

INCLUDE_LINE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']snippets/[^"']+["']\s*$""")
OUTPUT_LINE = re.compile(
    r"""^([ \t]*)-{1,}8<-{1,}[ \t]+["']docs/outputs/([\w/]+)\.txt["'][ \t]*$""", re.M
)
NAME_MARK = "@shown-output:"
KINDS = outputs.load_kinds()


def python_blocks(text: str, root: Path = ROOT):
    blocks = extract_blocks(expand_includes(text, root))
    return [b for b in blocks if (b.syntax or "").split(" ")[0] in ("python", "py")]


@functools.cache  # called per block case, by background_runs and by the coverage checks
def page_blocks(page: Path, root: Path = ROOT) -> list[tuple[object, str | None]]:
    """(block as rendered, name of the docs/outputs file its shown output includes, or None); root:
    the repository, or a copy of it, whose files the includes read."""
    text = page.read_text(encoding="utf-8")
    rendered = python_blocks(text, root)
    named = python_blocks(
        OUTPUT_LINE.sub(lambda m: f"{m.group(1)}{NAME_MARK}{m.group(2)}", text), root
    )
    names = [
        b.expected_output.strip()[len(NAME_MARK) :]
        if (b.expected_output or "").strip().startswith(NAME_MARK)
        else None
        for b in named
    ]
    return list(zip(rendered, names, strict=True))


CASES = [(page, i) for page in all_pages() for i, _ in enumerate(page_blocks(page))]


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


def why_not_run(block, name: str | None, where: str) -> str | None:
    """The reason the block does not run on this machine (it needs what is missing), or None."""
    kind = KINDS.get(name) if name else None
    for mark in block.marks:  # e.g. pytest.mark.skip(reason="needs an NVIDIA GPU")
        reason = re.search(r'reason="([^"]+)"', mark)
        assert reason, f"{where}: a mark must give a reason: {mark}"
        # A shown output recorded without the hardware the mark names (kinds.yml: without) is what
        # the block prints here when this machine lacks it too: then the block runs and is compared.
        if kind is None or kind.without is None or outputs.skip_reason(kind):
            return reason.group(1)
    return outputs.skip_reason(kind) if kind is not None else None


def check_block(block, name: str | None, where: str) -> None:
    """Run the block (once per session) and compare its printed output with the shown one, if
    any."""
    kind = None
    if block.expected_output is not None:
        assert name, (
            f"{where}: a shown output must be an include of docs/outputs/<area>/<name>.txt, "
            f"recorded by `make outputs`, not text written by hand"
        )
        assert name in KINDS, (
            f"{where}: docs/outputs/{name}.txt has no kind in {outputs.KINDS_FILE.name}"
        )
        kind = KINDS[name]
    if reason := why_not_run(block, name, where):
        pytest.skip(reason)
    result = run_block(block.code, block_title(block))
    assert result.returncode == 0, f"{where} failed:\n{result.stderr[-3000:]}"
    if kind is not None:
        problem = outputs.mismatch(block.expected_output, result.stdout, kind)
        if problem:
            pytest.fail(f"{where}: {problem}", pytrace=False)


def background_runs(items) -> list[tuple[str, str | None]]:
    """(code, title) of the blocks that the selected items of this module will run, for conftest to
    start early in the background (helpers.start_runs)."""
    runs = []
    for item in items:
        params = getattr(item, "callspec", None) and item.callspec.params
        if item.originalname == "test_block_runs_and_prints_what_the_page_shows" and params:
            block, name = page_blocks(params["page"])[params["index"]]
            if not why_not_run(block, name, item.nodeid):
                runs.append((block.code, block_title(block)))
    return runs


@pytest.mark.parametrize(("page", "index"), CASES, ids=[f"{rel(p)}#{i}" for p, i in CASES])
def test_block_runs_and_prints_what_the_page_shows(page, index):
    block, name = page_blocks(page)[index]
    check_block(block, name, f"{rel(page)} block {index} (line {block.lineno})")


def test_every_output_is_shown_declared_and_recorded():
    """Each docs/outputs file is included by a page and has a declared kind; each declaration names
    an output that exists. (make outputs writes only what pages include.)"""
    recorded = outputs.recorded_outputs()
    missing, orphans = outputs.undeclared(KINDS, recorded)
    assert not missing, f"declare the kind of {missing} in docs/outputs/{outputs.KINDS_FILE.name}"
    assert not orphans, (
        f"docs/outputs/{outputs.KINDS_FILE.name} declares {orphans}, which are not recorded"
    )
    shown = {
        p.relative_to(outputs.OUTPUTS).with_suffix("").as_posix()
        for p in make_outputs.referenced_outputs()
    }
    assert set(recorded) == shown, f"recorded but shown by no page: {sorted(set(recorded) - shown)}"


def test_every_shown_output_is_compared_by_some_block():
    """No shown output escapes the comparison: each is under a Python block that runs, or is an
    output recorded with hardware (kinds.yml: with), compared by the test below."""
    compared = {name for page, index in CASES for _, name in [page_blocks(page)[index]] if name}
    with_hardware = {name for name, kind in KINDS.items() if kind.with_}
    assert compared | with_hardware == set(KINDS)
    assert not compared & with_hardware


WITH_HARDWARE = sorted(name for name, kind in KINDS.items() if kind.with_)


@pytest.mark.parametrize("name", WITH_HARDWARE)
def test_an_output_recorded_with_hardware_names_its_machine_and_sits_under_its_snippet(name):
    """An output recorded on a machine with some hardware names a committed record of a machine
    that has it (a GPU; the CPU flags of `amx`), and each page that shows it shows its snippet's
    block and the machine line above it."""
    kind = KINDS[name]
    identity = records.read(HOSTS / f"{kind.recorded_on}.json")["identity"]
    if kind.with_ == "cuda":
        present = bool(identity.get("gpu"))
    else:
        present = outputs.HARDWARE_FLAGS[kind.with_] <= set(identity["isa_flags"])
    assert present, (
        f"{name}: recorded_on {kind.recorded_on} is not a record of a machine with "
        f"{outputs.HARDWARE[kind.with_]}"
    )
    include = f'--8<-- "docs/outputs/{name}.txt"'
    pages = [p for p in all_pages() if include in p.read_text(encoding="utf-8")]
    assert pages, f"no page shows docs/outputs/{name}.txt"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        snippet = kind.snippet_path.relative_to(ROOT).as_posix()
        assert f'--8<-- "{snippet}"' in text.split(include)[0], (
            f"{rel(page)}: {name} not under {snippet}"
        )
        assert f"<!-- render:recorded-on {name} -->" in text, (
            f"{rel(page)}: {name} has no machine line"
        )


@pytest.mark.parametrize("name", WITH_HARDWARE)
def test_an_output_recorded_with_hardware_is_what_its_snippet_prints_there(name):
    """Where the hardware is present the snippet runs and is compared like any block; elsewhere
    (CI has no GPU) the test skips and names the missing hardware."""
    kind = KINDS[name]
    if reason := outputs.skip_reason(kind):
        pytest.skip(reason)
    printed = make_outputs.run_snippet(kind.snippet_path)
    problem = outputs.mismatch(kind.path.read_text(encoding="utf-8"), printed, kind)
    assert problem is None, problem


def mutations(text: str, kind: outputs.Kind):
    """Every copy of text with one word or one integer changed, outside the parts the kind masks."""
    masked = outputs.normalise(text, kind)
    words = [(m.start(), m.end(), "Xx") for m in re.finditer(r"(?<![\d.])[A-Za-z_]{2,}", text)]
    integers = [
        (m.start(), m.end(), "7" + m.group())
        for m in outputs.NUMBER.finditer(text)
        if re.fullmatch(r"[-+]?\d+", m.group())
    ]
    for start, end, replacement in words + integers:
        changed = text[:start] + replacement + text[end:]
        if outputs.normalise(changed, kind) != masked:  # the change lies outside a masked part
            yield text[start:end], changed


@pytest.mark.parametrize("name", sorted(KINDS))
def test_changing_a_word_of_a_shown_output_fails_the_comparison(name):
    """The comparison is live: a copy of the output with any one word or integer changed (outside
    what its kind masks) no longer matches the recorded output."""
    kind = KINDS[name]
    text = kind.path.read_text(encoding="utf-8")
    assert outputs.mismatch(text, text, kind) is None
    checked = 0
    for word, changed in mutations(text, kind):
        problem = outputs.mismatch(changed, text, kind)
        assert problem and "make outputs" in problem and "\n-" in problem and "\n+" in problem, (
            f"{name}: changing {word!r} went unnoticed"
        )
        checked += 1
    assert checked >= 3, f"{name}: too little of the output is compared ({checked} words)"


def test_a_changed_output_file_fails_its_block(tmp_path):
    """End to end: one word changed in a copy of docs/outputs reaches the page's block through its
    include, and the block's check fails with a diff."""
    shutil.copytree(outputs.OUTPUTS, tmp_path / "docs" / "outputs")
    (tmp_path / "snippets").symlink_to(ROOT / "snippets")
    changed = tmp_path / "docs" / "outputs" / "quantization" / "affine.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("symmetric int8", "symmetric uint8"), encoding="utf-8")
    page = ROOT / "docs" / "quantization.en.md"
    index, (block, name) = next(
        (i, b) for i, b in enumerate(page_blocks(page, tmp_path)) if b[1] == "quantization/affine"
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        check_block(block, name, f"{rel(page)} block {index}")
    assert "\n-symmetric uint8:" in str(failed.value) and "\n+symmetric int8:" in str(failed.value)
    check_block(
        page_blocks(page)[index][0], name, "the same block with the committed output"
    )  # passes


def test_a_stale_output_fails_with_a_diff_and_the_command():
    """What a contributor sees when a shown output is out of date: a unified diff, the re-record
    command."""
    block, name = next(
        b for p, i in CASES for b in [page_blocks(p)[i]] if b[1] == "quantization/affine"
    )
    stale = dataclasses.replace(
        block, expected_output=block.expected_output.replace("zero point 85", "zero point 86")
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        check_block(stale, name, "quantization/affine's block")
    message = str(failed.value)
    assert "\n-asymmetric uint8: scale 0.011765 = 3/255, zero point 86\n" in message
    assert "\n+asymmetric uint8: scale 0.011765 = 3/255, zero point 85\n" in message
    assert "`make outputs`" in message


@pytest.mark.parametrize(
    ("mask", "text", "masked"),
    [
        ("timings", "one step took 12.3 ms, all 1.2 s", "one step took <time>, all <time>"),
        (
            "throughputs",
            "gemm 45.6 GFLOP/s, copy 12.1 GB/s",
            "gemm <throughput>, copy <throughput>",
        ),
        (
            "cpu_name",
            "CPU: Intel(R) Xeon(R) Processor, 16 logical cores",
            "CPU: <cpu>, <n> logical cores",
        ),
        (
            "isa_list",
            "  AMX       AMX-TILE, AMX-BF16\noneDNN dispatches to: Intel AVX2",
            "  AMX       <extensions>\noneDNN dispatches to: <isa>",
        ),
        (
            "isa_kernels",
            "default:\n  isa:Intel AVX2\n  reorder jit:uni\n"
            "ONEDNN_MAX_CPU_ISA=SSE41:\n  isa:Intel SSE4.1",
            "default:\n  <the kernels oneDNN ran at this CPU's best ISA>\n"
            "ONEDNN_MAX_CPU_ISA=SSE41:\n  isa:Intel SSE4.1",
        ),
        (
            "isa_kernels",
            "ONEDNN_MAX_CPU_ISA=AVX2:\n  a\nONEDNN_MAX_CPU_ISA=AVX512_CORE:\n  b\n  c",
            "ONEDNN_MAX_CPU_ISA=AVX2:\n  a\nONEDNN_MAX_CPU_ISA=AVX512_CORE:\n"
            "  <the kernels oneDNN ran at this CPU's best ISA up to the cap>",
        ),
        (
            "this_cpu",
            "fp32 calls: mkl\nbf16 calls, on this CPU: extern_kernels.addmm",
            "fp32 calls: mkl\nbf16 calls, on this CPU: <depends on the CPU>",
        ),
        ("addresses", "<object at 0x7f3a2c1d4e10>", "<object at <address>>"),
    ],
)
def test_each_mask_replaces_only_what_it_names(mask, text, masked):
    assert outputs.normalise(text, outputs.Kind("t/t", "host", masks=(mask,))) == masked
    assert outputs.normalise(
        "loss 1.3882 after 3 steps", outputs.Kind("t/t", "host", masks=(mask,))
    ) == ("loss 1.3882 after 3 steps")


@pytest.mark.parametrize(
    ("shown", "printed", "agrees"),
    [
        ("accuracy 94.4%", "accuracy 94.9%", True),  # percent: within 0.5 points
        ("accuracy 94.4%", "accuracy 95.0%", False),
        ("error 7.2e-07", "error 1.2e-06", True),  # scientific: within abs 1e-6
        ("error 7.2e-07", "error 2.2e-06", False),
        ("loss 1.3882", "loss 1.3883", False),  # decimal: not in this tolerance, so exact
        ("3 of 4 rows", "2 of 4 rows", False),  # integers: always exact
        ("accuracy 94.4%", "precision 94.4%", False),  # words: always exact
        ("a 1.0e-07\nb", "a 1.0e-07", False),  # layout: always exact
    ],
)
def test_tolerance_moves_only_the_declared_numbers(shown, printed, agrees):
    kind = outputs.Kind(
        "t/t", "host", tolerance={"percent": {"abs": 0.5}, "scientific": {"abs": 1e-6}}
    )
    assert (outputs.mismatch(shown, printed, kind) is None) == agrees


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "exact", "masks": ["timings"]}, "should not be valid"),
        ({"kind": "host", "masks": ["timings"]}, "'why' is a required property"),
        ({"kind": "host", "why": "it varies a lot", "masks": ["everything"]}, "is not one of"),
        ({"kind": "host", "why": "it varies a lot"}, "is not valid under any of the given schemas"),
        (
            {"kind": "host", "why": "it varies a lot", "tolerance": {"decimal": {"rel": 1.0}}},
            "greater than the maximum",
        ),
        ({"kind": "sometimes"}, "is not one of"),
    ],
)
def test_a_bad_declaration_is_refused_naming_the_output(tmp_path, entry, message):
    import yaml

    bad = tmp_path / "kinds.yml"
    bad.write_text(yaml.safe_dump({"intro/workloads": entry}), encoding="utf-8")
    with pytest.raises(ValueError, match="intro/workloads") as refused:
        outputs.load_kinds(bad)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "code",
    [
        "import torch; torch.cpu.amp.autocast()",  # torch: FutureWarning
        "import warnings; warnings.warn('old', DeprecationWarning)",  # Python: DeprecationWarning
    ],
)
def test_a_block_calling_a_deprecated_api_fails(code):
    result = run_python_code(code)
    assert result.returncode != 0 and "Warning" in result.stderr
