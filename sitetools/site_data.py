"""Data behind the pages: loaders and renderers shared by the MkDocs hook and the tests.

A renderer takes the page Context (language, path to the site root) and returns Markdown/HTML.
Pages call one with ``<!-- render:NAME ARG... -->``; renderers() lists the names.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitetools.paths import DATA, ROOT
from sitetools.snippets import INCLUDE

LANG_PATH = {
    "zh": "",
    "en": "en/",
}  # where each language's pages live (mkdocs.yml: i18n, zh default)


@dataclass(frozen=True)
class Context:
    """What a renderer knows about the page: its language and the relative path to the site root."""

    lang: str  # 'zh' or 'en'
    root: (
        str  # e.g. '../../' from en/glossary/; static files (data, figures) live once, at the root
    )

    @property
    def lang_root(self) -> str:
        """The root of this language's pages: mkdocs-static-i18n puts zh at the site root and en under en/."""
        return self.root + LANG_PATH[self.lang]

    @classmethod
    def for_url(cls, lang: str, url: str) -> Context:
        return cls(lang, "../" * url.count("/"))


def render_download(ctx: Context, path: str) -> str:
    """A link to a file under docs/ (data files are published once, at the site root)."""
    if not (ROOT / "docs" / path).is_file():
        raise FileNotFoundError(f"docs/{path} does not exist")
    label = "下载" if ctx.lang == "zh" else "Download"
    return f'<a href="{ctx.root}{path}" download>{label} <code>{Path(path).name}</code></a>'


# ---- glossary ------------------------------------------------------------------------

GLOSSARY_KEYS = {"id", "zh", "en", "def_zh", "def_en"}


@functools.cache
def glossary() -> tuple[dict, ...]:
    """Glossary entries from docs/data/glossary.yml, validated."""
    entries = yaml.safe_load((DATA / "glossary.yml").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if set(entry) != GLOSSARY_KEYS:
            raise ValueError(
                f"glossary.yml entry {i}: keys must be {sorted(GLOSSARY_KEYS)}, got {sorted(entry)}"
            )
        for key in GLOSSARY_KEYS:
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise ValueError(
                    f"glossary.yml entry {entry.get('id', i)}: '{key}' must be a non-empty string"
                )
        if entry["id"] in seen:
            raise ValueError(f"glossary.yml: duplicate id '{entry['id']}'")
        seen.add(entry["id"])
    return tuple(entries)


def render_glossary(ctx: Context) -> str:
    lang = ctx.lang
    head = (
        "| 中文 | English | 释义 |\n|---|---|---|"
        if lang == "zh"
        else "| English | 中文 | Definition |\n|---|---|---|"
    )
    rows = []
    for e in sorted(glossary(), key=lambda e: e["en"].lower()):
        first, second = (e["zh"], e["en"]) if lang == "zh" else (e["en"], e["zh"])
        rows.append(f"| **{first}** | {second} | {e['def_' + lang]} |")
    return "\n".join([head, *rows])


# ---- versions a page was tested with -------------------------------------------------


def included_snippets(markdown: str) -> list[Path]:
    """Python files under snippets/ that a page includes."""
    paths = {m.group("path") for m in INCLUDE.finditer(markdown)}
    return sorted({ROOT / p for p in paths if p.startswith("snippets/") and p.endswith(".py")})


@functools.cache
def locked_versions() -> dict[str, str]:
    """Distribution name (lower case) -> pinned version, from requirements.lock."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def tested_versions(snippets: list[Path]) -> list[tuple[str, str]]:
    """(name, version) of Python and of each pinned distribution the snippets import."""
    dists = importlib.metadata.packages_distributions()
    found = {}
    for path in snippets:
        for module in imported_modules(path):
            for dist in dists.get(module, []):
                version = locked_versions().get(dist.lower().replace("_", "-"))
                if version:
                    found[dist] = version
    python = "Python {}.{}".format(*sys.version_info[:2])
    return [(python.split()[0], python.split()[1])] + sorted(
        found.items(), key=lambda kv: kv[0].lower()
    )


# ---- instruction-set extensions -------------------------------------------------------

ISA_KEYS = {
    "name",
    "family",
    "flags",
    "instructions",
    "announced",
    "width_bits",
    "dtypes",
    "intel",
    "amd",
    "dl_zh",
    "dl_en",
    "sources",
}
ISA_OPTIONAL = {"flags_note", "peak"}
DL_DTYPES = ("fp32", "bf16", "fp16", "int8")
DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def parse_date(value: str) -> tuple[int, ...]:
    """'YYYY-MM' or 'YYYY-MM-DD' -> a tuple; raises ValueError for anything else or an impossible date."""
    import datetime

    m = DATE.match(str(value))
    if not m:
        raise ValueError(f"'{value}' is not YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    datetime.date(year, month, day)  # raises for month 13, day 31 in April, ...
    if not 1970 <= year <= datetime.date.today().year:
        raise ValueError(f"'{value}' is outside 1970..today")
    return (year, month, day) if m.group(3) else (year, month)


def validate_isa(entries: list[dict]) -> None:
    """Raise ValueError naming the entry and field for the first problem found."""
    names = set()
    for i, e in enumerate(entries):
        where = f"isa.yml entry {e.get('name', i)!r}"
        missing, extra = ISA_KEYS - set(e), set(e) - ISA_KEYS - ISA_OPTIONAL
        if missing or extra:
            raise ValueError(
                f"{where}: missing fields {sorted(missing)}, unknown fields {sorted(extra)}"
            )
        if e["name"] in names:
            raise ValueError(f"{where}: duplicate name")
        names.add(e["name"])
        if not isinstance(e["flags"], list) or any(
            not re.fullmatch(r"[a-z0-9_]+", f) for f in e["flags"]
        ):
            raise ValueError(f"{where}: flags must be a list of lower-case /proc/cpuinfo names")
        if not e["flags"] and not e.get("flags_note"):
            raise ValueError(f"{where}: no flags; say why in flags_note")
        if e["instructions"] is not None and (
            not isinstance(e["instructions"], int) or e["instructions"] < 1
        ):
            raise ValueError(f"{where}: instructions must be a positive integer or null")
        if not isinstance(e["width_bits"], int) or e["width_bits"] not in (64, 128, 256, 512, 8192):
            raise ValueError(f"{where}: width_bits must be 64, 128, 256, 512 or 8192")
        if not set(e["dtypes"]) <= set(DL_DTYPES):
            raise ValueError(f"{where}: dtypes must be among {DL_DTYPES}")
        dated = {"announced": e["announced"]} if e["announced"] is not None else {}
        for vendor in ("intel", "amd"):
            if e[vendor] is not None:
                if set(e[vendor]) != {"cpu", "date"}:
                    raise ValueError(f"{where}: {vendor} needs cpu and date")
                dated[vendor] = e[vendor]["date"]
        if e["intel"] is None and e["amd"] is None:
            raise ValueError(f"{where}: no vendor ships it")
        for fact, value in dated.items():
            try:
                parse_date(value)
            except ValueError as exc:
                raise ValueError(f"{where}: {fact} date {exc}") from None
            source = e["sources"].get(fact, "")
            if not str(source).startswith("https://"):
                raise ValueError(f"{where}: no https source for the {fact} date")
        for dtype, per_cycle in (e.get("peak") or {}).items():
            if dtype not in DL_DTYPES or not isinstance(per_cycle, int):
                raise ValueError(f"{where}: peak must map a dtype to operations per core per cycle")
        for key in ("dl_zh", "dl_en"):
            if not isinstance(e[key], str) or len(e[key]) < 8:
                raise ValueError(
                    f"{where}: {key} must say what the extension means for deep learning"
                )


@functools.cache
def isa_entries() -> tuple[dict, ...]:
    entries = yaml.safe_load((DATA / "isa.yml").read_text(encoding="utf-8"))
    validate_isa(entries)
    return tuple(entries)


def _fmt_vendor(v: dict | None, lang: str) -> tuple[str, str]:
    if v is None:
        return ("无" if lang == "zh" else "none"), ""
    return v["cpu"], v["date"]


def render_isa_table(ctx: Context) -> str:
    """The instruction-set table as HTML, with a text filter and a family filter (docs/assets/isa-table.js)."""
    import html as h

    zh = ctx.lang == "zh"
    heads = (
        [
            "扩展",
            "/proc/cpuinfo 标志",
            "指令数",
            "公布",
            "首款 Intel CPU",
            "发售",
            "首款 AMD CPU",
            "发售",
            "位宽",
            "对深度学习的意义",
        ]
        if zh
        else [
            "Extension",
            "/proc/cpuinfo flag",
            "Instructions",
            "Announced",
            "First Intel CPU",
            "Released",
            "First AMD CPU",
            "Released",
            "Bits",
            "What it means for deep learning",
        ]
    )
    families = sorted(
        {e["family"] for e in isa_entries()},
        key=lambda f: [e["family"] for e in isa_entries()].index(f),
    )
    options = "".join(f'<option value="{h.escape(f)}">{h.escape(f)}</option>' for f in families)
    rows = []
    for e in isa_entries():
        icpu, idate = _fmt_vendor(e["intel"], ctx.lang)
        acpu, adate = _fmt_vendor(e["amd"], ctx.lang)
        flags = " ".join(f"<code>{f}</code>" for f in e["flags"]) or "—"
        note = f' <abbr title="{h.escape(e["flags_note"])}">*</abbr>' if e.get("flags_note") else ""
        cells = [
            f"<strong>{h.escape(e['name'])}</strong>",
            flags + note,
            e["instructions"] or "—",
            e["announced"] or "—",
            h.escape(icpu),
            idate,
            h.escape(acpu),
            adate,
            e["width_bits"],
            h.escape(e["dl_" + ctx.lang]),
        ]
        rows.append(
            f'<tr data-family="{h.escape(e["family"])}">'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    label_filter = "筛选" if zh else "Filter"
    label_family = "类别" if zh else "Family"
    label_all = "全部" if zh else "All"
    placeholder = "输入扩展名、标志或 CPU" if zh else "extension, flag or CPU"
    return (
        f'<div class="isa-table" markdown="0">\n'
        f'<p class="isa-controls"><label>{label_filter} <input type="search" class="isa-filter" placeholder="{placeholder}"></label> '
        f'<label>{label_family} <select class="isa-family"><option value="">{label_all}</option>{options}</select></label> '
        f'<span class="isa-count"></span></p>\n'
        f'<table class="isa"><thead><tr>'
        + "".join(f"<th>{c}</th>" for c in heads)
        + "</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n</div>"
    )


def render_isa_dtypes(ctx: Context) -> str:
    """Which deep-learning data types each extension accelerates (a generated view of the same YAML)."""
    head = "| 扩展 | " if ctx.lang == "zh" else "| Extension | "
    lines = [head + " | ".join(DL_DTYPES) + " |", "|---|" + "---|" * len(DL_DTYPES)]
    for e in isa_entries():
        if e["dtypes"]:
            lines.append(
                f"| {e['name']} | "
                + " | ".join("✓" if d in e["dtypes"] else "" for d in DL_DTYPES)
                + " |"
            )
    return "\n".join(lines)


def renderers() -> dict:
    """Placeholder name -> renderer, for <!-- render:NAME ARG... --> in pages."""
    from sitetools import bench_tables, figure_pages, ladder_pages, machines

    return {
        "glossary": render_glossary,
        "download": render_download,
        "isa-table": render_isa_table,
        "isa-dtypes": render_isa_dtypes,
        "bench-host": bench_tables.render_bench_host,
        "bench-table": bench_tables.render_bench_table,
        "bench-ratio": bench_tables.render_bench_ratio_words,
        "gemm-table": bench_tables.render_gemm_table,
        "gpu-gemm-table": bench_tables.render_gpu_gemm_table,
        "isa-ladder": ladder_pages.render_isa_ladder,
        "machines": machines.render_machines,
        "figure": figure_pages.render_figure,
    }
