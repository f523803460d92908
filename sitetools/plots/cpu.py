"""Figures of the CPU chapters: GEMM throughput over sizes, and the instruction-set ladder."""

from __future__ import annotations

import matplotlib.pyplot as plt

from sitetools.plots.data import measured
from sitetools.plots.style import t


def plot_gemm(results: dict, lang: str):
    rows = measured(results, "gemm")
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, dtype in enumerate(("fp32", "bf16", "int8")):
        pts = [(r["n"], r["ops_per_s"] / 1e9) for r in rows if r["variant"] == dtype]
        if pts:
            ax.plot(*zip(*pts, strict=True), "o-", color=f"C{i}", label=dtype)
        off = [
            (r["n"], r["ops_per_s"] / 1e9)
            for r in measured(results, "gemm_amx_off")
            if r["variant"] == dtype
        ]
        if off:
            ax.plot(
                *zip(*off, strict=True),
                "s--",
                color=f"C{i}",
                alpha=0.6,
                label=t("amx_off", lang, dtype=dtype),
            )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(t("size", lang))
    ax.set_ylabel(t("gops", lang))
    ax.set_title(t("gemm_title", lang))
    ax.legend(fontsize=8)
    return fig


def plot_ladder(results: dict, lang: str):
    rows = [r for r in results["records"] if r["case"] == "isa_ladder"]
    if not rows:
        return None
    levels = list(dict.fromkeys(r["level"] for r in rows))
    labels = {r["level"]: r["level_label"] for r in rows}
    groups = [("GEMM", None)] + [
        (m, m) for m in ("MLP", "CNN") if any(r["workload"].startswith(m) for r in rows)
    ]
    fig, axes = plt.subplots(1, len(groups), figsize=(3.6 * len(groups) + 1, 3.8), squeeze=False)

    def value(r: dict, workload: str) -> float | None:
        while r is not None and "same_as" in r:  # same kernels: the value measured at that level
            r = next(
                (q for q in rows if q["workload"] == workload and q["level"] == r["same_as"]), None
            )
        if r is None or "median_s" not in r:
            return None
        return r["ops_per_s"] / 1e9 if "ops_per_s" in r else r["median_s"]

    for ax, (group, model) in zip(axes[0], groups, strict=True):
        workloads = list(
            dict.fromkeys(r["workload"] for r in rows if r["workload"].startswith(group))
        )
        for i, workload in enumerate(workloads):
            by_level = {r["level"]: r for r in rows if r["workload"] == workload}
            points = [(k, value(by_level.get(lv), workload)) for k, lv in enumerate(levels)]
            first = next((v for _, v in points if v), None)
            xs = [k for k, v in points if v]
            if model:  # models: speedup over the lowest level that ran
                ys = [first / v for _, v in points if v]
            else:
                ys = [v for _, v in points if v]
            ax.plot(xs, ys, "o-", color=f"C{i}", label=workload.split(" ", 1)[1])
            for k, lv in enumerate(levels):
                r = by_level.get(lv)
                if r and "same_as" in r and k in xs:
                    ax.plot(k, ys[xs.index(k)], "o", mfc="white", color=f"C{i}")
        ax.set_xticks(
            range(len(levels)), [labels[lv] for lv in levels], rotation=30, ha="right", fontsize=7
        )
        if model:
            ax.yaxis.set_major_formatter(lambda v, _: f"{v:.1f}×")
        else:
            ax.set_yscale("log")
        n = next((r.get("n") for r in rows if r.get("n")), None)
        ax.set_title(
            t("ladder_model", lang, model=model) if model else t("ladder_gemm", lang, n=n or "?"),
            fontsize=9,
        )
        ax.legend(fontsize=7)
    fig.suptitle(t("ladder_title", lang))
    return fig
