"""Figures on the pages: one per machine that has the data, captioned with the machine and date."""

from __future__ import annotations

import re

from sitetools import machines, records, strings
from sitetools.paths import FIGURES, ROOT
from sitetools.plots import MACHINE_FIGURES, figure_path
from sitetools.site_data import Context


def _img(ctx: Context, path, alt: str, caption: str | None) -> str:
    size = re.search(
        r'width="([\d.]+)pt" height="([\d.]+)pt"', path.read_text(encoding="utf-8")[:2000]
    )
    dims = (
        f' width="{round(float(size.group(1)) * 4 / 3)}" height="{round(float(size.group(2)) * 4 / 3)}"'
        if size
        else ""
    )
    # mkdocs-static-i18n publishes figures/X.en.svg as en/figures/X.svg and X.zh.svg as figures/X.svg
    name = path.name.rsplit(".", 2)[0]
    src = f"{ctx.lang_root}figures/{name}.svg"
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="bench-figure"><a href="{src}"><img src="{src}" alt="{alt}"{dims} loading="lazy"></a>{cap}</figure>'


def render_figure(ctx: Context, name: str) -> str:
    """The figure `name` of every machine that has it (or the one machine-independent figure)."""
    known = strings.table()["figures"]
    if name not in known:
        raise ValueError(f"unknown figure '{name}' (known: {', '.join(known)})")
    alt = strings.figure_alt(name, ctx.lang)
    if name not in MACHINE_FIGURES:
        path = figure_path(FIGURES, name, None, ctx.lang)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path.relative_to(ROOT)} is missing: run make bench ARGS=--plots-only"
            )
        return _img(ctx, path, alt, None)
    out = []
    for r in records.committed():
        path = figure_path(FIGURES, name, r["slug"], ctx.lang)
        if path.is_file():
            date = max(c["date"] for c in r["cases"])[:10]
            caption = strings.text(
                "figure_caption", ctx.lang, machine=machines.link(ctx, r), date=date
            )
            alt_machine = strings.text(
                "with_note", ctx.lang, text=alt, note=machines.label(r, ctx.lang)
            )
            out.append(_img(ctx, path, alt_machine, caption))
    if not out:
        raise FileNotFoundError(f"no machine has the figure '{name}': run make bench")
    return "\n".join(out)
