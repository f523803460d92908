"""int8 inference on a CPU with today's tools: torchao's quantize_ and PT2E with
X86InductorQuantizer."""

import copy

import torch
from torch import nn


def torchao_dynamic_int8(model: nn.Module) -> nn.Module:
    """Weights int8 ahead of time, activations quantized on the fly per batch (eager
    mode)."""
    from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

    model = copy.deepcopy(model)
    quantize_(model, Int8DynamicActivationInt8WeightConfig())
    return model


def pt2e_static_int8(
    model: nn.Module, example: torch.Tensor, calibration: list[torch.Tensor]
) -> nn.Module:
    """Static int8 through PT2E: export, insert observers, calibrate, convert to
    quantize/dequantize ops."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
    from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
        X86InductorQuantizer,
        get_default_x86_inductor_quantization_config,
    )

    quantizer = X86InductorQuantizer().set_global(
        get_default_x86_inductor_quantization_config()
    )
    exported = torch.export.export(model.eval(), (example,)).module()
    prepared = prepare_pt2e(exported, quantizer)
    with torch.no_grad():
        for batch in calibration:
            prepared(batch)
    return convert_pt2e(prepared)


def compile_int8(
    quantized: nn.Module, example: torch.Tensor, freezing: bool = True
) -> nn.Module:
    """Lower the quantize/dequantize graph to int8 kernels. Without freezing the int8
    weights are not prepacked and the pattern is not fused — the result can be slower
    than fp32. Call the result in inference mode, as it was compiled: Dynamo guards on
    the grad mode, and a call under torch.no_grad() would compile the graph again,
    outside the freezing patch, into the unfused quantize/dequantize graph."""
    import torch._inductor.config as inductor_config

    compiled = torch.compile(quantized)
    with inductor_config.patch(freezing=freezing), torch.inference_mode():
        compiled(example)
    return compiled


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 10)).eval()
    x = torch.randn(64, 128)
    with torch.no_grad():
        reference = model(x)
        dynamic = torchao_dynamic_int8(model)(x)
        static = pt2e_static_int8(model, x, [torch.randn(64, 128) for _ in range(4)])(x)
    for name, out in (("torchao dynamic int8", dynamic), ("PT2E static int8", static)):
        error = ((out - reference).norm() / reference.norm()).item()
        agree = (out.argmax(1) == reference.argmax(1)).float().mean().item()
        print(
            f"{name:<20}: relative error {error:.3f}, "
            f"same top-1 as fp32 for {agree:.0%} of inputs"
        )
