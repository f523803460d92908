"""Draw every figure of one machine's record, in both languages, into docs/figures/.

One set of figures per machine record, named <figure>-<slug>.<lang>.svg; the bit-layout figure,
which measures nothing, is formats.<lang>.svg. Every number comes from the record, so the same
record always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from sitetools.plots import style
from sitetools.plots.cpu import plot_gemm, plot_ladder
from sitetools.plots.data import as_results
from sitetools.plots.models import plot_inference, plot_load, plot_quantization, plot_sparsity
from sitetools.plots.roofline import plot_roofline
from sitetools.plots.training import plot_formats, plot_gpu_training, plot_loss, plot_training

LANGS = ("zh", "en")
DRAW = {  # figure name -> function(results, lang) returning a figure, or None without the data
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
MACHINE_FIGURES = tuple(DRAW)


def figure_path(folder: Path, name: str, slug: str | None, lang: str) -> Path:
    return folder / (f"{name}-{slug}.{lang}.svg" if slug else f"{name}.{lang}.svg")


def machine_figure(record: dict, name: str, lang: str):
    """The figure `name` of a record in a language, stamped with the machine, or None."""
    style.setup_fonts()
    results = as_results(record)
    fig = DRAW[name](results, lang)
    if fig is not None:
        style.stamp(fig, results["host"], lang)
    return fig


def draw_formats(folder: Path) -> list[Path]:
    """The bit-layout figure, the one figure that measures nothing, in both languages."""
    style.setup_fonts()
    written = []
    for lang in LANGS:
        path = figure_path(folder, "formats", None, lang)
        style.save(plot_formats(lang), path)
        written.append(path)
    return written


def draw_all(record: dict, folder: Path) -> list[Path]:
    """Draw every figure a machine's record allows, in both languages; return the files written."""
    written = []
    for name in MACHINE_FIGURES:
        for lang in LANGS:
            fig = machine_figure(record, name, lang)
            if fig is None:
                continue
            path = figure_path(folder, name, record["slug"], lang)
            style.save(fig, path)
            written.append(path)
    return written
