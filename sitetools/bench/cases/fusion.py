"""Fusion chapter: folding BatchNorm into convolutions; torch.compile on an element-wise chain and
an MLP."""

from __future__ import annotations

import copy

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record, relative_error


@case("conv_bn_fold", "Folding BatchNorm into convolutions", baseline="conv + bn")
def case_conv_bn_fold(s: Settings) -> list[dict]:
    import torch

    torch.manual_seed(0)
    work = snippets.load("intro/workloads")
    fold = snippets.load("fusion/conv_bn_fold")
    model, x = work.SmallCNN().eval(), work.cnn_inputs()
    folded = fold.fold_all(copy.deepcopy(model))
    with torch.inference_mode():
        error = relative_error(folded(x), model(x))
        return [
            record("conv + bn", measure(lambda: model(x), s)),
            record("folded", measure(lambda: folded(x), s), relative_error=error),
        ]


@case(
    "compile_fusion", "torch.compile fusion: element-wise chain and a GEMM-bound MLP", quick=False
)
def case_compile_fusion(s: Settings) -> list[dict]:
    import torch
    import torch._dynamo

    fusion = snippets.load("fusion/compile_fusion")
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2048, 4096, generator=g)
    bias, scale = torch.randn(4096, generator=g), torch.randn(4096, generator=g)
    torch._dynamo.reset()
    fused = fusion.compiled_bias_gelu_scale()
    eager_r = measure(lambda: fusion.bias_gelu_scale(x, bias, scale), s)
    fused_r = measure(lambda: fused(x, bias, scale), s)
    eager_r["bytes_per_s"] = fusion.eager_bytes(x) / eager_r["median_s"]
    fused_r["bytes_per_s"] = fusion.fused_bytes(x) / fused_r["median_s"]
    eager_r["flops"] = fused_r["flops"] = 3 * x.numel()
    elementwise = "element-wise eager"
    out = [
        record(elementwise, eager_r, bytes=fusion.eager_bytes(x), baseline=elementwise),
        record("element-wise compiled", fused_r, bytes=fusion.fused_bytes(x), baseline=elementwise),
    ]
    work = snippets.load("intro/workloads")
    model, xm = work.TransformerMLP().eval(), work.mlp_inputs()
    torch._dynamo.reset()
    compiled = torch.compile(model)
    with torch.inference_mode():
        out.append(record("MLP eager", measure(lambda: model(xm), s), baseline="MLP eager"))
        out.append(record("MLP compiled", measure(lambda: compiled(xm), s), baseline="MLP eager"))
    return out
