"""Figures of the inference chapters: speedups, quantization, pruning, loading a state_dict."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from sitetools.plots.data import measured, speedups
from sitetools.plots.style import t


def plot_inference(results: dict, lang: str):
    cases = [
        (c, t(k, lang))
        for c, k in (("mlp_inference", "mlp"), ("cnn_inference", "cnn"))
        if any(r["case"] == c for r in results["records"])
    ]
    if not cases:
        return None
    fig, axes = plt.subplots(1, len(cases), figsize=(8, 4.2), squeeze=False)
    for ax, (case, label) in zip(axes[0], cases, strict=True):
        data = speedups(results, case)
        names = [d[0] for d in data][::-1]
        values = [d[1] or 0 for d in data][::-1]
        colors = ["#c62828" if v and v < 1 else "#2e7d32" for v in values]
        ax.barh(names, values, color=colors)
        ax.axvline(1, color="black", lw=0.8)
        for y, v in enumerate(values):
            ax.text(
                v,
                y,
                f" {v:.2f}×" if v else " " + t("not_measured_short", lang),
                va="center",
                fontsize=7,
            )
        ax.set_xscale("log")
        ax.set_title(label)
        ax.set_xlabel(t("speedup", lang))
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(t("inference_title", lang))
    return fig


def plot_quantization(results: dict, lang: str):
    rows = measured(results, "quantization")
    if not rows:
        return None
    base = rows[0]["median_s"]
    names = [r["variant"] for r in rows][::-1]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.8), sharey=True)
    a1.barh(names, [base / r["median_s"] for r in rows][::-1], color="C0")
    a1.axvline(1, color="0.3", lw=0.8)
    a1.set_xlabel(t("quant_speed", lang), fontsize=8)
    accs = [r["accuracy"] for r in rows][::-1]
    a2.barh(names, accs, color="C2")
    a2.set_xlim(min(accs) - 0.02, max(accs) + 0.01)
    a2.set_xlabel(t("quant_acc", lang), fontsize=8)
    a2.xaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    for ax in (a1, a2):
        ax.tick_params(labelsize=7)
    fig.suptitle(t("quant_title", lang))
    return fig


def plot_sparsity(results: dict, lang: str):
    rows = measured(results, "pruning_curve")
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for i, method in enumerate(dict.fromkeys(r["method"] for r in rows)):
        points = sorted((r["sparsity"], r["accuracy"]) for r in rows if r["method"] == method)
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            "o-",
            color=f"C{i}",
            label=t(method, lang),
        )
    ax.set_xlabel(t("removed", lang))
    ax.set_ylabel(t("quant_acc", lang))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(fontsize=8)
    ax.set_title(t("sparsity_title", lang))
    return fig


def plot_load(results: dict, lang: str):
    rows = measured(results, "load")
    if not rows:
        return None
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.6))
    names = [r["variant"] for r in rows]
    a1.bar(
        names, [r["median_s"] for r in rows], yerr=[r["iqr_s"] for r in rows], color="C0", capsize=3
    )
    a1.set_title(t("load_s", lang), fontsize=9)
    pos = np.arange(len(names))
    a2.bar(
        pos - 0.2,
        [r["peak_after_load_mb"] for r in rows],
        0.4,
        color="C2",
        label=t("peak_after_load", lang),
    )
    a2.bar(
        pos + 0.2,
        [r["private_after_read_mb"] for r in rows],
        0.4,
        color="C3",
        label=t("private_after_read", lang),
    )
    a2.set_xticks(pos, names)
    a2.legend(fontsize=7)
    a2.set_title(t("load_mb", lang), fontsize=9)
    fig.suptitle(t("load_title", lang))
    return fig
