"""Benchmark tables on the pages: every recorded machine side by side, in the page's language.

Renderers take the page Context and return Markdown; pages call them with placeholders such as
``<!-- render:bench-table training -->`` (see renderers() in sitetools/site_data.py).
"""

from __future__ import annotations

import importlib
import math

from sitetools import machines, records, strings
from sitetools.site_data import Context

# Optional record fields shown in the per-machine details (heads in strings.yml `columns`): format.
EXTRAS = {
    "n": "{:d}",
    "ops_per_s": lambda v: f"{v / 1e9:.1f}",
    "bytes_per_s": lambda v: f"{v / 1e9:.1f}",
    "relative_error": "{:.1e}",
    "max_abs_difference": "{:.1e}",
    "size_bytes": lambda v: f"{v / 1e6:.2f}",
    "peak_after_load_mb": "{:.0f}",
    "private_after_read_mb": "{:.0f}",
    "load_only_median_s": lambda v: f"{v * 1e3:.1f}",
    "accuracy": "{:.1%}",
    "agreement": "{:.1%}",
    "build_s": "{:.1f}",
}


def _fmt(value, fmt) -> str:
    if value is None:
        return "—"
    return fmt(value) if callable(fmt) else fmt.format(value)


def significant(value: float, digits: int = 3) -> str:
    """`digits` significant figures as format's `g` writes them, but never in exponent form:
    1543.2 -> "1540" (not "1.54e+03"), 1.812 -> "1.81", 1.8 -> "1.8"."""
    if value == 0:
        return "0"
    places = digits - 1 - math.floor(math.log10(abs(value)))
    text = f"{round(value, places):.{max(places, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def milliseconds(seconds: float, digits: int = 3) -> str:
    """A time in a table's ms column: 1.513 s -> "1510"."""
    return significant(seconds * 1e3, digits)


def cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def with_case(name: str) -> list[tuple[dict, dict]]:
    """(machine record, its case entry) for every machine that measured the case."""
    found = [(r, records.case(r, name)) for r in records.committed()]
    found = [(r, c) for r, c in found if c is not None]
    if not found:
        raise ValueError(f"no machine record has the case '{name}': run make bench")
    return found


def skipped_cell(skipped: str, lang: str) -> str:
    """The "not measured" cell, its reason in lang shown on hover."""
    reason = strings.skip_reason(skipped, lang).replace('"', "'")
    return f'<span title="{reason}">{strings.text("not_measured", lang)}</span>'


def mediancell(rec: dict | None, lang: str) -> str:
    if rec is None:
        return strings.text("not_on_machine", lang)
    if "skipped" in rec:
        return skipped_cell(rec["skipped"], lang)
    flag = " " + strings.text("noisy", lang) if rec.get("noisy") else ""
    return f"{milliseconds(rec['median_s'])} ({milliseconds(rec['iqr_s'], 2)}){flag}"


def speedup(entry: dict, rec: dict | None) -> float | None:
    """rec's speed relative to the variant it is compared with, in the same record."""
    if rec is None or "median_s" not in rec:
        return None
    base_id = records.baseline_of(entry, rec)
    base = next((r for r in entry["records"] if r["variant"] == base_id and "median_s" in r), None)
    return base["median_s"] / rec["median_s"] if base else None


def render_bench_host(ctx: Context, *cases: str) -> str:
    """Which machines measured this section, when, and how to rerun it."""
    found = [r for r in records.committed() if any(records.case(r, c) for c in cases)]
    if not found:
        raise ValueError(f"no machine record has the cases {', '.join(cases)}: run make bench")
    items = []
    for r in found:
        dates = sorted({records.case(r, c)["date"][:10] for c in cases if records.case(r, c)})
        dates_text = strings.text("enum_sep", ctx.lang).join(dates)
        items.append(
            strings.text("with_note", ctx.lang, text=machines.link(ctx, r), note=dates_text)
        )
    return (
        '<p class="bench-host">'
        + strings.text(
            "measured_on",
            ctx.lang,
            count=len(found),
            machines=strings.text("enum_sep", ctx.lang).join(items),
            href=machines.machines_href(ctx),
            args=rerun_args(cases),
        )
        + "</p>"
    )


def rerun_args(cases: tuple[str, ...]) -> str:
    """The make bench ARGS that remeasure these cases (GPU cases run only with --gpu)."""
    from sitetools.bench.measure import CASES

    importlib.import_module("sitetools.bench.cases")  # registers every case in CASES

    gpu = any(CASES[c].gpu for c in cases if c in CASES)
    return ("--gpu " if gpu else "") + "--only " + ",".join(cases)


def render_bench_table(ctx: Context, case: str) -> str:
    """Median (IQR) and speedup per variant, a column pair per machine; full data per machine
    folded below."""
    lang = ctx.lang
    found = with_case(case)
    variants = list(dict.fromkeys(rec["variant"] for _, entry in found for rec in entry["records"]))
    head = [strings.text("variant", lang), strings.text("compared_with", lang)]
    for r, _ in found:
        head += [
            f"{machines.label(r, lang)}<br>{strings.text('median_iqr', lang)}",
            strings.text("speedup", lang),
        ]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    noisy = False
    for variant in variants:
        some = next(rec for _, e in found for rec in e["records"] if rec["variant"] == variant)
        base = records.baseline_of(next(e for _, e in found if some in e["records"]), some)
        cells = [strings.variant(variant, lang), strings.variant(base, lang) if base else "—"]
        for _, entry in found:
            rec = next((x for x in entry["records"] if x["variant"] == variant), None)
            noisy |= bool(rec and rec.get("noisy"))
            ratio = speedup(entry, rec)
            cells += [mediancell(rec, lang), f"{ratio:.2f}×" if ratio else "—"]
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    out = "\n".join(lines)
    if noisy:
        out += "\n\n" + strings.text("noisy_note", lang, threshold=records.NOISE_THRESHOLD)
    return out + "\n\n" + details(ctx, found)


def details(ctx: Context, found: list[tuple[dict, dict]]) -> str:
    """A folded block: per machine, every field of every variant."""
    lang = ctx.lang
    parts = [f'??? info "{strings.text("details", lang)}"']
    for r, entry in found:
        rows = entry["records"]
        extras = [k for k in EXTRAS if any(rec.get(k) is not None for rec in rows)]
        head = [strings.text(k, lang) for k in ("variant", "median", "iqr", "runs")]
        head += [strings.column(k, lang) for k in extras]
        note = strings.text("note_pair", lang, first=entry["date"], second=f"`{entry['command']}`")
        parts += [
            "",
            "    "
            + strings.text("with_note", lang, text=f"**{machines.label(r, lang)}**", note=note),
            "",
            "    | " + " | ".join(head) + " |",
            "    " + "|---" * len(head) + "|",
        ]
        for rec in rows:
            if "median_s" in rec:
                cells = [
                    strings.variant(rec["variant"], lang),
                    milliseconds(rec["median_s"]),
                    milliseconds(rec["iqr_s"], 2),
                    str(rec["runs"]),
                ]
            else:
                why = (
                    strings.skip_reason(rec["skipped"], lang)
                    if "skipped" in rec
                    else strings.text("same_as", lang, level=rec.get("same_as"))
                )
                cells = [
                    strings.variant(rec["variant"], lang),
                    strings.text("not_measured_reason", lang, reason=why),
                    "",
                    "",
                ]
            cells += [_fmt(rec.get(k), EXTRAS[k]) for k in extras]
            parts.append("    | " + " | ".join(cell(c) for c in cells) + " |")
    return "\n".join(parts)


def render_bench_ratio(ctx: Context, case: str, variant: str) -> str:
    """One clause per machine: how fast `variant` runs against its baseline there."""
    lang = ctx.lang
    clauses = []
    for r, entry in with_case(case):
        rec = next((x for x in entry["records"] if x["variant"] == variant), None)
        ratio = speedup(entry, rec)
        label = machines.link(ctx, r)
        if ratio is None:
            clauses.append(
                strings.text(
                    "ratio_missing", lang, machine=label, variant=strings.variant(variant, lang)
                )
            )
        else:
            base = strings.variant(records.baseline_of(entry, rec), lang)
            clauses.append(
                strings.text(
                    "ratio_sentence",
                    lang,
                    machine=label,
                    ratio=ratio,
                    variant=strings.variant(variant, lang),
                    baseline=base,
                )
            )
    return (
        strings.text("ratio_intro", lang)
        + strings.text("list_sep", lang).join(clauses)
        + strings.text("ratio_end", lang)
    )


def render_bench_ratio_words(ctx: Context, case: str, *variant: str) -> str:
    """bench-ratio as pages write it, ``<!-- render:bench-ratio CASE VARIANT -->``: placeholder
    arguments are split on whitespace, and most variant ids contain spaces, so the words after CASE
    are the variant id."""
    name = " ".join(variant)
    found = with_case(case)
    if not any(rec["variant"] == name for _, entry in found for rec in entry["records"]):
        raise ValueError(f"no machine record has the variant '{name}' in the case '{case}'")
    noisy = []
    for r, entry in found:  # machines where the variant or its baseline is flagged noisy
        rec = next((x for x in entry["records"] if x["variant"] == name), None)
        base = rec and records.baseline_of(entry, rec)
        if rec and any(x.get("noisy") for x in entry["records"] if x["variant"] in (name, base)):
            noisy.append(machines.link(ctx, r))
    out = render_bench_ratio(ctx, case, name)
    if noisy:
        joined = strings.text("list_sep", ctx.lang).join(noisy)
        out += strings.text(
            "noisy_ratio", ctx.lang, machines=joined, threshold=records.NOISE_THRESHOLD
        )
    return out
