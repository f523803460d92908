"""Figures on the pages: one per machine that has the data, each in a <figure> with a caption (what
it shows, the machine and the date) and a link that opens the SVG full size on tap or click."""

from __future__ import annotations

import html
import re

from sitetools import machines, records, strings
from sitetools.paths import FIGURES, ROOT
from sitetools.plots import MACHINE_FIGURES, figure_path
from sitetools.site_data import Context

SIZE = re.compile(r'width="([\d.]+)pt" height="([\d.]+)pt"')


def figure_src(ctx: Context, path) -> str:
    """The published URL of a figure file, relative to the page.

    mkdocs-static-i18n publishes figures/X.en.svg as en/figures/X.svg and X.zh.svg as figures/X.svg.
    """
    return f"{ctx.lang_root}figures/{path.name.rsplit('.', 2)[0]}.svg"


def _img(ctx: Context, path, alt: str, caption: str) -> str:
    size = SIZE.search(path.read_text(encoding="utf-8")[:2000])
    dims = ""
    if size:  # points -> CSS pixels, so the page reserves the figure's room before it loads
        width, height = (round(float(v) * 4 / 3) for v in size.groups())
        dims = f' width="{width}" height="{height}"'
    src = figure_src(ctx, path)
    return (
        f'<figure class="bench-figure"><a href="{src}">'
        f'<img src="{src}" alt="{html.escape(alt)}"{dims} loading="lazy"></a>'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def render_figure(ctx: Context, name: str) -> str:
    """The figure `name` of every machine that has it (or the one machine-independent figure)."""
    known = strings.table()["figures"]
    if name not in known:
        raise ValueError(f"unknown figure '{name}' (known: {', '.join(known)})")
    title = strings.figure_alt(name, ctx.lang)
    if name not in MACHINE_FIGURES:
        path = figure_path(FIGURES, name, None, ctx.lang)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path.relative_to(ROOT)} is missing: run make bench ARGS=--plots-only"
            )
        return _img(ctx, path, title, html.escape(title))
    out = []
    for r in records.committed():
        path = figure_path(FIGURES, name, r["slug"], ctx.lang)
        if path.is_file():
            date = max(c["date"] for c in r["cases"])[:10]
            caption = strings.text(
                "figure_caption",
                ctx.lang,
                title=html.escape(title),
                machine=machines.link(ctx, r),
                date=date,
            )
            alt = strings.text("with_note", ctx.lang, text=title, note=machines.label(r, ctx.lang))
            out.append(_img(ctx, path, alt, caption))
    if not out:
        raise FileNotFoundError(f"no machine has the figure '{name}': run make bench")
    return "\n".join(out)
