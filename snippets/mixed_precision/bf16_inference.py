"""Three ways to run inference in bfloat16 on a CPU, from simplest to fastest where AMX
is present."""

import torch
from torch import nn


def cast_to_bf16(model: nn.Module) -> nn.Module:
    """Pure bf16: weights and activations become bf16 (inputs must be cast too)."""
    return model.to(torch.bfloat16)


@torch.inference_mode()
def autocast_forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Mixed precision: fp32 weights, matmuls and convolutions computed in bf16."""
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return model(x)


def compile_frozen(model: nn.Module, example: torch.Tensor) -> nn.Module:
    """torch.compile with freezing: weights become constants, so oneDNN can prepack them
    and fuse the following element-wise ops. Freezing is off by default."""
    import torch._inductor.config as inductor_config

    compiled = torch.compile(model)
    with inductor_config.patch(freezing=True), torch.inference_mode():
        compiled(example)  # the first call compiles, with freezing on
    return compiled


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.GELU(), nn.Linear(512, 10)).eval()
    x = torch.randn(32, 256)
    with torch.inference_mode():
        reference = model(x)
    mixed = autocast_forward(model, x)
    pure = cast_to_bf16(model)(x.to(torch.bfloat16))
    for name, out in (("autocast", mixed), ("pure bf16", pure)):
        error = ((out.float() - reference).abs().max()).item()
        print(f"{name:<9}: output {out.dtype}, max abs error vs fp32 {error:.3f}")
