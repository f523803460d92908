"""The instruction-set ladder on the CPU and AMX pages: per machine, a table of the workloads under
each cap, one sentence per step on what that step changed, and the kernels that ran (all from the
record)."""

from __future__ import annotations

import itertools

from sitetools import bench_tables, machines, records, strings
from sitetools.bench.ladder_levels import CAP_LIBRARY, LEVELS
from sitetools.site_data import Context


def _levels(entry: dict) -> list[str]:
    return list(dict.fromkeys(r["level"] for r in entry["records"]))


def resolved(entry: dict, rec: dict | None) -> dict | None:
    """The record whose figure applies: for "same kernels as X", X's record."""
    while rec is not None and "same_as" in rec:
        rec = next(
            (
                r
                for r in entry["records"]
                if r["workload"] == rec["workload"] and r["level"] == rec["same_as"]
            ),
            None,
        )
    return rec if rec is not None and "median_s" in rec else None


def figure(rec: dict) -> float:
    """GEMM: G ops/s; models: milliseconds."""
    return rec["ops_per_s"] / 1e9 if "ops_per_s" in rec else rec["median_s"] * 1e3


def level_label(entry: dict, level: str, lang: str) -> str:
    if level == "default":
        return strings.text("ladder_uncapped", lang)
    return next(r["level_label"] for r in entry["records"] if r["level"] == level)


def table(entry: dict, lang: str) -> str:
    levels, workloads = _levels(entry), list(dict.fromkeys(r["workload"] for r in entry["records"]))
    cell = {(r["level"], r["workload"]): r for r in entry["records"]}
    head = [strings.text("level", lang)] + [strings.variant(w, lang) for w in workloads]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for level in levels:
        cells = [level_label(entry, level, lang)]
        for w in workloads:
            rec = cell.get((level, w))
            if rec is None:
                cells.append("—")
            elif "same_as" in rec:
                cells.append(
                    strings.text("same_as", lang, level=level_label(entry, rec["same_as"], lang))
                )
            elif "skipped" in rec:
                cells.append(bench_tables.skipped_cell(rec["skipped"], lang))
            else:
                flag = " " + strings.text("noisy", lang) if rec.get("noisy") else ""
                cells.append(bench_tables.significant(figure(rec)) + flag)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def added_flags(lower: str, upper: str, lang: str) -> str:
    below = next(lv for lv in LEVELS if lv["id"] == lower)
    above = next(lv for lv in LEVELS if lv["id"] == upper)
    if upper == "default":
        return strings.text("ladder_all", lang)
    new = [f for f in above["needs"] if f not in below["needs"]]
    return ", ".join(f"`{f}`" for f in new) or "—"


CLEAR = 0.10  # a ratio within 10 % of 1 is reported as "no clear change", not as a speedup


def steps(entry: dict, lang: str) -> list[str]:
    """One sentence per level: each workload whose kernels changed, with its speed relative to the
    level below; changes within CLEAR of 1 are listed as kernels that changed without a clear
    effect. Workloads timed again with the same kernel names (a oneDNN gemm_api call names no
    kernel, ladder_worker.names_its_code) get a clause of their own, with their ratios."""
    levels = _levels(entry)
    cell = {(r["level"], r["workload"]): r for r in entry["records"]}
    workloads = list(dict.fromkeys(r["workload"] for r in entry["records"]))
    sep = strings.text("list_sep", lang)
    out = [strings.text("ladder_first", lang, level=level_label(entry, levels[0], lang))]
    for lower, upper in itertools.pairwise(levels):
        clear, flat, unnamed = [], [], []
        for w in workloads:
            rec = cell.get((upper, w))
            before, now = resolved(entry, cell.get((lower, w))), resolved(entry, rec)
            if rec is None or "same_as" in rec or before is None or now is None:
                continue
            ratio = before["median_s"] / now["median_s"]
            change = strings.text(
                "ladder_change", lang, workload=strings.variant(w, lang), ratio=ratio
            )
            if before["kernels"] == now["kernels"]:
                unnamed.append(change)
            elif abs(ratio - 1) > CLEAR:
                clear.append(change)
            else:
                flat.append(strings.variant(w, lang))
        enum = strings.text("enum_sep", lang)
        parts = clear[:]
        if flat:
            parts.append(strings.text("ladder_flat", lang, workloads=enum.join(flat)))
        if unnamed:
            parts.append(strings.text("ladder_unnamed", lang, workloads=enum.join(unnamed)))
        if clear or flat or unnamed:
            parts.append(strings.text("ladder_unchanged", lang))
        out.append(
            strings.text(
                "ladder_step",
                lang,
                level=level_label(entry, upper, lang),
                added=added_flags(lower, upper, lang),
                changes=sep.join(parts) or strings.text("ladder_nochange", lang),
            )
        )
    return out


def kernels(entry: dict, lang: str) -> str:
    parts = [f'??? info "{strings.text("kernels", lang)}"', ""]
    for level in _levels(entry):
        recs = [r for r in entry["records"] if r["level"] == level]
        caps = " ".join(f"{k}={v}" for k, v in recs[0]["caps"].items()) or strings.text(
            "ladder_uncapped", lang
        )
        parts += [f"    **{level_label(entry, level, lang)}**: `{caps}`", "", "    ```text"]
        for r in recs:
            parts.append(f"    {r['workload']}:")
            parts += [f"      {k}" for k in r["kernels"]] or ["      -"]
        parts += ["    ```", ""]
    return "\n".join(parts)


def render_isa_ladder(ctx: Context) -> str:
    """Every machine's ladder (machines without one are not listed)."""
    lang = ctx.lang
    out = []
    for r in records.committed():
        entry = records.case(r, "isa_ladder")
        if entry is None:
            continue
        out += [
            strings.text(
                "with_note", lang, text=f"**{machines.link(ctx, r)}**", note=entry["date"]
            ),
            "",
            table(entry, lang),
            "",
            strings.text("ladder_units", lang) + " " + strings.text("same_as_note", lang),
            "",
        ]
        out += ["- " + s for s in steps(entry, lang)] + [""]
        out += [kernels(entry, lang), ""]
    if not out:
        raise ValueError("no machine record has the isa_ladder case: run make bench")
    caps = strings.text("list_sep", lang).join(
        strings.text("cap_applies", lang, variable=f"`{k}`", library=v)
        for k, v in CAP_LIBRARY.items()
    )
    return "\n".join(out) + "\n" + caps + strings.text("ratio_end", lang)
