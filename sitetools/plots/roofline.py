"""The roofline: measured roofs (the best GEMM per dtype, the triad's bandwidth), as the Empirical
Roofline Toolkit draws them, and where the workloads sit under them.

Each roof is its own line: the bandwidth slope rises to the highest roof, and every compute roof
starts where it meets the slope, so no roof hides under another. A theoretical peak is drawn only
where the nominal clock does not put it below the measured one. The lines are named in the legend;
the points' labels are placed where they cross no line (labels.place).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from sitetools.plots import labels, style
from sitetools.plots.data import bandwidth, gemm_peaks, model_points
from sitetools.plots.style import t

MARGIN = 2.5  # room around the data on the log axes, as a factor


def plot_roofline(results: dict, lang: str):
    bw, peaks = bandwidth(results), gemm_peaks(results)
    if not bw or "fp32" not in peaks:
        return None
    theory = results["host"]["theoretical_peak"].get("fp32", {}).get("ops_per_s")
    lines = [
        (t("peak_meas", lang, dtype=dtype, v=v / 1e9), v, f"C{i + 1}", "--")
        for i, (dtype, v) in enumerate(sorted(peaks.items()))
    ]
    if theory and theory >= peaks["fp32"]:
        label = t("peak_theory", lang, v=theory / 1e9, clock=t("nominal", lang))
        lines.append((label, theory, "#777", ":"))
    lines.sort(key=lambda line: -line[1])
    points = model_points(results)
    top = lines[0][1]
    intensities = [ai for _, ai, _ in points] + [top / bw]
    x_lo, x_hi = min(intensities) / MARGIN, max(intensities) * MARGIN
    y_lo = min([perf for *_, perf in points] + [bw * x_lo]) / MARGIN
    y_hi = top * MARGIN

    fig, ax = plt.subplots(figsize=(7, 5.6))
    ax.loglog(
        [x_lo, top / bw],
        [bw * x_lo / 1e9, top / 1e9],
        color="C0",
        lw=2,
        label=t("bw_roof", lang, bw=bw / 1e9),
    )
    for label, value, colour, dash in lines:
        ax.plot(
            [max(value / bw, x_lo), x_hi],
            [value / 1e9] * 2,
            color=colour,
            ls=dash,
            lw=1.4,
            label=label,
        )
    for _, ai, perf in points:
        ax.plot(ai, perf / 1e9, "o", color="black", ms=4)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo / 1e9, y_hi / 1e9)
    ax.set_xlabel(t("intensity", lang))
    ax.set_ylabel(t("perf", lang))
    ax.set_title(t("roofline_title", lang))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    style.layout(fig)
    labels.place(ax, [(label, ai, perf / 1e9) for label, ai, perf in points], fontsize=8)
    return fig
