"""Where things live in the repository: the one place that names these paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA = DOCS / "data"
SCHEMAS = DATA / "schemas"
SNIPPETS = ROOT / "snippets"
HOSTS = DATA / "bench" / "hosts"  # one committed benchmark record per machine
FIGURES = DOCS / "figures"  # committed plots, drawn from the records
QUICK_HOSTS = (
    ROOT / "build" / "bench" / "hosts"
)  # `make bench QUICK=1` writes here, never committed
OUTPUTS = DOCS / "outputs"
