"""What every figure shares: fonts, text from strings.yml, the machine stamp, layout and saving.

Figures have a transparent background, so they sit on the page's own colour; the site's stylesheet
gives them a dark rendering under Material's slate scheme (docs/assets/site.css, `.bench-figure`).
SVGs keep their text as paths (no font files, no URLs) and carry no date, so the same record always
gives the same bytes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
from pathlib import Path

import matplotlib

from sitetools import atomic, strings

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

LAYOUT_RECT = (0, 0.03, 1, 1)  # leave the bottom strip to the machine stamp
SVG_METADATA = ("Date", "Creator", "Format", "Type")  # None each: no <metadata> block at all
DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")


def t(key: str, lang: str, **fields) -> str:
    """Text inside a figure, from the plots section of docs/data/strings.yml."""
    return strings.table()["plots"][key][lang].format(**fields)


@functools.cache
def setup_fonts() -> None:
    """Noto Sans CJK SC from the mplfonts package for Chinese labels (no system fonts needed)."""
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
            "figure.facecolor": "none",
            "axes.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def stamp(fig, host: dict, lang: str) -> None:
    """The machine, thread count and date, small at the bottom right."""
    text = t("stamp", lang, cpu=host["cpu"], threads=host["threads"], date=host["date"][:10])
    fig.text(0.99, 0.01, text, ha="right", va="bottom", fontsize=7, color="#666")


def layout(fig) -> None:
    """The final layout; figures that place labels by measuring call it before they do."""
    fig.tight_layout(rect=LAYOUT_RECT)


def svg_bytes(fig) -> bytes:
    """The figure as SVG without metadata or DOCTYPE: the only URLs left are the XML namespaces."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", transparent=True, metadata=dict.fromkeys(SVG_METADATA))
    return DOCTYPE.sub(b"", buffer.getvalue(), count=1)


def save(fig, path: Path) -> None:
    layout(fig)
    data = svg_bytes(fig)
    atomic.write_bytes_from(path, lambda tmp: tmp.write_bytes(data))
    plt.close(fig)
