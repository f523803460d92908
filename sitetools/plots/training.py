"""Figures of the mixed-precision chapter: number formats, training-step time, loss curves, GPU."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from sitetools import strings
from sitetools.plots.data import loss_pairs, measured, relative_difference
from sitetools.plots.style import t


def plot_formats(lang: str):
    """Not a measurement: the IEEE/bfloat16 layouts, drawn once per language."""
    layouts = [("fp32", 1, 8, 23), ("fp16", 1, 5, 10), ("bf16", 1, 8, 7)]
    fig, ax = plt.subplots(figsize=(8, 2.4))
    colors = {"sign": "#c62828", "exponent": "#1565c0", "mantissa": "#2e7d32"}
    for row, (name, *widths) in enumerate(layouts):
        y, x = len(layouts) - 1 - row, 0
        for part, width in zip(("sign", "exponent", "mantissa"), widths, strict=True):
            ax.barh(y, width, left=x, color=colors[part], edgecolor="white", height=0.6)
            ax.text(
                x + width / 2,
                y,
                f"{t(part, lang)} {width}" if width > 2 else str(width),
                ha="center",
                va="center",
                color="white",
                fontsize=8,
            )
            x += width
        ax.text(-0.5, y, name, ha="right", va="center", fontsize=10)
    ax.set_xlim(-4, 32)
    ax.set_axis_off()
    ax.set_title(t("formats_title", lang))
    return fig


def plot_training(results: dict, lang: str):
    rows = measured(results, "training")
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6, 3.6))
    names = [r["variant"] for r in rows]
    ax.bar(
        names,
        [r["median_s"] * 1e3 for r in rows],
        yerr=[r["iqr_s"] * 1e3 for r in rows],
        color=["C0" if "fp32" in n else "C1" for n in names],
        capsize=3,
    )
    ax.set_ylabel(t("ms", lang), fontsize=8)
    ax.set_title(t("training_title", lang))
    ax.tick_params(axis="x", labelsize=8)
    return fig


def plot_loss(results: dict, lang: str):
    """Per model, top: the loss curves (they lie on top of each other); bottom: how far each curve
    is from the fp32 curve, relative to it, step by step, around a zero line."""
    pairs = loss_pairs(results)
    if not pairs:
        return None
    fig, axes = plt.subplots(
        2,
        len(pairs),
        figsize=(4 * len(pairs) + 0.5, 5),
        squeeze=False,
        sharex="col",
        gridspec_kw={"height_ratios": (3, 2)},
    )
    for column, (model, (base, others)) in enumerate(pairs.items()):
        curves, delta = axes[0][column], axes[1][column]
        steps = range(1, len(base["loss_curve"]) + 1)
        curves.plot(
            steps, base["loss_curve"], "-", color="C0", label=strings.variant(base["variant"], lang)
        )
        for i, r in enumerate(others, start=1):
            label = strings.variant(r["variant"], lang)
            curves.plot(steps, r["loss_curve"], "--", color=f"C{i}", label=label)
            diff = relative_difference(r["loss_curve"], base["loss_curve"])
            delta.plot(steps, diff, "o-", ms=3, color=f"C{i}", label=label)
        delta.axhline(0, color="C0", lw=1)
        reach = max((abs(v) for line in delta.lines for v in line.get_ydata()), default=0)
        delta.set_ylim(-1.3 * reach or -1e-3, 1.3 * reach or 1e-3)
        delta.yaxis.set_major_formatter(lambda v, _: f"{v:+.2%}" if v else "0")
        curves.set_title(t(model, lang))
        curves.set_ylabel(t("loss", lang))
        curves.legend(fontsize=8)
        delta.set_xlabel(t("step", lang))
        delta.xaxis.set_major_locator(MaxNLocator(integer=True))
        delta.set_ylabel(
            t("loss_relative", lang, base=strings.variant(base["variant"], lang)), fontsize=8
        )
    fig.suptitle(t("loss_title", lang))
    return fig


def plot_gpu_training(results: dict, lang: str):
    """Left: time per training step of each variant (log scale: GPU and host CPU differ by orders of
    magnitude). Right: how far each loss curve is from the GPU fp32 curve, step by step."""
    rows = measured(results, "gpu_training")
    if not rows:
        return None
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8))
    names = [r["variant"] for r in rows][::-1]
    a1.barh(
        names,
        [r["median_s"] * 1e3 for r in rows][::-1],
        xerr=[r["iqr_s"] * 1e3 for r in rows][::-1],
        color=["C0" if n.startswith("GPU") else "C7" for n in names],
    )
    a1.set_xscale("log")
    a1.set_xlabel(t("ms", lang), fontsize=8)
    a1.tick_params(labelsize=7)
    base = next((r["loss_curve"] for r in rows if r["variant"] == "GPU fp32"), None)
    if base:
        for i, r in enumerate(rows):
            if r["variant"] != "GPU fp32" and r.get("loss_curve"):
                diff = [abs(a - b) for a, b in zip(r["loss_curve"], base, strict=True)]
                a2.plot(
                    range(1, len(diff) + 1), diff, "o-", ms=3, color=f"C{i}", label=r["variant"]
                )
        a2.set_yscale("symlog", linthresh=1e-4)
        a2.set_xlabel(t("step", lang))
        a2.set_ylabel(t("loss_diff", lang), fontsize=8)
        a2.legend(fontsize=6)
    fig.suptitle(t("gpu_training_title", lang))
    return fig
