"""Regenerate the printed outputs shown under code blocks: docs/outputs/<area>/<name>.txt.

Each output file is the standard output of `python snippets/<area>/<name>.py` on this
machine. Only outputs that some page includes are made. The tests run the same blocks
and compare their output with these files.

    python scripts/make_outputs.py            # all outputs the pages include
    python scripts/make_outputs.py cpu_flags  # only those whose name matches
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_INCLUDE = re.compile(r"""--8<--\s+["'](docs/outputs/([\w/]+)\.txt)["']""")


def referenced_outputs() -> dict[Path, Path]:
    """{output file: snippet file} for every output a page includes."""
    found = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for out, stem in OUTPUT_INCLUDE.findall(page.read_text(encoding="utf-8")):
            found[ROOT / out] = ROOT / "snippets" / f"{stem}.py"
    return found


def snippet_env() -> dict[str, str]:
    """The environment snippets run in, here and in the tests: deprecations are errors."""
    env = dict(os.environ, PYTHONWARNINGS="error::DeprecationWarning", PYTHONHASHSEED="0")
    env.pop("ONEDNN_VERBOSE", None)
    return env


def run_snippet(path: Path, timeout: float = 300) -> str:
    result = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=snippet_env(),
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"error: {path.relative_to(ROOT)} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result.stdout


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only outputs whose path contains one of these")
    args = parser.parse_args(argv)
    outputs = referenced_outputs()
    if args.names:
        outputs = {o: s for o, s in outputs.items() if any(n in str(o) for n in args.names)}
        if not outputs:
            parser.error(f"no output included by a page matches {args.names}")
    for out, snippet in outputs.items():
        if not snippet.exists():
            raise SystemExit(f"error: {out.relative_to(ROOT)} is included by a page but {snippet.relative_to(ROOT)} does not exist")
        write_atomically(out, run_snippet(snippet))
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
