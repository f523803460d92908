"""Data behind the pages: loaders and renderers shared by the MkDocs hook and the tests.

A renderer takes the page language ('zh' or 'en') and returns Markdown/HTML. Pages call
one with ``<!-- render:NAME ARG... -->``; RENDERERS lists the names.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
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


# ---- instruction-set extensions -------------------------------------------------------

ISA_KEYS = {"name", "family", "flags", "instructions", "announced", "width_bits", "dtypes", "intel", "amd",
            "dl_zh", "dl_en", "sources"}
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
            raise ValueError(f"{where}: missing fields {sorted(missing)}, unknown fields {sorted(extra)}")
        if e["name"] in names:
            raise ValueError(f"{where}: duplicate name")
        names.add(e["name"])
        if not isinstance(e["flags"], list) or any(not re.fullmatch(r"[a-z0-9_]+", f) for f in e["flags"]):
            raise ValueError(f"{where}: flags must be a list of lower-case /proc/cpuinfo names")
        if not e["flags"] and not e.get("flags_note"):
            raise ValueError(f"{where}: no flags; say why in flags_note")
        if e["instructions"] is not None and (not isinstance(e["instructions"], int) or e["instructions"] < 1):
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
                raise ValueError(f"{where}: {key} must say what the extension means for deep learning")


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
    heads = (["扩展", "/proc/cpuinfo 标志", "指令数", "公布", "首款 Intel CPU", "发售", "首款 AMD CPU", "发售", "位宽",
              "对深度学习的意义"] if zh else
             ["Extension", "/proc/cpuinfo flag", "Instructions", "Announced", "First Intel CPU", "Released",
              "First AMD CPU", "Released", "Bits", "What it means for deep learning"])
    families = sorted({e["family"] for e in isa_entries()}, key=lambda f: [e["family"] for e in isa_entries()].index(f))
    options = "".join(f'<option value="{h.escape(f)}">{h.escape(f)}</option>' for f in families)
    rows = []
    for e in isa_entries():
        icpu, idate = _fmt_vendor(e["intel"], ctx.lang)
        acpu, adate = _fmt_vendor(e["amd"], ctx.lang)
        flags = " ".join(f"<code>{f}</code>" for f in e["flags"]) or "—"
        note = f' <abbr title="{h.escape(e["flags_note"])}">*</abbr>' if e.get("flags_note") else ""
        cells = [f"<strong>{h.escape(e['name'])}</strong>", flags + note, e["instructions"] or "—",
                 e["announced"] or "—", h.escape(icpu), idate, h.escape(acpu), adate, e["width_bits"],
                 h.escape(e["dl_" + ctx.lang])]
        rows.append(f'<tr data-family="{h.escape(e["family"])}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    label_filter = "筛选" if zh else "Filter"
    label_family = "类别" if zh else "Family"
    label_all = "全部" if zh else "All"
    placeholder = "输入扩展名、标志或 CPU" if zh else "extension, flag or CPU"
    return (
        f'<div class="isa-table" markdown="0">\n'
        f'<p class="isa-controls"><label>{label_filter} <input type="search" class="isa-filter" placeholder="{placeholder}"></label> '
        f'<label>{label_family} <select class="isa-family"><option value="">{label_all}</option>{options}</select></label> '
        f'<span class="isa-count"></span></p>\n'
        f'<table class="isa"><thead><tr>' + "".join(f"<th>{c}</th>" for c in heads) + "</tr></thead>\n<tbody>\n"
        + "\n".join(rows) + "\n</tbody></table>\n</div>"
    )


def render_isa_dtypes(ctx: Context) -> str:
    """Which deep-learning data types each extension accelerates (a generated view of the same YAML)."""
    head = "| 扩展 | " if ctx.lang == "zh" else "| Extension | "
    lines = [head + " | ".join(DL_DTYPES) + " |", "|---|" + "---|" * len(DL_DTYPES)]
    for e in isa_entries():
        if e["dtypes"]:
            lines.append(f"| {e['name']} | " + " | ".join("✓" if d in e["dtypes"] else "" for d in DL_DTYPES) + " |")
    return "\n".join(lines)


# ---- benchmark results -----------------------------------------------------------------

RESULTS = ROOT / "docs" / "data" / "bench" / "results.json"
FIGURES = ROOT / "docs" / "figures"

COLUMNS = {  # optional record fields shown as extra columns: (zh, en, format)
    "n": ("n", "n", "{:d}"),
    "ops_per_s": ("G 次运算/秒", "G ops/s", lambda v: f"{v / 1e9:.1f}"),
    "bytes_per_s": ("带宽 GB/s", "GB/s", lambda v: f"{v / 1e9:.1f}"),
    "relative_error": ("相对误差", "relative error", "{:.1e}"),
    "max_abs_difference": ("最大绝对误差", "max abs difference", "{:.1e}"),
    "size_bytes": ("大小 MB", "size MB", lambda v: f"{v / 1e6:.2f}"),
    "peak_after_load_mb": ("加载后峰值内存增量 MiB", "peak memory added by loading MiB", "{:.0f}"),
    "private_after_read_mb": ("读取后私有内存增量 MiB", "private memory after reading MiB", "{:.0f}"),
    "load_only_median_s": ("仅加载 ms", "load only ms", lambda v: f"{v * 1e3:.1f}"),
    "accuracy": ("准确率", "accuracy", "{:.1%}"),
    "agreement": ("与 fp32 答案相同", "same answer as fp32", "{:.1%}"),
    "build_s": ("准备/编译 s", "prepare/compile s", "{:.1f}"),
}


@functools.cache
def bench_results() -> dict:
    if not RESULTS.is_file():
        raise FileNotFoundError(f"{RESULTS.relative_to(ROOT)} is missing: run make bench")
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def _fmt(value, fmt) -> str:
    if value is None:
        return "—"
    return fmt(value) if callable(fmt) else fmt.format(value)


def render_bench_host(ctx: Context, *cases: str) -> str:
    """Which machine, when and how the figures on this page were measured, and how to rerun them."""
    r = bench_results()
    h = r["host"]
    dates = sorted({r["case_dates"][c] for c in cases if c in r["case_dates"]}) or [h["date"]]
    when = "、".join(dates) if ctx.lang == "zh" else ", ".join(dates)
    present = set(h["isa_flags"])
    best = [e["name"] for e in isa_entries() if e["flags"] and set(e["flags"]) <= present][-4:]
    flags = ", ".join(best)
    if ctx.lang == "zh":
        return (f'<p class="bench-host">以下数字测于 <strong>{h["cpu"]}</strong>（{h["cores"]} 核，{h["threads"]} 线程，'
                f'oneDNN：{h["onednn_isa"]}，最高的指令集扩展：{flags}），PyTorch {h["versions"]["torch"]}，'
                f'{when}。重新测量：<code>make bench</code>（只测本页：<code>make bench ARGS="--only {",".join(cases)}"</code>）。</p>')
    return (f'<p class="bench-host">Measured on <strong>{h["cpu"]}</strong> ({h["cores"]} cores, {h["threads"]} threads, '
            f'oneDNN: {h["onednn_isa"]}, highest extensions: {flags}), PyTorch {h["versions"]["torch"]}, '
            f'{when}. Rerun: <code>make bench</code> (this page only: <code>make bench ARGS="--only {",".join(cases)}"</code>).</p>')


# Cases that compare pairs (e.g. "MLP eager" / "MLP compiled"): a variant's baseline is the first variant
# sharing its first word. In the other cases every variant is compared with the case's first variant.
PAIRED_CASES = {"compile_fusion", "training", "bf16_tricks"}


def _baseline(rows: list[dict], rec: dict) -> dict | None:
    group = [r for r in rows if "median_s" in r]
    if rec["case"] in PAIRED_CASES:
        group = [r for r in group if r["variant"].split()[0] == rec["variant"].split()[0]]
    return group[0] if group else None


def render_bench_table(ctx: Context, case: str) -> str:
    """A Markdown table of one case: median, spread, runs, speedup over its baseline, extra columns."""
    zh = ctx.lang == "zh"
    rows = [rec for rec in bench_results()["records"] if rec["case"] == case]
    if not rows:
        raise ValueError(f"results.json has no records for case '{case}'")
    extras = [k for k in COLUMNS if any(k in rec and rec[k] is not None for rec in rows)]
    head = (["变体", "中位数 ms", "四分位距 ms", "次数", "加速比", "基准"] if zh else
            ["variant", "median ms", "IQR ms", "runs", "speedup", "baseline"])
    head += [COLUMNS[k][0 if zh else 1] for k in extras]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for rec in rows:
        if "skipped" in rec:
            cells = [rec["variant"], ("未测：" if zh else "not measured: ") + rec["skipped"], "", "", "", ""]
        else:
            base = _baseline(rows, rec)
            cells = [rec["variant"], f"{rec['median_s'] * 1e3:.3g}", f"{rec['iqr_s'] * 1e3:.2g}", str(rec["runs"]),
                     f"{base['median_s'] / rec['median_s']:.2f}×", base["variant"]]
        cells += [_fmt(rec.get(k), COLUMNS[k][2]) for k in extras]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def render_gemm_table(ctx: Context) -> str:
    """GEMM throughput per dtype and size, with the fraction of this host's theoretical peak."""
    zh = ctx.lang == "zh"
    r = bench_results()
    peaks = r["host"]["theoretical_peak"]
    head = (["类型", "n", "中位数 ms", "四分位距 ms", "次数", "G 次运算/秒", "占理论峰值"] if zh else
            ["dtype", "n", "median ms", "IQR ms", "runs", "G ops/s", "of theoretical peak"])
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for rec in r["records"]:
        if rec["case"] not in ("gemm", "gemm_amx_off"):
            continue
        name = rec["variant"] + ("（关闭 AMX）" if zh else " (AMX off)") * (rec["case"] == "gemm_amx_off")
        if "skipped" in rec:
            lines.append(f"| {name} | {rec.get('n', '')} | " + ("未测：" if zh else "not measured: ") + rec["skipped"].replace("|", "\\|") + " | | | | |")
            continue
        peak = peaks.get(rec["variant"], {}).get("ops_per_s")
        frac = f"{rec['ops_per_s'] / peak:.0%}" if peak else ("无该类型的峰值" if zh else "no peak for this type")
        lines.append(f"| {name} | {rec['n']} | {rec['median_s'] * 1e3:.3g} | {rec['iqr_s'] * 1e3:.2g} | {rec['runs']} | "
                     f"{rec['ops_per_s'] / 1e9:.1f} | {frac} |")
    return "\n".join(lines)


FIGURE_ALT = {
    "formats": ("fp32、fp16、bf16 的符号位、指数位和尾数位", "Sign, exponent and mantissa bits of fp32, fp16 and bf16"),
    "roofline": ("本机的屋顶线图：内存带宽斜线、实测峰值水平线和各模型所在位置", "Roofline of this machine: the memory-bandwidth slope, measured peaks and where the models sit"),
    "gemm": ("不同矩阵大小下 fp32、bf16、int8 矩阵乘的吞吐量", "GEMM throughput of fp32, bf16 and int8 over matrix sizes"),
    "inference": ("MLP 与 CNN 各推理方式相对 fp32 eager 的加速比", "Speedup of each inference variant of the MLP and CNN over fp32 eager"),
    "training": ("fp32 与 bf16 autocast 训练一步的耗时", "Time per training step, fp32 versus bf16 autocast"),
    "loss": ("fp32 与 bf16 autocast 的损失曲线", "Loss curves of fp32 and bf16 autocast"),
    "load": ("三种加载方式的时间与峰值内存", "Time and peak memory of three ways to load a state_dict"),
    "quantization": ("各条量化路线相对 fp32 的加速比和测试集准确率", "Speedup over fp32 and test accuracy of each quantization path"),
    "sparsity": ("三种剪枝方式下准确率随剪掉比例的变化", "Accuracy against the fraction pruned, for three pruning methods"),
}


def render_figure(ctx: Context, name: str) -> str:
    """A plot drawn by the benchmark program, in the page's language (figures live once, at the site root)."""
    path = FIGURES / f"{name}.{ctx.lang}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"{path.relative_to(ROOT)} is missing: run make bench")
    alt = FIGURE_ALT[name][0 if ctx.lang == "zh" else 1]
    size = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', path.read_text(encoding="utf-8")[:2000])
    dims = f' width="{round(float(size.group(1)) * 4 / 3)}" height="{round(float(size.group(2)) * 4 / 3)}"' if size else ""
    # mkdocs-static-i18n publishes figures/NAME.en.svg as en/figures/NAME.svg and NAME.zh.svg as figures/NAME.svg
    src = f"{ctx.root}{'en/' if ctx.lang == 'en' else ''}figures/{name}.svg"
    return f'<figure class="bench-figure"><img src="{src}" alt="{alt}"{dims} loading="lazy"></figure>'


RENDERERS: dict[str, Callable[..., str]] = {
    "glossary": render_glossary,
    "download": render_download,
    "isa-table": render_isa_table,
    "isa-dtypes": render_isa_dtypes,
    "bench-host": render_bench_host,
    "bench-table": render_bench_table,
    "gemm-table": render_gemm_table,
    "figure": render_figure,
}
