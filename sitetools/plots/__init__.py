"""Plots drawn from the benchmark records: one SVG per figure, machine and language.

`python -m sitetools.bench --plots-only` redraws them all from the committed records. Modules:
style (fonts, strings, layout, saving), data (numbers from a record), labels (point labels that
cross no line), one module per group of figures, and draw (which figure, which file).
"""

from sitetools.plots.draw import (
    DRAW,
    LANGS,
    MACHINE_FIGURES,
    draw_all,
    draw_formats,
    figure_path,
    machine_figure,
)

__all__ = [
    "DRAW",
    "LANGS",
    "MACHINE_FIGURES",
    "draw_all",
    "draw_formats",
    "figure_path",
    "machine_figure",
]
