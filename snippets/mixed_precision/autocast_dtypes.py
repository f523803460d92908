"""Autocast decides per operator, not per layer: print the dtype each op produced."""

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 64), nn.LayerNorm(64), nn.ReLU(), nn.Linear(64, 10))
x = torch.randn(8, 64)


def record_dtypes(module: nn.Module) -> list[tuple[str, torch.dtype]]:
    """Run the model once and return (layer, output dtype) for every leaf module."""
    seen = []
    hooks = [
        m.register_forward_hook(
            lambda mod, inp, out: seen.append((type(mod).__name__, out.dtype))
        )
        for m in module.modules()
        if not list(m.children())
    ]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = module(x)
        probs = torch.softmax(logits, dim=-1)
    for h in hooks:
        h.remove()
    seen.append(("softmax", probs.dtype))
    return seen


if __name__ == "__main__":
    for layer, dtype in record_dtypes(model):
        print(f"{layer:<10} -> {dtype}")
    print("weights stay", model[0].weight.dtype)
