"""A block a reader copies runs on its own: in an empty folder, with only the packages installed.

tests/test_code_blocks.py runs every Python block of every page as rendered (continuations joined
with the blocks they continue) through helpers.run_block, which saves it in an empty temporary
folder and runs it there with nothing of the repository on sys.path; that run is the standalone
check, so no block runs twice. This module checks that the runner really isolates a block, that
no block reaches back into the repository, and that the helpers a snippet repeats (so that it
runs alone) are the same as the originals the other pages show.
"""

from __future__ import annotations

import ast
import re

import pytest
from helpers import ROOT, all_pages, expand_includes, extract_blocks, rel, run_python_code

# snippet that repeats helpers -> (snippet they come from, the names repeated)
TOY_TASK = ("FEATURES", "make_task", "make_classifier", "train", "accuracy")
SMALL_CNN = ("SmallCNN",)
COPIES = {
    "quantization/accuracy": [("intro/toy_task", TOY_TASK)],
    "pruning/sparsity_curve": [
        ("intro/toy_task", TOY_TASK),
        ("pruning/prune_channels", ("remove_hidden_units", "shrink_mlp")),
    ],
    "tensorrt/export_for_trt": [("intro/workloads", SMALL_CNN)],
    "tensorrt/torch_trt": [("intro/workloads", SMALL_CNN)],
    "tensorrt/build_engine": [
        ("intro/workloads", SMALL_CNN),
        ("tensorrt/export_for_trt", ("MIN_BATCH", "export")),
    ],
    "multimodal/techniques": [
        (
            "multimodal/late_fusion",
            (
                "CLASSES",
                "make_pairs",
                "image_encoder",
                "text_encoder",
                "make_model",
                "train",
                "accuracy",
            ),
        ),
    ],
}
# What a block must not do: find its way back into this repository.
REACHES_BACK = re.compile(
    r"\bsys\.path\b|__file__|os\.chdir\(|^\s*(?:from|import)\s+sitetools\b"
    r"|[\"'](?:\.\./)*(?:docs|snippets)/[^\"'\s]*\.(?:ya?ml|json|txt|py)[\"']",
    re.M,
)


def python_blocks():
    for page in all_pages():
        text = expand_includes(page.read_text(encoding="utf-8"))
        for block in extract_blocks(text):
            if (block.syntax or "").split(" ")[0] in ("python", "py"):
                yield page, block


BLOCKS = list(python_blocks())


def test_a_block_runs_alone_in_an_empty_folder():
    """The runner of the code-block tests: the block's folder holds only the block, the working
    directory is that folder, and neither the repository nor PYTHONPATH is on sys.path."""
    code = (
        "import os, sys\n"
        "print(sorted(os.listdir('.')))\n"
        "print(os.path.dirname(os.path.abspath(__file__)) == os.getcwd())\n"
        f"print([p for p in sys.path if p.startswith({str(ROOT)!r}) and sys.prefix not in p])\n"
        "print(os.environ.get('PYTHONPATH'))\n"
    )
    result = run_python_code(code, beside="snippets/intro/probe.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['probe.py']", "True", "[]", "None"]


def test_a_block_that_needs_a_sibling_snippet_fails():
    """What the old pages did (import toy_task from snippets/intro) fails, as for a reader."""
    result = run_python_code("import toy_task\n", beside="snippets/intro/toy_task_user.py")
    assert result.returncode != 0 and "ModuleNotFoundError: No module named 'toy_task'" in (
        result.stderr
    )


@pytest.mark.parametrize(("page", "block"), BLOCKS, ids=[f"{rel(p)}:{b.lineno}" for p, b in BLOCKS])
def test_no_block_reaches_back_into_the_repository(page, block):
    found = REACHES_BACK.search(block.code)
    assert not found, (
        f"{rel(page)} line {block.lineno}: {found.group(0).strip()!r} needs this repository; a "
        "copied block has only its own code (make the data in code, repeat a small helper)"
    )


def top_level(name: str) -> dict[str, str]:
    """name -> source of every top-level def, class and assignment of snippets/<name>.py."""
    tree = ast.parse((ROOT / "snippets" / f"{name}.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found[node.name] = ast.unparse(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Name):
                        found[element.id] = ast.unparse(node)
    return found


@pytest.mark.parametrize("snippet", sorted(COPIES))
def test_a_repeated_helper_is_the_same_as_the_original(snippet):
    """A snippet repeats the small helpers it needs (the toy task, the small CNN) so that it runs
    alone; each repetition must stay the code the original snippet holds."""
    copy = top_level(snippet)
    for original, names in COPIES[snippet]:
        source = top_level(original)
        for name in names:
            assert name in copy, f"snippets/{snippet}.py no longer defines {name}"
            assert copy[name] == source[name], (
                f"snippets/{snippet}.py: {name} differs from snippets/{original}.py; "
                "change both the same way"
            )
