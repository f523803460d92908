"""Timing and the case registry: median and spread with torch.utils.benchmark, noisy variants
rerun once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sitetools.records import NOISE_THRESHOLD


@dataclass
class Settings:
    quick: bool
    threads: int
    # isa_ladder: only these levels (empty: every level the CPU supports)
    levels: tuple[str, ...] = ()

    @property
    def min_run_time(self) -> float:
        return 0.2 if self.quick else 1.0

    @property
    def max_call_seconds(self) -> float:
        """A variant whose single call takes longer than this is skipped, with the estimate as
        reason."""
        return 0.5 if self.quick else 5.0


def _timed(fn: Callable[[], object], settings: Settings, estimate: float) -> dict:
    import torch.utils.benchmark as benchmark

    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn}, num_threads=settings.threads)
    m = timer.blocked_autorange(min_run_time=max(settings.min_run_time, 3.2 * estimate))
    times = sorted(m.times)
    return {
        "median_s": m.median,
        "iqr_s": m.iqr,
        "min_s": times[0],
        "max_s": times[-1],
        "runs": len(times),
        "calls_per_run": m.number_per_run,
    }


def spread(result: dict) -> float:
    return result["iqr_s"] / result["median_s"]


def measure(fn: Callable[[], object], settings: Settings) -> dict:
    """Median and spread of fn(): a warm-up, then at least 3 timed blocks. A result whose
    IQR/median exceeds NOISE_THRESHOLD is measured again; the steadier of the two is kept, flagged
    if still noisy."""
    fn()  # warm-up: first-call costs (allocation, lazy initialization, compilation)
    start = time.perf_counter()
    fn()
    estimate = time.perf_counter() - start
    if estimate > settings.max_call_seconds:
        return {
            "skipped": f"one call takes about {estimate:.1f} s, "
            f"over the {settings.max_call_seconds:g} s budget per call "
            f"of {'quick' if settings.quick else 'full'} mode"
        }
    result = _timed(fn, settings, estimate)
    if spread(result) > NOISE_THRESHOLD:
        again = _timed(fn, settings, estimate)
        result = min(result, again, key=spread)
        if spread(result) > NOISE_THRESHOLD:
            result["noisy"] = True
    return result


def record(variant: str, result: dict, **extra) -> dict:
    return {"variant": variant, **extra, **result}


@dataclass
class Case:
    name: str
    title: str
    run: Callable[[Settings], list[dict]]
    quick: bool = True  # part of the quick set
    baseline: str | None = None  # the variant others are compared with (records may name their own)
    gpu: bool = False  # runs only with --gpu, on a CUDA device


CASES: dict[str, Case] = {}


def case(
    name: str, title: str, *, quick: bool = True, baseline: str | None = None, gpu: bool = False
):
    """Register a benchmark case; the module it lives in is its chapter's."""

    def register(fn):
        if name in CASES:
            raise ValueError(f"benchmark case {name!r} is registered twice")
        CASES[name] = Case(name, title, fn, quick, baseline, gpu)
        return fn

    return register


def relative_error(out, reference) -> float:
    return float((out.float() - reference.float()).norm() / reference.float().norm())


# A variant is timed only if its output is what it claims to be. An int8 path whose output equals
# the fp32 model's to within float rounding computed nothing in int8 (seen with torch 2.11 + torchao
# 0.18, whose PT2E conversion left the model in floating point); a path whose output is further
# from fp32's than fp32's own size is wrong (seen with an unfrozen PT2E MLP compiled by Inductor).
NOT_QUANTIZED_BELOW = 1e-5
WRONG_ABOVE = 1.0


NOT_QUANTIZED = "no quantization took effect"  # how the skip reason of such a variant begins


def invalid(variant: str, error: float | None) -> str | None:
    """The skip reason of a variant whose output shows it is not what its name says, or None."""
    if error is None:
        return None
    if error > WRONG_ABOVE:
        return f"the output is wrong: relative error {error:.3g} to fp32, so it is not timed"
    if "int8" in variant and error < NOT_QUANTIZED_BELOW:
        return (
            f"{NOT_QUANTIZED}: the output equals fp32's "
            f"(relative error {error:.0e}), so its time is not an int8 time"
        )
    return None
