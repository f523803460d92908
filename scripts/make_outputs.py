"""Regenerate the printed outputs shown under code blocks: docs/outputs/<area>/<name>.txt.

Each output file is the standard output of `python snippets/<area>/<name>.py` on this
machine. Only outputs that some page includes are made. The tests run the same blocks
and compare their output with these files.

    python scripts/make_outputs.py            # all outputs the pages include
    python scripts/make_outputs.py cpu_flags  # only those whose name matches
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST_FILE = ROOT / "docs" / "outputs" / "host.json"
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
    # Deprecation warnings raised by the snippet's own calls (attributed to __main__) are errors; torch
    # announces its deprecations as FutureWarning, Python as DeprecationWarning. Warnings torch raises
    # about its own internals are not ours to fix.
    env = dict(os.environ, PYTHONWARNINGS="error::DeprecationWarning:__main__,error::FutureWarning:__main__",
               PYTHONHASHSEED="0")
    env.pop("ONEDNN_VERBOSE", None)
    return env


def run_snippet(path: Path, timeout: float = 300) -> str:
    result = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=snippet_env(),
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"error: {path.relative_to(ROOT)} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result.stdout


def host_fingerprint() -> dict:
    """What the outputs depend on: the CPU model and its instruction-set flags (those of docs/data/isa.yml)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench  # its snippet loader gives the same cpuinfo parsing the CPU chapter shows
    import site_data
    detect = bench.snippet("cpu/detect_isa")
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    known = {f for e in site_data.isa_entries() for f in e["flags"]}
    return {"cpu": detect.cpu_model(cpuinfo), "isa_flags": sorted(detect.cpu_flags(cpuinfo) & known)}


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
    host = host_fingerprint()
    if args.names and HOST_FILE.is_file() and json.loads(HOST_FILE.read_text()) != host:
        raise SystemExit("error: the other outputs were recorded on a different CPU; run make outputs without names")
    for out, snippet in outputs.items():
        if not snippet.exists():
            raise SystemExit(f"error: {out.relative_to(ROOT)} is included by a page but {snippet.relative_to(ROOT)} does not exist")
        write_atomically(out, run_snippet(snippet))
        print(f"wrote {out.relative_to(ROOT)}")
    write_atomically(HOST_FILE, json.dumps(host, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
