"""The GEMM tables of the CPU and GPU pages: per machine, throughput per dtype and matrix size as
a fraction of the best that machine reached (its measured roof), and the theoretical peak."""

from __future__ import annotations

from sitetools import machines, records, strings
from sitetools.bench_tables import cell, milliseconds, with_case
from sitetools.site_data import Context


def render_gemm_table(ctx: Context) -> str:
    """Per machine: GEMM throughput per dtype and size, as a fraction of its measured roof."""
    lang = ctx.lang
    out = []
    for r, entry in with_case("gemm"):
        rows = [("", rec) for rec in entry["records"]]
        amx_off = records.case(r, "gemm_amx_off")
        if amx_off:
            rows += [("amx_off", rec) for rec in amx_off["records"] if "median_s" in rec]
        roofs: dict[str, float] = {}
        for _, rec in rows:
            if "ops_per_s" in rec:
                roofs[rec["variant"]] = max(roofs.get(rec["variant"], 0), rec["ops_per_s"])
        head = (
            [strings.text(k, lang) for k in ("dtype",)]
            + ["n"]
            + [strings.text(k, lang) for k in ("median", "iqr", "runs", "gops", "of_roof")]
        )
        lines = [
            f"**{machines.link(ctx, r)}**",
            "",
            "| " + " | ".join(head) + " |",
            "|---" * len(head) + "|",
        ]
        for kind, rec in rows:
            name = strings.text("amx_off", lang, dtype=rec["variant"]) if kind else rec["variant"]
            if "median_s" not in rec:
                why = strings.skip_reason(rec["skipped"], lang)
                reason = strings.text("not_measured_reason", lang, reason=why)
                lines.append(f"| {name} | {rec.get('n', '')} | {cell(reason)} | | | | |")
                continue
            ops = rec["ops_per_s"]
            lines.append(
                f"| {name} | {rec['n']} | {milliseconds(rec['median_s'])} | "
                f"{milliseconds(rec['iqr_s'], 2)} | "
                f"{rec['runs']} | {ops / 1e9:.1f} | {ops / roofs[rec['variant']]:.0%} |"
            )
        lines += ["", peak_sentence(r, roofs, lang)]
        out.append("\n".join(lines))
    return "\n\n".join(out)


def peak_sentence(record: dict, roofs: dict[str, float], lang: str) -> str:
    """The theoretical fp32 peak with its clock source, as a fraction only when it is not above
    100 %."""
    peak = record["host"]["theoretical_peak"].get("fp32")
    ghz = record["host"]["clock_ghz"]
    if not peak or not peak.get("ops_per_s") or "fp32" not in roofs:
        return ""
    fields = {
        "ghz": ghz,
        "dtype": "fp32",
        "peak": peak["ops_per_s"] / 1e9,
        "best": roofs["fp32"] / 1e9,
        "extension": peak["extension"],
        "per_cycle": peak["per_core_per_cycle"],
        "threads": record["identity"]["threads"],
        "fraction": roofs["fp32"] / peak["ops_per_s"],
    }
    key = "peak_ok" if roofs["fp32"] <= peak["ops_per_s"] else "peak_below"
    return strings.text(key, lang, **fields)


def render_gpu_gemm_table(ctx: Context) -> str:
    """Per GPU machine: GEMM throughput per dtype and size, as a fraction of the GPU's measured
    roof (the best throughput it reached in any dtype) and of the best of the same dtype."""
    lang = ctx.lang
    out = []
    for r, entry in with_case("gpu_gemm"):
        measured = [rec for rec in entry["records"] if "ops_per_s" in rec]
        roof = max(rec["ops_per_s"] for rec in measured)
        best = {}
        for rec in measured:
            best[rec["variant"]] = max(best.get(rec["variant"], 0), rec["ops_per_s"])
        head = (
            [strings.text(k, lang) for k in ("dtype",)]
            + ["n"]
            + [
                strings.text(k, lang)
                for k in ("median", "iqr", "tops", "of_gpu_roof", "of_dtype_roof")
            ]
        )
        lines = [
            f"**{machines.link(ctx, r)}**",
            "",
            "| " + " | ".join(head) + " |",
            "|---" * len(head) + "|",
        ]
        for rec in entry["records"]:
            if "ops_per_s" not in rec:
                why = strings.skip_reason(rec["skipped"], lang) if "skipped" in rec else "—"
                reason = strings.text("not_measured_reason", lang, reason=why)
                row = f"| {rec['variant']} | {rec.get('n', '')} | {cell(reason)} | | | | |"
                lines.append(row)
                continue
            ops = rec["ops_per_s"]
            lines.append(
                f"| {rec['variant']} | {rec['n']} | {milliseconds(rec['median_s'])} | "
                f"{milliseconds(rec['iqr_s'], 2)} | {ops / 1e12:.0f} | {ops / roof:.0%} | "
                f"{ops / best[rec['variant']]:.0%} |"
            )
        out.append("\n".join(lines))
    return "\n\n".join(out)
