"""See what torch.compile fused: read the code Inductor generates, with and without
freezing.

run_and_get_code lives in a private module (torch._inductor.utils); the public way to
see the same code is the environment variable TORCH_LOGS="output_code", which prints it
while the program runs.
"""

import re
from collections import Counter

import torch
from torch import nn
from torch._inductor.utils import run_and_get_code


def generated_code(model: nn.Module, x: torch.Tensor, freezing: bool) -> str:
    import torch._dynamo
    import torch._inductor.config as inductor_config

    torch._dynamo.reset()  # compile afresh, so the freezing setting takes effect
    with inductor_config.patch(freezing=freezing), torch.no_grad():
        _, codes = run_and_get_code(torch.compile(model), x)
    return "\n".join(codes)


def summary(code: str) -> dict:
    """Inductor's own C++ kernels (cpp_fused_*: the name lists the ops fused into it)
    and the calls into libraries (extern_kernels.* for MKL/oneDNN GEMMs,
    torch.ops.mkldnn.* for oneDNN with post-ops)."""
    kernels = sorted(set(re.findall(r"\b(cpp_fused_\w+?)\s*=", code)))
    calls = Counter(
        re.findall(
            r"\b(extern_kernels\.\w+|torch\.ops\.\w+\.\w+)(?:\.default)?\(", code
        )
    )
    return {"fused C++ kernels": kernels, "library calls": dict(calls)}


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(256, 512),
        nn.GELU(),
        nn.Linear(512, 512),
        nn.ReLU(),
        nn.Linear(512, 10),
    ).eval()
    x = torch.randn(32, 256)
    for freezing in (False, True):
        print(f"freezing={freezing}:")
        for key, value in summary(generated_code(model, x, freezing)).items():
            print(f"  {key}: {value}")
