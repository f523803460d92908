"""Headline results on the home page, rendered from the benchmark records: one clause per machine
whose record has the case, never a number typed by hand.

``<!-- render:headline-ladder CNN fp32 -->``: a workload's time at each instruction-set level.
``<!-- render:headline-int8 -->``: the fastest and the slowest int8 path of the quantization case
against fp32, with their test accuracy.
"""

from __future__ import annotations

from sitetools import bench_tables, ladder_pages, machines, records, strings
from sitetools.site_data import Context


def sentence(clauses: list[str], lang: str) -> str:
    return (
        strings.text("ratio_intro", lang)
        + strings.text("list_sep", lang).join(clauses)
        + strings.text("ratio_end", lang)
    )


def ladder_times(entry: dict, workload: str) -> list[tuple[str, float]]:
    """(level id, seconds) of a workload at each level that has a figure, lowest level first."""
    out = []
    for level in dict.fromkeys(r["level"] for r in entry["records"]):
        rec = next(
            (r for r in entry["records"] if r["level"] == level and r["workload"] == workload),
            None,
        )
        resolved = ladder_pages.resolved(entry, rec)
        if resolved is not None:
            out.append((level, resolved["median_s"]))
    return out


def render_headline_ladder(ctx: Context, *words: str) -> str:
    """Per machine with an instruction-set ladder: the workload's milliseconds at each level and
    how much faster the highest level runs than the lowest."""
    workload, lang = " ".join(words), ctx.lang
    clauses = []
    for r in records.committed():
        entry = records.case(r, "isa_ladder")
        times = ladder_times(entry, workload) if entry else []
        if len(times) < 2:
            continue
        steps = strings.text("step_arrow", lang).join(
            strings.text(
                "headline_level", lang, level=ladder_pages.level_label(entry, lv, lang), ms=s * 1e3
            )
            for lv, s in times
        )
        clauses.append(
            strings.text(
                "headline_ladder",
                lang,
                machine=machines.link(ctx, r),
                workload=strings.variant(workload, lang),
                steps=steps,
                ratio=times[0][1] / times[-1][1],
            )
        )
    if not clauses:
        raise ValueError(f"no machine record has the workload '{workload}' on an isa_ladder")
    return sentence(clauses, lang)


def int8_by_speed(entry: dict) -> tuple[dict, list[dict]] | None:
    """(the fp32 baseline, the measured int8 variants fastest first) of a quantization case."""
    base = next(
        (r for r in entry["records"] if r["variant"] == entry.get("baseline") and "median_s" in r),
        None,
    )
    int8 = [r for r in entry["records"] if r["variant"].startswith("int8") and "median_s" in r]
    if base is None or not int8:
        return None
    return base, sorted(int8, key=lambda r: r["median_s"])


def render_headline_int8(ctx: Context) -> str:
    """Per machine with the quantization case: how many int8 paths were measured, the fastest one's
    speed and accuracy against fp32, and the slowest one's speed."""
    lang = ctx.lang
    clauses = []
    for r, entry in bench_tables.with_case("quantization"):
        found = int8_by_speed(entry)
        if found is None:
            continue
        base, int8 = found
        fast, slow = int8[0], int8[-1]
        clauses.append(
            strings.text(
                "headline_int8",
                lang,
                machine=machines.link(ctx, r),
                count=len(int8),
                fast=strings.variant(fast["variant"], lang),
                fast_ratio=bench_tables.speedup(entry, fast),
                fast_accuracy=fast["accuracy"],
                base_accuracy=base["accuracy"],
                slow=strings.variant(slow["variant"], lang),
                slow_ratio=bench_tables.speedup(entry, slow),
            )
        )
    if not clauses:
        raise ValueError("no machine record has a measured int8 variant in the quantization case")
    return sentence(clauses, lang)
