"""Introduction and quantization chapters: MLP and CNN inference in fp32, bf16 and int8."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from sitetools import snippets
from sitetools.bench.measure import (
    Settings,
    case,
    invalid,
    measure,
    record,
    relative_error,
)


def inference_variants(model, x, full_variants: bool) -> list[tuple[str, Callable, Callable]]:
    """(variant, build, run) triples; build returns what run takes."""
    import torch

    bf16 = snippets.load("mixed_precision/bf16_inference")
    int8 = snippets.load("quantization/int8_inference")
    variants = [
        ("fp32 eager", lambda: model, lambda m: m(x)),
        (
            "bf16 eager",
            lambda: bf16.cast_to_bf16(copy.deepcopy(model)),
            lambda m: m(x.to(torch.bfloat16)),
        ),
        ("bf16 autocast", lambda: model, lambda m: bf16.autocast_forward(m, x)),
        ("int8 torchao dynamic", lambda: int8.torchao_dynamic_int8(model), lambda m: m(x)),
    ]
    if x.dim() == 4:  # CNN: the NHWC memory layout oneDNN's convolutions prefer
        layout = snippets.load("mixed_precision/channels_last")
        variants += [
            (
                "fp32 channels_last",
                lambda: layout.to_channels_last(copy.deepcopy(model), x),
                lambda m: m[0](m[1]),
            ),
            (
                "bf16 autocast channels_last",
                lambda: layout.to_channels_last(copy.deepcopy(model), x),
                lambda m: bf16.autocast_forward(m[0], m[1]),
            ),
        ]
    if full_variants:
        calibration = [x]
        variants += [
            (
                "fp32 compiled + freezing",
                lambda: bf16.compile_frozen(copy.deepcopy(model), x),
                lambda m: m(x),
            ),
            (
                "bf16 compiled + freezing",
                lambda: bf16.compile_frozen(
                    bf16.cast_to_bf16(copy.deepcopy(model)), x.to(torch.bfloat16)
                ),
                lambda m: m(x.to(torch.bfloat16)),
            ),
            (
                "int8 PT2E + freezing",
                lambda: int8.compile_int8(
                    int8.pt2e_static_int8(copy.deepcopy(model), x, calibration), x, True
                ),
                lambda m: m(x),
            ),
            (
                "int8 PT2E, no freezing",
                lambda: int8.compile_int8(
                    int8.pt2e_static_int8(copy.deepcopy(model), x, calibration), x, False
                ),
                lambda m: m(x),
            ),
        ]
    return variants


def inference_case(model, x, s: Settings) -> list[dict]:
    import torch
    import torch._dynamo

    work = snippets.load("intro/workloads")
    model = model.eval()
    flops = work.count_flops(model, x)
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    with torch.inference_mode():
        reference = model(x)
    out = []
    for variant, build, run in inference_variants(model, x, full_variants=not s.quick):
        torch._dynamo.reset()
        try:
            start = time.perf_counter()
            built = build()
            build_s = time.perf_counter() - start
            with torch.inference_mode():
                error = relative_error(run(built), reference)
                reason = invalid(variant, error)
                result = (
                    {"skipped": reason}
                    if reason
                    else measure(lambda run=run, built=built: run(built), s)
                )
        except Exception as exc:  # a backend that cannot run here is recorded, not hidden
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            result, build_s, error = {"skipped": reason}, None, None
        out.append(
            record(
                variant,
                result,
                flops=flops,
                param_bytes=param_bytes,
                input_bytes=x.numel() * x.element_size(),
                relative_error=error,
                build_s=build_s,
            )
        )
    return out


@case("mlp_inference", "Transformer-style MLP inference: fp32, bf16, int8", baseline="fp32 eager")
def case_mlp_inference(s: Settings) -> list[dict]:
    import torch

    torch.manual_seed(0)
    work = snippets.load("intro/workloads")
    return inference_case(work.TransformerMLP(), work.mlp_inputs(), s)


@case("cnn_inference", "Small CNN inference: fp32, bf16, int8", quick=False, baseline="fp32 eager")
def case_cnn_inference(s: Settings) -> list[dict]:
    import torch

    torch.manual_seed(0)
    work = snippets.load("intro/workloads")
    return inference_case(work.SmallCNN(), work.cnn_inputs(), s)
