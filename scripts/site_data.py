"""Data behind the pages: loaders and renderers shared by the MkDocs hook and the tests.

A renderer takes the page language ('zh' or 'en') and returns Markdown/HTML. Pages call
one with ``<!-- render:NAME ARG... -->``; RENDERERS lists the names.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path
from typing import Callable

import yaml
from dataclasses import dataclass

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "data"
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']([^"':]+)(?::[^"']*)?["']\s*$""", re.M)


@dataclass(frozen=True)
class Context:
    """What a renderer knows about the page: its language and the relative path to the site root."""

    lang: str   # 'zh' or 'en'
    root: str   # e.g. '../../' from en/glossary/; static files (data, figures) live once, at the root

    @classmethod
    def for_url(cls, lang: str, url: str) -> "Context":
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
            raise ValueError(f"glossary.yml entry {i}: keys must be {sorted(GLOSSARY_KEYS)}, got {sorted(entry)}")
        for key in GLOSSARY_KEYS:
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise ValueError(f"glossary.yml entry {entry.get('id', i)}: '{key}' must be a non-empty string")
        if entry["id"] in seen:
            raise ValueError(f"glossary.yml: duplicate id '{entry['id']}'")
        seen.add(entry["id"])
    return tuple(entries)


def render_glossary(ctx: Context) -> str:
    lang = ctx.lang
    head = ("| 中文 | English | 释义 |\n|---|---|---|" if lang == "zh"
            else "| English | 中文 | Definition |\n|---|---|---|")
    rows = []
    for e in sorted(glossary(), key=lambda e: e["en"].lower()):
        first, second = (e["zh"], e["en"]) if lang == "zh" else (e["en"], e["zh"])
        rows.append(f"| **{first}** | {second} | {e['def_' + lang]} |")
    return "\n".join([head, *rows])


# ---- versions a page was tested with -------------------------------------------------

def included_snippets(markdown: str) -> list[Path]:
    """Python files under snippets/ that a page includes."""
    return sorted({ROOT / p for p in INCLUDE.findall(markdown) if p.startswith("snippets/") and p.endswith(".py")})


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
    return [(python.split()[0], python.split()[1])] + sorted(found.items(), key=lambda kv: kv[0].lower())


RENDERERS: dict[str, Callable[..., str]] = {
    "glossary": render_glossary,
    "download": render_download,
}
