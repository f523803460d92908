"""Plots drawn from the benchmark results file: one SVG per figure and language.

One set of figures per machine record, named <figure>-<slug>.<lang>.svg (the bit-layout figure,
which measures nothing, is formats.<lang>.svg). Deterministic output: no timestamps in the SVG
metadata, a fixed hash salt for element ids, and every number comes from the record, so the same
record always gives the same bytes.
Chinese labels use Noto Sans CJK SC shipped by the mplfonts package (no system fonts needed).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib

from sitetools import atomic, strings

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

MACHINE_FIGURES = (
    "roofline",
    "gemm",
    "ladder",
    "inference",
    "training",
    "loss",
    "load",
    "quantization",
    "sparsity",
    "gpu_training",
)
LANGS = ("zh", "en")


def t(key: str, lang: str, **kw) -> str:
    """Text inside a figure, from the plots section of docs/data/strings.yml."""
    return strings.table()["plots"][key][lang].format(**kw)


def setup_fonts() -> None:
    spec = importlib.util.find_spec("mplfonts")
    if spec and spec.submodule_search_locations:
        font = Path(spec.submodule_search_locations[0]) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if font.exists():
            font_manager.fontManager.addfont(str(font))
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": ["Noto Sans CJK SC", "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.hashsalt": "dl-perf",
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def stamp(fig, host: dict, lang: str) -> None:
    fig.text(
        0.99,
        0.01,
        t("stamp", lang, cpu=host["cpu"], threads=host["threads"], date=host["date"][:10]),
        ha="right",
        va="bottom",
        fontsize=7,
        color="#666",
    )


def as_results(record: dict) -> dict:
    """A machine record as one flat list of measurements (each with its case) and one host stamp."""
    flat = [{"case": c["name"], **r} for c in record["cases"] for r in c["records"]]
    host = {**record["identity"], **record["host"], "date": max(c["date"] for c in record["cases"])}
    return {"host": host, "records": flat}


def measured(results: dict, case: str) -> list[dict]:
    return [r for r in results["records"] if r["case"] == case and "median_s" in r]


def gemm_peaks(results: dict) -> dict[str, float]:
    """Best measured GEMM ops/s per dtype."""
    peaks: dict[str, float] = {}
    for r in measured(results, "gemm"):
        peaks[r["variant"]] = max(peaks.get(r["variant"], 0), r["ops_per_s"])
    return peaks


def bandwidth(results: dict) -> float | None:
    rows = measured(results, "bandwidth")
    return rows[0]["bytes_per_s"] if rows else None


def model_points(results: dict) -> list[tuple[str, float, float]]:
    """(label, FLOP/byte, achieved FLOP/s) of the fp32 eager model cases and the triad."""
    points = []
    for case, label in (("mlp_inference", "MLP"), ("cnn_inference", "CNN")):
        for r in measured(results, case):
            if r["variant"] == "fp32 eager":
                moved = r["param_bytes"] + r["input_bytes"]
                points.append((f"{label} fp32", r["flops"] / moved, r["flops"] / r["median_s"]))
    for r in measured(results, "bandwidth"):
        points.append(("triad", 2 / 12, 2 * r["n"] / r["median_s"]))  # 2 FLOP per 12 bytes
    for r in measured(results, "compile_fusion"):
        if r["variant"].startswith("element-wise"):
            points.append(
                (
                    r["variant"].replace("element-wise ", "gelu "),
                    r["flops"] / r["bytes"],
                    r["flops"] / r["median_s"],
                )
            )
    return points


def plot_roofline(results: dict, lang: str):
    """Measured roofs (the best GEMM per dtype, the triad's bandwidth), as the Empirical Roofline Toolkit
    draws them; a theoretical peak only where the nominal clock does not put it below a measured one."""
    import numpy as np

    bw, peaks = bandwidth(results), gemm_peaks(results)
    if not bw or "fp32" not in peaks:
        return None
    fig, ax = plt.subplots(figsize=(7, 5.6))
    x = np.logspace(-2, 3, 200)
    top = max(peaks.values())
    ax.loglog(
        x, np.minimum(x * bw, top) / 1e9, color="C0", lw=2, label=t("bw_roof", lang, bw=bw / 1e9)
    )
    for i, (dtype, v) in enumerate(sorted(peaks.items())):
        ax.axhline(
            v / 1e9,
            color=f"C{i + 1}",
            ls="--",
            lw=1.2,
            label=t("peak_meas", lang, dtype=dtype, v=v / 1e9),
        )
    theory = results["host"]["theoretical_peak"].get("fp32", {}).get("ops_per_s")
    if theory and theory >= peaks["fp32"]:
        ax.axhline(
            theory / 1e9,
            color="#777",
            ls=":",
            lw=1.2,
            label=t("peak_theory", lang, v=theory / 1e9, clock=t("nominal", lang)),
        )
    for k, (label, ai, perf) in enumerate(model_points(results)):
        ax.plot(ai, perf / 1e9, "o", color="black", ms=4)
        ax.annotate(
            label,
            (ai, perf / 1e9),
            textcoords="offset points",
            xytext=(6, -12 if k % 2 else 6),
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    ax.set_ylim(top=top / 1e9 * 3)
    ax.set_xlabel(t("intensity", lang))
    ax.set_ylabel(t("perf", lang))
    ax.set_title(t("roofline_title", lang))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    return fig


def plot_gemm(results: dict, lang: str):
    rows = measured(results, "gemm")
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, dtype in enumerate(("fp32", "bf16", "int8")):
        pts = [(r["n"], r["ops_per_s"] / 1e9) for r in rows if r["variant"] == dtype]
        if pts:
            ax.plot(*zip(*pts), "o-", color=f"C{i}", label=dtype)
        off = [
            (r["n"], r["ops_per_s"] / 1e9)
            for r in measured(results, "gemm_amx_off")
            if r["variant"] == dtype
        ]
        if off:
            ax.plot(
                *zip(*off), "s--", color=f"C{i}", alpha=0.6, label=t("amx_off", lang, dtype=dtype)
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

    for ax, (group, model) in zip(axes[0], groups):
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


def speedups(results: dict, case: str) -> list[tuple[str, float | None, str | None]]:
    rows = [r for r in results["records"] if r["case"] == case]
    base = next(
        (r["median_s"] for r in rows if r["variant"] == "fp32 eager" and "median_s" in r), None
    )
    return [
        (r["variant"], base / r["median_s"] if base and "median_s" in r else None, r.get("skipped"))
        for r in rows
    ]


def plot_inference(results: dict, lang: str):
    cases = [
        (c, t(k, lang))
        for c, k in (("mlp_inference", "mlp"), ("cnn_inference", "cnn"))
        if any(r["case"] == c for r in results["records"])
    ]
    if not cases:
        return None
    fig, axes = plt.subplots(1, len(cases), figsize=(8, 4.2), squeeze=False)
    for ax, (case, label) in zip(axes[0], cases):
        data = speedups(results, case)
        names = [d[0] for d in data][::-1]
        values = [d[1] or 0 for d in data][::-1]
        colors = ["#c62828" if v and v < 1 else "#2e7d32" for v in values]
        ax.barh(names, values, color=colors)
        ax.axvline(1, color="black", lw=0.8)
        for y, (v, d) in enumerate(zip(values, data[::-1])):
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


def plot_formats(lang: str):
    """Not a measurement: the IEEE/bfloat16 layouts, drawn once per language."""
    layouts = [("fp32", 1, 8, 23), ("fp16", 1, 5, 10), ("bf16", 1, 8, 7)]
    fig, ax = plt.subplots(figsize=(8, 2.4))
    colors = {"sign": "#c62828", "exponent": "#1565c0", "mantissa": "#2e7d32"}
    for row, (name, *widths) in enumerate(layouts):
        y, x = len(layouts) - 1 - row, 0
        for part, width in zip(("sign", "exponent", "mantissa"), widths):
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


def plot_loss(results: dict, lang: str):
    rows = [r for r in measured(results, "training") if r.get("loss_curve")]
    if not rows:
        return None
    models = sorted({r["model"] for r in rows})
    fig, axes = plt.subplots(1, len(models), figsize=(8, 3.4), squeeze=False)
    for ax, model in zip(axes[0], models):
        for r in rows:
            if r["model"] == model:
                style = "-" if "fp32" in r["variant"] else "--"
                ax.plot(
                    range(1, len(r["loss_curve"]) + 1), r["loss_curve"], style, label=r["variant"]
                )
        ax.set_title(t(model, lang))
        ax.set_xlabel(t("step", lang))
        ax.set_ylabel(t("loss", lang))
        ax.legend(fontsize=8)
    fig.suptitle(t("loss_title", lang))
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
    import numpy as np

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
                diff = [abs(a - b) for a, b in zip(r["loss_curve"], base)]
                a2.plot(
                    range(1, len(diff) + 1), diff, "o-", ms=3, color=f"C{i}", label=r["variant"]
                )
        a2.set_yscale("symlog", linthresh=1e-4)
        a2.set_xlabel(t("step", lang))
        a2.set_ylabel(t("loss_diff", lang), fontsize=8)
        a2.legend(fontsize=6)
    fig.suptitle(t("gpu_training_title", lang))
    return fig


DRAW = {
    "roofline": plot_roofline,
    "gemm": plot_gemm,
    "ladder": plot_ladder,
    "inference": plot_inference,
    "training": plot_training,
    "loss": plot_loss,
    "load": plot_load,
    "quantization": plot_quantization,
    "sparsity": plot_sparsity,
    "gpu_training": plot_gpu_training,
}


def save(fig, path: Path) -> None:
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    atomic.write_bytes_from(
        path, lambda tmp: fig.savefig(tmp, format="svg", metadata={"Date": None, "Creator": None})
    )
    plt.close(fig)


def figure_path(folder: Path, name: str, slug: str | None, lang: str) -> Path:
    return folder / (f"{name}-{slug}.{lang}.svg" if slug else f"{name}.{lang}.svg")


def draw_formats(folder: Path) -> list[Path]:
    """The bit-layout figure, the one figure that measures nothing, in both languages."""
    setup_fonts()
    written = []
    for lang in LANGS:
        path = figure_path(folder, "formats", None, lang)
        save(plot_formats(lang), path)
        written.append(path)
    return written


def draw_all(record: dict, folder: Path) -> list[Path]:
    """Draw every figure one machine's record allows, in both languages; return the files written."""
    setup_fonts()
    results = as_results(record)
    written = []
    for name in MACHINE_FIGURES:
        for lang in LANGS:
            fig = DRAW[name](results, lang)
            if fig is None:
                continue
            stamp(fig, results["host"], lang)
            path = figure_path(folder, name, record["slug"], lang)
            save(fig, path)
            written.append(path)
    return written
