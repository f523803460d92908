"""Data behind the pages: loaders and renderers shared by the MkDocs hook and the tests.

A renderer takes the page Context (language, path to the site root) and returns Markdown/HTML.
Pages call one with ``<!-- render:NAME ARG... -->``; renderers() lists the names.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitetools import schemas, strings
from sitetools.paths import DATA, ROOT
from sitetools.snippets import INCLUDE

LANG_PATH = {"zh": "", "en": "en/"}  # where each language's pages live (mkdocs.yml: i18n)
DEFAULT_LANG = next(lang for lang, prefix in LANG_PATH.items() if not prefix)  # at the root


@dataclass(frozen=True)
class Context:
    """What a renderer knows about the page: its language and the relative path to the site root."""

    lang: str  # 'zh' or 'en'
    root: str  # e.g. '../../' from en/glossary/; data and figures live once, at the site root
    page: str = ""  # the page's source under docs/, e.g. 'saving/index.zh.md' ('' outside a build)

    @property
    def lang_root(self) -> str:
        """The root of this language's pages: mkdocs-static-i18n puts zh at the site root and en
        under en/."""
        return self.root + LANG_PATH[self.lang]

    @classmethod
    def for_url(cls, lang: str, url: str, page: str = "") -> Context:
        return cls(lang, "../" * url.count("/"), page)


def render_download(ctx: Context, path: str) -> str:
    """A link to a file under docs/ (data files are published once, at the site root)."""
    if not (ROOT / "docs" / path).is_file():
        raise FileNotFoundError(f"docs/{path} does not exist")
    label = strings.text("download", ctx.lang)
    return f'<a href="{ctx.root}{path}" download>{label} <code>{Path(path).name}</code></a>'


# ---- glossary ------------------------------------------------------------------------


def validate_glossary(entries: object, where: str = "glossary.yml") -> None:
    """Raise UsageError naming the entry and the field: glossary.schema.json, and unique terms."""
    schemas.check(entries, "glossary", where, entry_key="id")
    schemas.refuse_duplicates(entries, ("id", "zh", "en"), where, entry_key="id")


@functools.cache
def glossary() -> tuple[dict, ...]:
    """Glossary entries from docs/data/glossary.yml, validated."""
    entries = yaml.safe_load((DATA / "glossary.yml").read_text(encoding="utf-8"))
    validate_glossary(entries)
    return tuple(entries)


def render_glossary(ctx: Context) -> str:
    """The glossary as a table: the term in the page's language, in the other one, its meaning."""
    lang = ctx.lang
    other = next(language for language in strings.LANGS if language != lang)
    heads = [strings.text(key, lang) for key in ("glossary_term", "glossary_other")]
    head = f"| {heads[0]} | {heads[1]} | {strings.text('glossary_definition', lang)} |"
    rows = [
        f"| **{e[lang]}** | {e[other]} | {e['def_' + lang]} |"
        for e in sorted(glossary(), key=lambda e: e["en"].lower())
    ]
    return "\n".join([head, "|---|---|---|", *rows])


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


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Top-level module -> distributions that provide it (a scan of every installed package)."""
    return importlib.metadata.packages_distributions()


def tested_versions(snippets: list[Path]) -> list[tuple[str, str]]:
    """(name, version) of Python and of each pinned distribution the snippets import."""
    dists = _distributions()
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

DL_DTYPES = ("fp32", "bf16", "fp16", "int8")


def validate_isa(entries: object, where: str = "isa.yml") -> None:
    """Raise UsageError naming the entry and the field: isa.schema.json, and unique names."""
    schemas.check(entries, "isa", where, entry_key="name")
    schemas.refuse_duplicates(entries, ("name",), where, entry_key="name")


@functools.cache
def isa_entries() -> tuple[dict, ...]:
    entries = yaml.safe_load((DATA / "isa.yml").read_text(encoding="utf-8"))
    validate_isa(entries)
    return tuple(entries)


def render_isa_dtypes(ctx: Context) -> str:
    """Which deep-learning data types each extension accelerates (a view of the same YAML)."""
    head = f"| {strings.text('isa_extension', ctx.lang)} | "
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
    from sitetools import (
        bench_tables,
        figure_pages,
        gemm_tables,
        headlines,
        isa_table,
        ladder_pages,
        machines,
        tested_with,
    )

    return {
        "glossary": render_glossary,
        "download": render_download,
        "isa-table": isa_table.render_isa_table,
        "isa-dtypes": render_isa_dtypes,
        "bench-host": bench_tables.render_bench_host,
        "bench-table": bench_tables.render_bench_table,
        "bench-ratio": bench_tables.render_bench_ratio_words,
        "gemm-table": gemm_tables.render_gemm_table,
        "gpu-gemm-table": gemm_tables.render_gpu_gemm_table,
        "isa-ladder": ladder_pages.render_isa_ladder,
        "machines": machines.render_machines,
        "recorded-on": machines.render_recorded_on,
        "figure": figure_pages.render_figure,
        "tested-with": tested_with.render_tested_with,
        "headline-ladder": headlines.render_headline_ladder,
        "headline-int8": headlines.render_headline_int8,
    }
