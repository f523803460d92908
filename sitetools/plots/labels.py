"""Labels next to points that never cross a line, another label or another point.

The figure's layout must be final (style.layout) before labels are placed: placement measures the
text in display coordinates. Each label tries positions around its point, nearest first, and keeps
the first one that stays inside the axes and touches nothing.
"""

from __future__ import annotations

import sys

from matplotlib.transforms import Bbox

# (dx, dy) offsets in points from the point to the label's anchor, and the label's alignment
DIRECTIONS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (1, 1, "left", "bottom"),
    (1, -1, "left", "top"),
    (-1, 1, "right", "bottom"),
    (-1, -1, "right", "top"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
)
DISTANCES = (5, 10, 16, 24)
PAD = 2.0  # pixels kept free around a label
MARKER_HALF = 4.0  # pixels: half the size of a point marker


def segments(ax) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Every drawn line segment of the axes, in display coordinates (marker-only lines excluded)."""
    out = []
    for line in ax.lines:
        if line.get_linestyle() in ("None", "", " ") or not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        out += [(tuple(p), tuple(q)) for p, q in zip(xy[:-1], xy[1:], strict=True)]
    return out


def markers(ax) -> list[Bbox]:
    """A small box around every point marker of the axes, in display coordinates."""
    boxes = []
    for line in ax.lines:
        if line.get_marker() in ("None", "", " ", None):
            continue
        for x, y in line.get_transform().transform(line.get_xydata()):
            boxes.append(
                Bbox.from_extents(
                    x - MARKER_HALF, y - MARKER_HALF, x + MARKER_HALF, y + MARKER_HALF
                )
            )
    return boxes


def segment_hits_box(p, q, box: Bbox) -> bool:
    """Whether the segment p–q touches the box (Liang–Barsky clipping)."""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for step, room in (
        (-dx, x0 - box.x0),
        (dx, box.x1 - x0),
        (-dy, y0 - box.y0),
        (dy, box.y1 - y0),
    ):
        if step == 0:
            if room < 0:
                return False
            continue
        ratio = room / step
        if step < 0:
            lo = max(lo, ratio)
        else:
            hi = min(hi, ratio)
        if lo > hi:
            return False
    return True


def label_box(text, renderer) -> Bbox:
    return text.get_window_extent(renderer).padded(PAD)


def within(box: Bbox, frame: Bbox) -> bool:
    return frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


def collides(box: Bbox, lines, others: list[Bbox], points: list[Bbox]) -> bool:
    return (
        any(segment_hits_box(p, q, box) for p, q in lines)
        or any(box.overlaps(o) for o in others)
        or any(box.overlaps(m) for m in points)
    )


def candidates(distance: float):
    """(xytext offset in points, horizontal and vertical alignment) around a point."""
    for sx, sy, ha, va in DIRECTIONS:
        yield (sx * distance, sy * distance), ha, va


def place(ax, points: list[tuple[str, float, float]], **text_style) -> list:
    """Annotate each (label, x, y) where its text crosses no line, touches no other label or point
    and stays inside the axes. A label that finds no such spot goes to the first position tried,
    with a warning on stderr (tests/test_figures_and_home.py fails on such a committed figure)."""
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    lines, dots = segments(ax), markers(ax)
    placed: list[Bbox] = []
    annotations = []
    for label, x, y in points:
        own = ax.transData.transform((x, y))
        others = [m for m in dots if not m.contains(*own)]
        tried = [spot for distance in DISTANCES for spot in candidates(distance)]
        for offset, ha, va in tried:
            text = ax.annotate(
                label, (x, y), textcoords="offset points", xytext=offset, ha=ha, va=va, **text_style
            )
            box = label_box(text, renderer)
            if within(box, inside) and not collides(box, lines, placed, others):
                break
            text.remove()
        else:
            print(
                f"warning: no free room for the label {label!r}; it crosses a line", file=sys.stderr
            )
            offset, ha, va = tried[0]
            text = ax.annotate(
                label, (x, y), textcoords="offset points", xytext=offset, ha=ha, va=va, **text_style
            )
            box = label_box(text, renderer)
        placed.append(box)
        annotations.append(text)
    return annotations
