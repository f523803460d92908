"""How a machine record is named on the pages: a short label, the link to its entry on the Machines
page."""

from __future__ import annotations

import re

from sitetools import strings
from sitetools.site_data import Context, locked_versions

TOP_ISA = (
    ("amx_bf16", "AMX"),
    ("avx512_fp16", "AVX512-FP16"),
    ("avx512_bf16", "AVX512_BF16"),
    ("avx512_vnni", "AVX-512 VNNI"),
    ("avx512f", "AVX-512"),
    ("avx2", "AVX2"),
    ("avx", "AVX"),
)


def top_isa(record: dict) -> str:
    flags = set(record["identity"]["isa_flags"])
    return next((name for flag, name in TOP_ISA if flag in flags), "SSE")


def short_cpu(cpu: str) -> str:
    cpu = re.sub(r"\((R|TM|tm|r)\)|\bCPU\b|\bProcessor\b|@.*$|\d+-Core", " ", cpu)
    return re.sub(r"\s+", " ", cpu).strip()


def label(record: dict, lang: str) -> str:
    ident = record["identity"]
    if ident.get("gpu"):
        return strings.text(
            "gpu_machine_label", lang, gpu=ident["gpu"]["name"], cpu=short_cpu(ident["cpu"])
        )
    return strings.text(
        "machine_label",
        lang,
        cpu=short_cpu(ident["cpu"]),
        isa=top_isa(record),
        threads=ident["threads"],
    )


def machines_href(ctx: Context, slug: str | None = None) -> str:
    """The Machines page (docs/machines.<lang>.md), from a page at ctx."""
    return f"{ctx.lang_root}machines/" + (f"#{slug}" if slug else "")


def link(ctx: Context, record: dict) -> str:
    return f'<a href="{machines_href(ctx, record["slug"])}">{label(record, ctx.lang)}</a>'


def other_versions(record: dict) -> dict[str, str]:
    """Library versions of the record that differ from requirements.lock (e.g. a GPU machine's own
    torch)."""
    pins = locked_versions()
    out = {}
    for name, version in record["identity"]["versions"].items():
        pinned = pins.get(name.lower())
        if pinned and version.split("+")[0] != pinned:
            out[name] = version
    return out


def render_machines(ctx: Context) -> str:
    """The Machines page: one section per record with its fingerprint, cases, dates and command."""
    from sitetools import records

    lang = ctx.lang
    out = []
    for r in records.committed():
        ident, host = r["identity"], r["host"]
        versions = ", ".join(f"{k} {v}" for k, v in sorted(ident["versions"].items()))
        if other_versions(r):
            versions += strings.text("other_versions", lang)
        rows = [
            ("cpu", ident["cpu"]),
            ("cpu_numbers", f"{ident['vendor']} / {ident['family']} / {ident['model']}"),
            ("cores_threads", f"{ident['cores']} / {ident['threads']}"),
            ("isa_top", " ".join(f"`{f}`" for f in ident["isa_flags"])),
            ("onednn_isa", ident["onednn_isa"]),
            ("pytorch_capability", ident["pytorch_capability"]),
            ("versions", f"Python {ident['python']}, {versions}"),
            ("system", host["system"]),
            (
                "clock",
                f"{host['clock_ghz']:.2f} GHz ({host['clock_source']})"
                if host["clock_ghz"]
                else host["clock_source"],
            ),
        ]
        if ident.get("gpu"):
            g = ident["gpu"]
            rows.insert(
                0,
                (
                    "gpu",
                    f"{g['name']}, {g['memory_gib']} GiB, sm {g['capability']}, CUDA {g['cuda']}",
                ),
            )
        commands = sorted({c["command"] for c in r["cases"]})
        cases = ", ".join(f"`{c['name']}` {c['date']}" for c in r["cases"])
        rows += [
            ("cases_dates", cases),
            ("command", ", ".join(f"`{c}`" for c in commands)),
            (
                "record_file",
                f'<a href="{ctx.root}data/bench/hosts/{r["slug"]}.json" download>'
                f"{r['slug']}.json</a>",
            ),
        ]
        out += [
            f"## {label(r, lang)} {{ #{r['slug']} }}",
            "",
            f"| {strings.text('fingerprint', lang)} | |",
            "|---|---|",
        ]
        out += [f"| {strings.text(k, lang)} | {str(v).replace('|', '/')} |" for k, v in rows] + [""]
    return "\n".join(out)


def render_recorded_on(ctx: Context, output: str) -> str:
    """The line above an output recorded on another machine (docs/outputs/kinds.yml: with,
    recorded_on): which machine printed it, with which torch, and that machines without the
    hardware do not compare it."""
    from sitetools import outputs, records
    from sitetools.paths import HOSTS

    kind = outputs.load_kinds().get(output)
    if kind is None or not kind.recorded_on:
        raise ValueError(f"render:recorded-on {output}: kinds.yml declares no recorded_on for it")
    record = records.read(HOSTS / f"{kind.recorded_on}.json")
    return strings.text(
        f"recorded_on_{kind.with_}",
        ctx.lang,
        machine=link(ctx, record),
        torch=record["identity"]["versions"]["torch"],
        hardware=strings.text(f"hardware_{kind.with_}", ctx.lang),
    )
