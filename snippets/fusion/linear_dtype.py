"""With freezing, which library does a linear layer call? Inductor decides by dtype.

The same MLP is compiled with freezing in fp32 and under bf16 autocast, and the
library calls in the code Inductor generated are listed. fp32 goes to MKL on every
x86 CPU, unless the batch size is dynamic; bf16 goes to oneDNN only where oneDNN has
bf16 kernels (the checks Inductor asks, for bf16 and fp16, are printed too).
"""

import re

import torch
import torch._inductor.config as inductor_config
from torch import nn
from torch._inductor.utils import run_and_get_code

CALL = re.compile(r"\b(extern_kernels\.\w+|torch\.ops\.\w+\.\w+)(?:\.default)?\(")


def library_calls(
    model: nn.Module, x: torch.Tensor, bf16: bool, dynamic: bool = False
) -> list[str]:
    """Compile with freezing (under bf16 autocast, or with a symbolic batch size, if
    asked); the library functions the generated code calls."""
    torch._dynamo.reset()
    with inductor_config.patch(freezing=True), torch.no_grad():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            compiled = torch.compile(model, dynamic=dynamic or None)
            _, code = run_and_get_code(compiled, x)
    return sorted(set(CALL.findall("\n".join(code))))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.GELU(), nn.Linear(512, 10)).eval()
    x = torch.randn(32, 256)
    print("fp32 linear layers call:", ", ".join(library_calls(model, x, bf16=False)))
    dynamic_calls = ", ".join(library_calls(model, x, bf16=False, dynamic=True))
    print(f"fp32, dynamic batch size, linear layers call: {dynamic_calls}")
    for dtype in ("bf16", "fp16"):  # what Inductor checks
        has = getattr(torch.ops.mkldnn, f"_is_mkldnn_{dtype}_supported")()
        print(f"oneDNN has {dtype} kernels on this CPU: {'yes' if has else 'no'}")
    bf16_calls = ", ".join(library_calls(model, x, bf16=True))
    print(f"bf16 (autocast) linear layers call, on this CPU: {bf16_calls}")
