"""The benchmark program's command line: `make bench` runs `python -m sitetools.bench`.

    python -m sitetools.bench                 # every CPU case; writes this machine's record
    python -m sitetools.bench --quick         # a reduced set for CI (under build/, never committed)
    python -m sitetools.bench --list          # the cases
    python -m sitetools.bench --only gemm     # some cases, merged into this machine's record
    python -m sitetools.bench --gpu           # only the GPU cases (needs a CUDA device)
    python -m sitetools.bench --plots-only    # redraw every machine's plots from the records

Each machine has one record, docs/data/bench/hosts/<slug>.json, named after its fingerprint
(sitetools/fingerprint.py). A run writes or updates only its own machine's record, atomically,
then redraws that machine's plots. Tables are rendered from the records when the site is built.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from sitetools import fingerprint, records
from sitetools.bench.measure import CASES, Settings
from sitetools.errors import UsageError
from sitetools.paths import FIGURES, HOSTS, QUICK_HOSTS


class Progress:
    """One line on stderr: a bar, which case is running, how far along the run is."""

    def __init__(self, total: int):
        self.total, self.done, self.start = total, 0, time.perf_counter()

    def show(self, name: str) -> None:
        width = 24
        filled = int(width * self.done / self.total)
        elapsed = time.perf_counter() - self.start
        bar = "#" * filled + "." * (width - filled)
        line = f"[{bar}] {self.done}/{self.total} {name} ({elapsed:.0f} s)"
        end = "\r" if sys.stderr.isatty() else "\n"
        print(line.ljust(72), end=end, file=sys.stderr, flush=True)

    def step(self) -> None:
        self.done += 1


def check_writable(folder: Path) -> None:
    """Fail before measuring, not after: the records folder must exist (or be creatable) and take a
    file."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"--records {folder} is a file; give a folder (records are named by machine)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise UsageError(
            f"--records {folder} is not writable ({exc.strerror or exc}); "
            "choose another folder with --records"
        ) from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sitetools.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a reduced set for CI (records under build/)"
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument(
        "--only", action="append", default=[], metavar="CASE", help="run only these cases"
    )
    parser.add_argument("--gpu", action="store_true", help="run only the GPU cases (needs CUDA)")
    parser.add_argument(
        "--threads", type=str, default=None, help="threads to use (default: all cores)"
    )
    parser.add_argument(
        "--levels",
        default="",
        metavar="IDS",
        help="isa_ladder: only these levels, comma-separated (default: all this CPU supports)",
    )
    parser.add_argument(
        "--records", type=Path, default=None, help="folder of the per-machine records"
    )
    parser.add_argument("--figures", type=Path, default=None, help="folder for the plots")
    parser.add_argument(
        "--plots-only", action="store_true", help="only redraw the plots from the records"
    )
    parser.add_argument("--no-plots", action="store_true", help="do not draw plots")
    parser.add_argument(
        "--worker", metavar="CASE", help=argparse.SUPPRESS
    )  # one case, records as JSON on stdout
    return parser.parse_args(argv)


def resolve(args: argparse.Namespace) -> tuple[list[str], int, Path, Path]:
    cores = os.cpu_count() or 1
    if args.threads is None:
        threads = cores
    elif not re.fullmatch(r"\d+", args.threads) or not 1 <= int(args.threads) <= cores:
        raise UsageError(
            f"--threads must be a whole number from 1 to {cores} (this machine's cores), "
            f"got '{args.threads}'"
        )
    else:
        threads = int(args.threads)
    names = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise UsageError(
            f"unknown case {', '.join(unknown)}; known cases: {', '.join(CASES)} (see --list)"
        )
    if args.gpu:
        import torch

        if not torch.cuda.is_available():
            raise UsageError(
                "--gpu needs a CUDA device, and torch.cuda.is_available() is False on this machine"
            )
        names = [n for n in names if CASES[n].gpu] or [n for n, c in CASES.items() if c.gpu]
    elif any(CASES[n].gpu for n in names):
        raise UsageError(
            f"{', '.join(n for n in names if CASES[n].gpu)}: GPU cases run only with --gpu"
        )
    if not names:
        names = [n for n, c in CASES.items() if not c.gpu and (c.quick or not args.quick)]
    from sitetools.bench.ladder_levels import LEVELS

    unknown_levels = [
        x for x in args.levels.split(",") if x and x not in {lv["id"] for lv in LEVELS}
    ]
    if unknown_levels:
        raise UsageError(
            f"unknown ladder level {', '.join(unknown_levels)}; known: "
            f"{', '.join(lv['id'] for lv in LEVELS)}"
        )
    folder = args.records or (QUICK_HOSTS if args.quick else HOSTS)
    figures = args.figures or (folder.parent / "figures" if args.records or args.quick else FIGURES)
    return names, threads, folder, figures


def measure_cases(names: list[str], settings: Settings) -> list[dict]:
    import torch

    torch.set_num_threads(settings.threads)
    progress = Progress(len(names))
    command = "make bench" + (" QUICK=1" if settings.quick else "")
    cases = []
    for name in names:
        progress.show(name)
        date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        entry = {
            "name": name,
            "date": date,
            "command": command,
            "records": CASES[name].run(settings),
        }
        if CASES[name].baseline:
            entry["baseline"] = CASES[name].baseline
        cases.append(entry)
        progress.step()
    progress.show("done")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return cases


def run(args: argparse.Namespace, names: list[str], threads: int, folder: Path) -> dict:
    check_writable(folder)
    settings = Settings(args.quick, threads, tuple(x for x in args.levels.split(",") if x))
    identity = fingerprint.identity(threads, gpu=args.gpu)
    slug = fingerprint.slug(identity)
    path = folder / f"{slug}.json"
    earlier = (
        records.read(path) if path.is_file() else None
    )  # a bad file is refused before measuring
    new = {
        "schema": records.SCHEMA_VERSION,
        "slug": slug,
        "identity": identity,
        "host": fingerprint.description(identity),
        "quick": args.quick,
        "cases": measure_cases(names, settings),
    }
    extra = (
        (["--gpu"] if args.gpu else [])
        + ([f"--only {','.join(names)}"] if args.only else [])
        + ([f"--levels {args.levels}"] if args.levels else [])
    )
    for entry in new["cases"]:
        entry["command"] += f' ARGS="{" ".join(extra)}"' if extra else ""
    merged = records.merge(earlier, new, list(CASES), path)
    records.write(merged, path)
    print(f"wrote {path}", file=sys.stderr)
    return merged


def main(argv: list[str] | None = None) -> int:
    import sitetools.bench.cases  # noqa: F401  (registers the cases)

    args = parse_args(argv)
    try:
        if args.list:
            for c in CASES.values():
                where = " (GPU, --gpu)" if c.gpu else "" if c.quick else "  (full run only)"
                print(f"{c.name:<16} {c.title}{where}")
            return 0
        names, threads, folder, figures = resolve(args)
        if args.worker:
            print(json.dumps(CASES[args.worker].run(Settings(args.quick, threads))))
            return 0
        if args.plots_only:
            if not folder.is_dir() or not any(folder.glob("*.json")):
                raise UsageError(f"--plots-only needs records; {folder} has none (run make bench)")
            drawn = records.committed(folder)
        else:
            drawn = (run(args, names, threads, folder),)
        if not args.no_plots:
            from sitetools import plots

            for path in plots.draw_formats(figures) + [
                p for r in drawn for p in plots.draw_all(r, figures)
            ]:
                print(f"wrote {path}", file=sys.stderr)
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
