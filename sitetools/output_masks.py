"""The masks of shown outputs: each rewrites one kind of machine-dependent text into a placeholder.

docs/outputs/kinds.yml names, per output, which of them apply (sitetools/outputs.py compares).
Nothing else may be masked: a number that changes from machine to machine for any other reason is
compared within a tolerance, and a word never changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Caps every x86-64 machine of the site reaches: a run capped at one of them prints the same
# kernels everywhere. A cap above them behaves as no cap on a CPU that lacks the extension.
CAPS_EVERYWHERE = ("SSE41", "AVX", "AVX2")


def _isa_kernels(text: str) -> str:
    """oneDNN's kernels per run (snippets/cpu/onednn_verbose.py, bf16_conv_caps.py,
    quantization/int8_kernels.py): a block headed "default:" runs at this CPU's best ISA, one
    headed "ONEDNN_MAX_CPU_ISA=<cap>:" with a cap above AVX2 at the best ISA up to the cap, so
    their indented lines (ISA, implementations, data types) depend on the CPU and become one
    placeholder line. Blocks capped at SSE41, AVX or AVX2 are compared as printed."""
    lines, out, masked = text.split("\n"), [], False
    for line in lines:
        if not line.startswith(" "):
            cap = line.removeprefix("ONEDNN_MAX_CPU_ISA=").removesuffix(":")
            capped = line.startswith("ONEDNN_MAX_CPU_ISA=") and cap not in CAPS_EVERYWHERE
            masked = line == "default:" or capped
            out.append(line)
            if masked:
                up_to = " up to the cap" if capped else ""
                out.append(f"  <the kernels oneDNN ran at this CPU's best ISA{up_to}>")
        elif not masked:
            out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class Mask:
    what: str  # one line: what it masks, for the declaration file's readers
    apply: Callable[[str], str]


def _sub(pattern: str, replacement: str) -> Callable[[str], str]:
    compiled = re.compile(pattern, re.M)
    return lambda text: compiled.sub(replacement, text)


_family_lists = _sub(r"^(  \S+ +)\S.*$", r"\1<extensions>")
_dispatch_isa = _sub(r"(dispatch(?:es)? to: ).+$", r"\1<isa>")

MASKS: dict[str, Mask] = {
    "timings": Mask(
        "a duration with its unit: 12.3 ms, 1.2 s, 850 us, 3.1 ns",
        _sub(r"\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s?(?:ns|us|µs|ms|s|min)\b", "<time>"),
    ),
    "throughputs": Mask(
        "a rate with its unit: 45.6 GFLOP/s, 12.1 GB/s, 300 it/s, 1.5k samples/s",
        _sub(
            r"\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[kMG]?\s?(?:[TGMk]?FLOP|[TGMk]i?B|it|samples|images|tokens)/s\b",
            "<throughput>",
        ),
    ),
    "cpu_name": Mask(
        'the CPU model and core count of a "CPU: <model>, <n> logical cores" line',
        _sub(r"^CPU: .+, \d+ logical cores$", "CPU: <cpu>, <n> logical cores"),
    ),
    "isa_list": Mask(
        "the extensions listed for each family (an indented '  <family>  <list>' line) and the ISA "
        "a library 'dispatches to:'",
        lambda text: _family_lists(_dispatch_isa(text)),
    ),
    "isa_kernels": Mask(
        "oneDNN's kernels at this CPU's best ISA: the blocks of runs named 'default:' or capped "
        "above AVX2 ('ONEDNN_MAX_CPU_ISA=AVX512_CORE:')",
        _isa_kernels,
    ),
    "this_cpu": Mask(
        "what a line says holds 'on this CPU:' (which kernels a library picks for this ISA)",
        _sub(r"(on this CPU: ).+$", r"\1<depends on the CPU>"),
    ),
    "addresses": Mask(
        "a memory address: 0x7f3a2c1d4e10", _sub(r"\b0x[0-9a-fA-F]{6,}\b", "<address>")
    ),
}
