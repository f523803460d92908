"""Regenerate the printed outputs shown under code blocks: docs/outputs/<area>/<name>.txt.

Each output file is the standard output of `python snippets/<area>/<name>.py` on this
machine. Only outputs that some page includes are made (others are removed), and the chapter
notebooks are rewritten with them (sitetools/make_notebooks.py). The tests run the same blocks on
any machine and compare what they print with these files, as docs/outputs/kinds.yml declares for
each (sitetools/outputs.py); an output without a declared kind is an error here too.

    python -m sitetools.make_outputs             # all outputs the pages include
    python -m sitetools.make_outputs detect_isa  # only those whose name matches
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sitetools import atomic
from sitetools.paths import OUTPUTS, ROOT

OUTPUT_INCLUDE = re.compile(r"""--8<--\s+["'](docs/outputs/([\w/]+)\.txt)["']""")


def referenced_outputs() -> dict[Path, Path]:
    """{output file: snippet file} for every output a page includes; the snippet is the one of the
    output's name unless docs/outputs/kinds.yml names another (`snippet:`)."""
    from sitetools import outputs as kinds

    declared = kinds.load_kinds()
    found = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for out, stem in OUTPUT_INCLUDE.findall(page.read_text(encoding="utf-8")):
            kind = declared.get(stem)
            found[ROOT / out] = kind.snippet_path if kind else ROOT / "snippets" / f"{stem}.py"
    return found


def snippet_env() -> dict[str, str]:
    """The environment snippets run in, here and in the tests: deprecations are errors."""
    # Deprecation warnings raised by the snippet's own calls (attributed to __main__) are errors;
    # torch announces its deprecations as FutureWarning, Python as DeprecationWarning. Warnings
    # torch raises about its own internals are not ours to fix.
    env = dict(
        os.environ,
        PYTHONWARNINGS="error::DeprecationWarning:__main__,error::FutureWarning:__main__",
        PYTHONHASHSEED="0",
    )
    env.pop("ONEDNN_VERBOSE", None)
    env.pop("PYTHONPATH", None)  # a reader's copy runs with nothing of this repository on sys.path
    return env


def run_snippet(path: Path, timeout: float = 300) -> str:
    """What the snippet prints when a copy of it runs alone in an empty folder, as a reader's."""
    with tempfile.TemporaryDirectory(prefix="snippet-") as folder:
        shutil.copyfile(path, Path(folder) / path.name)
        result = subprocess.run(
            [sys.executable, path.name],
            cwd=folder,
            env=snippet_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if result.returncode != 0:
        raise SystemExit(
            f"error: {path.relative_to(ROOT)} exited {result.returncode}:\n{result.stderr[-2000:]}"
        )
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="only outputs whose path contains one of these")
    args = parser.parse_args(argv)
    outputs = referenced_outputs()
    if args.names:
        outputs = {o: s for o, s in outputs.items() if any(n in str(o) for n in args.names)}
        if not outputs:
            parser.error(f"no output included by a page matches {args.names}")
    from sitetools import make_notebooks
    from sitetools import outputs as kinds

    declared = kinds.load_kinds()
    for out, snippet in outputs.items():
        kind = declared.get(out.relative_to(OUTPUTS).with_suffix("").as_posix())
        if kind is not None and (reason := kinds.skip_reason(kind)):
            print(f"kept {out.relative_to(ROOT)}: {reason}", flush=True)
            continue
        if not snippet.exists():
            raise SystemExit(
                f"error: {out.relative_to(ROOT)} is included by a page but "
                f"{snippet.relative_to(ROOT)} does not exist"
            )
        atomic.write_text(out, run_snippet(snippet))
        print(f"wrote {out.relative_to(ROOT)}", flush=True)
    if not args.names:
        for stale in sorted(set(OUTPUTS.rglob("*.txt")) - set(outputs)):
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)}: no page shows it")
    make_notebooks.main([])  # the notebooks show the same outputs
    missing, orphans = kinds.undeclared(kinds.load_kinds(), kinds.recorded_outputs())
    if missing or orphans:
        print(
            f"error: {kinds.KINDS_FILE.relative_to(ROOT)} must declare the kind of every output: "
            f"undeclared {missing}, declared but not recorded {orphans}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
