"""Figures on the pages: one per machine that has the data, captioned with the machine and date."""

from __future__ import annotations

import re

from sitetools import machines, records, strings
from sitetools.paths import FIGURES, ROOT
from sitetools.plots import MACHINE_FIGURES, figure_path
from sitetools.site_data import Context

ALT = {
    "formats": ("fp32、fp16、bf16 的符号位、指数位和尾数位", "Sign, exponent and mantissa bits of fp32, fp16 and bf16"),
    "roofline": ("屋顶线图：内存带宽斜线、实测的矩阵乘峰值和各负载所在位置",
                 "Roofline: the memory-bandwidth slope, the measured GEMM roofs and where the workloads sit"),
    "gemm": ("不同矩阵大小下 fp32、bf16、int8 矩阵乘的吞吐量", "GEMM throughput of fp32, bf16 and int8 over matrix sizes"),
    "ladder": ("逐级放开指令集时矩阵乘吞吐量与模型推理加速比的变化",
               "GEMM throughput and model inference speedup as each instruction-set level is enabled"),
    "inference": ("MLP 与 CNN 各推理方式相对 fp32 eager 的加速比", "Speedup of each inference variant of the MLP and CNN over fp32 eager"),
    "training": ("fp32 与 bf16 autocast 训练一步的耗时", "Time per training step, fp32 versus bf16 autocast"),
    "loss": ("fp32 与 bf16 autocast 的损失曲线", "Loss curves of fp32 and bf16 autocast"),
    "load": ("三种加载方式的时间与峰值内存", "Time and peak memory of three ways to load a state_dict"),
    "quantization": ("各条量化路线相对 fp32 的加速比和测试集准确率", "Speedup over fp32 and test accuracy of each quantization path"),
    "sparsity": ("三种剪枝方式下准确率随剪掉比例的变化", "Accuracy against the fraction pruned, for three pruning methods"),
}


def _img(ctx: Context, path, alt: str, caption: str | None) -> str:
    size = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', path.read_text(encoding="utf-8")[:2000])
    dims = f' width="{round(float(size.group(1)) * 4 / 3)}" height="{round(float(size.group(2)) * 4 / 3)}"' if size else ""
    # mkdocs-static-i18n publishes figures/X.en.svg as en/figures/X.svg and X.zh.svg as figures/X.svg
    name = path.name.rsplit(".", 2)[0]
    src = f"{ctx.root}{'en/' if ctx.lang == 'en' else ''}figures/{name}.svg"
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="bench-figure"><a href="{src}"><img src="{src}" alt="{alt}"{dims} loading="lazy"></a>{cap}</figure>'


def render_figure(ctx: Context, name: str) -> str:
    """The figure `name` of every machine that has it (or the one machine-independent figure)."""
    if name not in ALT:
        raise ValueError(f"unknown figure '{name}' (known: {', '.join(ALT)})")
    alt = ALT[name][0 if ctx.lang == "zh" else 1]
    if name not in MACHINE_FIGURES:
        path = figure_path(FIGURES, name, None, ctx.lang)
        if not path.is_file():
            raise FileNotFoundError(f"{path.relative_to(ROOT)} is missing: run make bench ARGS=--plots-only")
        return _img(ctx, path, alt, None)
    out = []
    for r in records.committed():
        path = figure_path(FIGURES, name, r["slug"], ctx.lang)
        if path.is_file():
            date = max(c["date"] for c in r["cases"])[:10]
            caption = strings.text("figure_caption", ctx.lang, machine=machines.link(ctx, r), date=date)
            out.append(_img(ctx, path, f"{alt}（{machines.label(r, 'zh')}）" if ctx.lang == "zh"
                            else f"{alt} ({machines.label(r, 'en')})", caption))
    if not out:
        raise FileNotFoundError(f"no machine has the figure '{name}': run make bench")
    return "\n".join(out)
