"""CPU chapter: GEMM throughput per dtype, GEMM with AMX capped off, memory bandwidth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record
from sitetools.fingerprint import host_flags


@case("gemm", "GEMM fp32 / bf16 / int8 over sizes")
def case_gemm(s: Settings) -> list[dict]:
    gemm = snippets.load("cpu/gemm")
    sizes = (128, 256, 512) if s.quick else (256, 512, 1024, 2048)
    out = []
    for dtype in gemm.DTYPES:
        previous = None  # (n, median seconds) of the last measured size
        for n in sizes:
            predicted = (
                previous[1] * (n / previous[0]) ** 3 if previous else 0.0
            )  # GEMM time grows as n^3
            if predicted > s.max_call_seconds:
                reason = (
                    f"predicted {predicted:.0f} s per call from n={previous[0]}, "
                    f"over the {s.max_call_seconds:g} s budget"
                )
                out.append(record(dtype, {"skipped": reason}, n=n))
                continue
            a, b = gemm.gemm_operands(n, dtype)
            result = measure(lambda a=a, b=b: gemm.gemm(a, b), s)
            if "median_s" in result:
                result["ops_per_s"] = gemm.gemm_ops(n) / result["median_s"]
                previous = (n, result["median_s"])
            out.append(record(dtype, result, n=n))
    return out


@case("gemm_amx_off", "GEMM with AMX capped off through ONEDNN_MAX_CPU_ISA", quick=False)
def case_gemm_amx_off(s: Settings) -> list[dict]:
    if "amx_tile" not in host_flags():
        reason = "this CPU has no AMX (no amx_tile flag): there is nothing to cap off"
        return [record(d, {"skipped": reason}) for d in ("bf16", "int8")]
    env = dict(os.environ, ONEDNN_MAX_CPU_ISA="AVX512_CORE_BF16")
    cmd = [sys.executable, "-m", "sitetools.bench", "--worker", "gemm", "--threads", str(s.threads)]
    if s.quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"AMX-off worker failed: {done.stderr[-1000:]}")
    return [r for r in json.loads(done.stdout) if r["variant"] in ("bf16", "int8")]


@case("bandwidth", "Memory bandwidth: STREAM-like triad")
def case_bandwidth(s: Settings) -> list[dict]:
    triad = snippets.load("cpu/triad")
    n = 1 << (23 if s.quick else 25)  # 32 MiB or 128 MiB per array, far beyond the caches
    a, b, c = triad.triad_arrays(n)
    result = measure(lambda: triad.triad(a, b, c), s)
    result["bytes_per_s"] = triad.triad_bytes(n) / result["median_s"]
    return [record("triad", result, n=n, bytes=triad.triad_bytes(n))]
