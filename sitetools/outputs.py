"""Shown outputs: their declared kinds, the masks for what a machine changes, and the comparison.

Each file docs/outputs/<area>/<name>.txt is what `python snippets/<area>/<name>.py` printed
when `make outputs` recorded it; a page shows it under that snippet's code block. The tests run
the block again on whatever machine they run on and compare what it prints with what the page
shows. How is declared, for every output, in docs/outputs/kinds.yml (its JSON Schema is
docs/data/schemas/output-kinds.schema.json); nothing is guessed:

exact
    Prints the same bytes on every x86-64 machine: fixed seeds, and nothing that depends on the
    CPU. Compared byte for byte (trailing newlines aside).
host
    Some parts depend on the machine, and the declaration says which:
    masks      named rewrites (MASKS below) that replace a part that varies by a placeholder, in
               the shown and in the printed text alike, before they are compared;
    tolerance  numbers computed in floating point, whose last digits depend on the kernels the
               CPU runs (AVX2, AVX-512, AMX) and on how they split the sums, are compared within
               it. It is given per class of number, chosen by how the number is printed:
                 percent     followed by % (an accuracy: 94.4%), abs in percentage points;
                 decimal     with a decimal point (a loss: 1.3882);
                 scientific  with an exponent (a rounding error: 7.2e-07);
               each as {abs: a, rel: r}: |printed - shown| <= a + r * max(|printed|, |shown|).
               A class the tolerance does not name, and every integer not followed by %, is
               compared exactly; so are the words and the layout.
without
    The shown output is what the snippet prints on a machine without that hardware (`cuda`, a
    CUDA GPU; `vnni`, AVX-512 VNNI, without which torch._int_mm never reaches oneDNN). On a
    machine that has it the snippet takes another path; the test then skips the comparison and
    names the hardware.
with
    The opposite: the output is what the snippet prints on a machine that has the hardware (a
    CUDA GPU, or `amx`: a CPU with AMX and AVX512-FP16, to show kernels other CPUs cannot), and
    `recorded_on` names the machine record (docs/data/bench/hosts/<slug>.json) of the machine
    that printed it; `snippet` names the snippet when the output's own name is not the
    snippet's. The page shows it beside the ordinary output, labelled with that machine. The
    test compares it where the hardware is present and otherwise skips, naming the hardware;
    `make outputs` re-records it only there.

The masks replace only timings, throughputs, the CPU's name and core count, instruction-set
lists (the extensions a CPU has, the ISA the libraries dispatch to and the oneDNN kernels they
pick) and memory addresses. Nothing else may be masked: a number that changes from machine to
machine for any other reason is compared within a tolerance, and a word never changes.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitetools.output_masks import MASKS
from sitetools.paths import OUTPUTS, ROOT, SCHEMAS

KINDS_FILE = OUTPUTS / "kinds.yml"
KINDS_SCHEMA = SCHEMAS / "output-kinds.schema.json"
RERECORD = "make outputs"


from sitetools.output_masks import Mask  # noqa: E402, F401  (the masks kinds.yml names)

HARDWARE = {
    "cuda": "a CUDA GPU",
    "amx": "AMX with AVX512-FP16 (amx_bf16 and avx512_fp16 in /proc/cpuinfo)",
    "vnni": "AVX-512 VNNI (avx512_vnni in /proc/cpuinfo)",
}
# The /proc/cpuinfo flags that stand for a HARDWARE key (a machine has it when it has them all).
HARDWARE_FLAGS = {
    "amx": frozenset({"amx_bf16", "avx512_fp16"}),
    "vnni": frozenset({"avx512_vnni"}),
}


def has(hardware: str) -> bool:
    """Whether this machine has the hardware named by a `with` or `without` key."""
    if hardware == "cuda":
        import torch

        return torch.cuda.is_available()
    if hardware in HARDWARE_FLAGS:
        from sitetools.fingerprint import host_flags

        return HARDWARE_FLAGS[hardware] <= host_flags()
    raise ValueError(f"unknown hardware {hardware!r}; known: {', '.join(HARDWARE)}")


# ---- the declarations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How one output (named like 'cpu/detect_isa') is compared."""

    name: str
    kind: str  # "exact" or "host"
    masks: tuple[str, ...] = ()
    tolerance: dict[str, dict[str, float]] = field(default_factory=dict)  # class -> {abs, rel}
    without: str | None = None  # key of HARDWARE: recorded on a machine without it
    with_: str | None = None  # key of HARDWARE: recorded on a machine with it
    snippet: str | None = None  # 'area/name' of the snippet, when not the output's own name
    recorded_on: str | None = None  # slug of the machine record that printed a `with` output
    why: str = ""

    @property
    def path(self) -> Path:
        return OUTPUTS / f"{self.name}.txt"

    @property
    def snippet_path(self) -> Path:
        return ROOT / "snippets" / f"{self.snippet or self.name}.py"


def schema() -> dict:
    return json.loads(KINDS_SCHEMA.read_text(encoding="utf-8"))


def load_kinds(path: Path = KINDS_FILE) -> dict[str, Kind]:
    """Every declared output's kind; raises ValueError naming the entry when the file breaks
    the schema."""
    import jsonschema

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    errors = sorted(
        jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(e.path)
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top level)"
        raise ValueError(f"{path.name}: {where}: {errors[0].message}")
    kinds = {}
    for name, entry in data.items():
        kinds[name] = Kind(
            name=name,
            kind=entry["kind"],
            masks=tuple(entry.get("masks", ())),
            tolerance=entry.get("tolerance", {}),
            without=entry.get("without"),
            with_=entry.get("with"),
            snippet=entry.get("snippet"),
            recorded_on=entry.get("recorded_on"),
            why=entry.get("why", ""),
        )
    return kinds


def recorded_outputs(folder: Path = OUTPUTS) -> list[str]:
    """Names ('area/name') of every recorded output file under docs/outputs/."""
    return sorted(p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.txt"))


def undeclared(kinds: dict[str, Kind], recorded: list[str]) -> tuple[list[str], list[str]]:
    """(outputs with no declared kind, declarations naming no recorded output)."""
    return sorted(set(recorded) - set(kinds)), sorted(set(kinds) - set(recorded))


def skip_reason(kind: Kind) -> str | None:
    """Why this machine cannot print the shown output: it has what the output was recorded
    without, or lacks what it was recorded with. None when it can."""
    if kind.without and has(kind.without):
        return (
            f"this machine has {HARDWARE[kind.without]}; the output {kind.name} is what the "
            f"block prints without one, so it is not compared here"
        )
    if kind.with_ and not has(kind.with_):
        return (
            f"needs {HARDWARE[kind.with_]}, which this machine lacks: the output {kind.name} "
            f"was recorded on {kind.recorded_on}"
        )
    return None


# ---- the comparison --------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?%?")


def normalise(text: str, kind: Kind) -> str:
    """The text with the declared masks applied and trailing newlines dropped."""
    text = text.rstrip("\n")
    for name in kind.masks:
        text = MASKS[name].apply(text)
    return text


def _number_class(token: str) -> str:
    if token.endswith("%"):
        return "percent"
    if "e" in token.lower():
        return "scientific"
    return "decimal" if "." in token else "integer"


def _number_problem(shown: str, printed: str, kind: Kind) -> str | None:
    """Why two number tokens differ beyond the declared tolerance, or None."""
    if shown == printed:
        return None
    cls = _number_class(shown)
    allowed = kind.tolerance.get(cls)
    if allowed is None or _number_class(printed) != cls:
        return f"{printed} where the page shows {shown} (compared exactly)"
    a, b = float(printed.rstrip("%")), float(shown.rstrip("%"))
    limit = allowed.get("abs", 0) + allowed.get("rel", 0) * max(abs(a), abs(b))
    if abs(a - b) <= limit * (1 + 1e-9):
        return None
    return (
        f"{printed} where the page shows {shown}, beyond the {cls} tolerance {_words(cls, allowed)}"
    )


def _words(cls: str, allowed: dict[str, float]) -> str:
    parts = (
        [f"{allowed['abs']:g}{' points' if cls == 'percent' else ''}"] if "abs" in allowed else []
    )
    if "rel" in allowed:
        parts.append(f"{allowed['rel']:.0%} of the larger")
    return "(" + " + ".join(parts) + ")"


def _tolerant_problem(shown: str, printed: str, kind: Kind) -> str | None:
    """Compare line by line: the words exactly, the numbers within the tolerance."""
    shown_lines, printed_lines = shown.split("\n"), printed.split("\n")
    if len(shown_lines) != len(printed_lines):
        return f"{len(printed_lines)} lines printed, {len(shown_lines)} shown"
    for number, (s, p) in enumerate(zip(shown_lines, printed_lines, strict=True), 1):
        if NUMBER.split(s) != NUMBER.split(p):
            return f"line {number}: the words differ"
        for ns, np_ in zip(NUMBER.findall(s), NUMBER.findall(p), strict=True):
            problem = _number_problem(ns, np_, kind)
            if problem:
                return f"line {number}: {problem}"
    return None


def mismatch(shown: str, printed: str, kind: Kind) -> str | None:
    """None when printed agrees with shown under the output's declared kind; else a message for the
    test report: what differs, a unified diff of the shown output against the printed one, and how
    to re-record."""
    a, b = normalise(shown, kind), normalise(printed, kind)
    tolerant = kind.kind == "host" and bool(kind.tolerance)
    problem = (
        _tolerant_problem(a, b, kind) if tolerant else (None if a == b else "the text differs")
    )
    if problem is None:
        return None
    return (
        f"the output shown for {kind.name} is not what the block prints ({_how(kind)}): "
        f"{problem}.\n"
        + unified_diff(
            shown,
            printed,
            f"shown: docs/outputs/{kind.name}.txt",
            "printed by the block on this machine",
        )
        + f"If the new output is right, re-record it with `{RERECORD}` (its kind is declared in "
        f"{KINDS_FILE.relative_to(ROOT)})."
    )


def unified_diff(shown: str, printed: str, shown_label: str, printed_label: str) -> str:
    def lines(text: str) -> list[str]:
        return [line + "\n" for line in text.rstrip("\n").split("\n")]

    return "".join(difflib.unified_diff(lines(shown), lines(printed), shown_label, printed_label))


def _how(kind: Kind) -> str:
    if kind.kind == "exact":
        return "exact: compared byte for byte"
    parts = [f"masked: {', '.join(kind.masks)}"] if kind.masks else []
    parts += [
        f"{cls} numbers within {_words(cls, allowed)}" for cls, allowed in kind.tolerance.items()
    ]
    return "host-dependent; " + "; ".join(parts)
