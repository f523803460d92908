"""The fingerprint of a machine: what identifies it, and the slug its benchmark record is named by.

Two runs belong in the same record only when their identity (CPU model and numbers, the
instruction-set flags the site discusses, oneDNN's and PyTorch's dispatch ISA, cores, threads,
library versions, and the GPU if one is used) is equal. Anything else about the host (kernel,
nominal clock, date) is described, not identifying.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import platform
import re
from pathlib import Path

from sitetools import snippets

LIBRARIES = ("torch", "torchao", "onnxruntime", "onnx", "numpy")
# The extension that names a machine in its slug: the first of these its flags contain.
SLUG_ISA = (
    ("amx_bf16", "amx"),
    ("avx512_fp16", "avx512fp16"),
    ("avx512_bf16", "avx512bf16"),
    ("avx512_vnni", "avx512vnni"),
    ("avx512f", "avx512"),
    ("avx2", "avx2"),
    ("avx", "avx"),
)


def cpuinfo_text() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def host_flags() -> set[str]:
    """This CPU's /proc/cpuinfo flags (empty off x86 Linux)."""
    return snippets.load("cpu/detect_isa").cpu_flags(cpuinfo_text())


def cpuinfo_field(cpuinfo: str, name: str) -> str | None:
    """The value of the first `name : value` line of a /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


# The /proc/cpuinfo flags a machine's identity holds: the SIMD and matrix extensions that decide
# which kernels run. Fixed here, not read from docs/data/isa.yml, so that adding a row to the
# table (CLMUL, POPCNT, ...) never renames a machine whose record is committed. A new flag that
# changes which kernels run (say of AVX10) is added here together with the records it renames.
FINGERPRINT_FLAGS = frozenset(
    """3dnow aes amx_bf16 amx_int8 amx_tile avx avx2 avx512_bf16 avx512_bitalg avx512_fp16
    avx512_vbmi2 avx512_vnni avx512_vpopcntdq avx512bw avx512cd avx512dq avx512f avx512ifma
    avx512vbmi avx512vl avx_vnni f16c fma fma4 mmx mmxext pni sse sse2 sse4_1 sse4_2 sse4a
    ssse3 xop""".split()
)


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = __import__(name).__version__
        except Exception as exc:  # an optional library that does not import is named, not hidden
            versions[name] = f"unavailable ({type(exc).__name__})"
    return versions


def gpu_identity() -> dict | None:
    """Name, memory, compute capability, driver-side CUDA version of GPU 0; None without CUDA."""
    import torch

    if not torch.cuda.is_available():
        return None
    p = torch.cuda.get_device_properties(0)
    return {
        "name": p.name,
        "memory_gib": round(p.total_memory / 2**30, 1),
        "capability": f"{p.major}.{p.minor}",
        "multiprocessors": p.multi_processor_count,
        "cuda": torch.version.cuda,
    }


def identity(threads: int, gpu: bool = False) -> dict:
    """What identifies this machine and software for the benchmark records (a fresh copy; the
    machine is looked at once per process)."""
    return copy.deepcopy(_identity(threads, gpu))


@functools.cache
def _identity(threads: int, gpu: bool) -> dict:
    import torch

    detect = snippets.load("cpu/detect_isa")
    info = cpuinfo_text()
    flags = detect.cpu_flags(info)

    def number(name: str) -> int | None:
        value = cpuinfo_field(info, name)
        return int(value) if value and value.isdigit() else None

    ident = {
        "cpu": detect.cpu_model(info) if info else platform.processor() or platform.machine(),
        "vendor": cpuinfo_field(info, "vendor_id") or "unknown",
        "family": number("cpu family"),
        "model": number("model"),
        "machine": platform.machine(),
        "cores": os.cpu_count() or 1,
        "threads": threads,
        "isa_flags": sorted(flags & FINGERPRINT_FLAGS),
        "pytorch_capability": torch.backends.cpu.get_cpu_capability(),
        "onednn_isa": detect.onednn_isa(),
        "python": "{}.{}".format(*platform.python_version_tuple()[:2]),
        "versions": library_versions(),
    }
    if gpu:
        ident["gpu"] = gpu_identity()
    return ident


def identity_hash(ident: dict) -> str:
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:8]


def slug(ident: dict) -> str:
    """A readable, stable file name: CPU words, top extension, threads, GPU, and a hash of the
    identity."""
    words = re.sub(r"\((r|tm)\)|\b(cpu|processor|\d+-core)\b|@.*$", " ", ident["cpu"].lower())
    words = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:40].strip("-") or "cpu"
    flags = set(ident["isa_flags"])
    isa = next(
        (name for flag, name in SLUG_ISA if flag in flags),
        "x86" if ident["machine"] == "x86_64" else "cpu",
    )
    parts = [words, isa, f"{ident['threads']}t"]
    if ident.get("gpu"):
        parts.append(re.sub(r"[^a-z0-9]+", "-", ident["gpu"]["name"].lower()).strip("-"))
    return "-".join(parts + [identity_hash(ident)])


def clock_ghz() -> tuple[float | None, str]:
    """The nominal clock from /proc/cpuinfo ('cpu MHz'); turbo and throttling are not visible in a
    VM."""
    value = cpuinfo_field(cpuinfo_text(), "cpu MHz")
    if value:
        return float(value) / 1000, "nominal 'cpu MHz' of /proc/cpuinfo (turbo not visible)"
    return None, "unknown: /proc/cpuinfo has no 'cpu MHz'"


def theoretical_peaks(flags: set[str], threads: int, ghz: float | None) -> dict:
    """Best per-cycle peak per dtype among the extensions these flags show (isa.yml 'peak'), times
    the threads and the clock."""
    from sitetools import site_data

    peaks: dict[str, dict] = {}
    for entry in site_data.isa_entries():
        if entry.get("peak") and entry["flags"] and set(entry["flags"]) <= flags:
            for dtype, per_cycle in entry["peak"].items():
                if per_cycle > peaks.get(dtype, {}).get("per_core_per_cycle", 0):
                    peaks[dtype] = {"per_core_per_cycle": per_cycle, "extension": entry["name"]}
    for p in peaks.values():
        p["ops_per_s"] = p["per_core_per_cycle"] * threads * ghz * 1e9 if ghz else None
    return peaks


def description(ident: dict) -> dict:
    """What describes the host without identifying it: kernel, nominal clock, theoretical peaks."""
    ghz, source = clock_ghz()
    return {
        "system": f"{platform.system()} {platform.release()}",
        "clock_ghz": ghz,
        "clock_source": source,
        "theoretical_peak": theoretical_peaks(set(ident["isa_flags"]), ident["threads"], ghz),
    }
