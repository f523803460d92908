"""Masks versus removed channels: only the second makes a dense layer smaller and
faster."""

import copy
import itertools

import torch
from torch import nn
from torch.nn.utils import prune


def mask_prune(model: nn.Module, amount: float) -> nn.Module:
    """Unstructured L1 pruning of every Linear, made permanent with prune.remove.
    The weights keep their shape: zeros are still multiplied."""
    model = copy.deepcopy(model)
    for module in model.modules():
        if isinstance(module, nn.Linear):
            prune.l1_unstructured(module, "weight", amount=amount)
            prune.remove(module, "weight")
    return model


def remove_hidden_units(
    first: nn.Linear, second: nn.Linear, amount: float
) -> tuple[nn.Linear, nn.Linear]:
    """Drop the hidden units of first -> second with the smallest L2 norm: both matrices
    shrink."""
    keep = int(round(first.out_features * (1 - amount)))
    norms = first.weight.norm(dim=1)
    kept = norms.argsort(descending=True)[:keep].sort().values
    new_first, new_second = (
        nn.Linear(first.in_features, keep),
        nn.Linear(keep, second.out_features),
    )
    with torch.no_grad():
        new_first.weight.copy_(first.weight[kept])
        new_first.bias.copy_(first.bias[kept])
        new_second.weight.copy_(second.weight[:, kept])
        new_second.bias.copy_(second.bias)
    return new_first, new_second


def shrink_mlp(model: nn.Module, amount: float) -> nn.Module:
    """Remove hidden units from every Linear-activation-Linear run inside nn.Sequential
    containers."""
    model = copy.deepcopy(model)
    for module in model.modules():
        if isinstance(module, nn.Sequential):
            linears = [i for i, m in enumerate(module) if isinstance(m, nn.Linear)]
            for i, j in itertools.pairwise(linears):
                if j == i + 2:  # Linear, activation, Linear
                    module[i], module[j] = remove_hidden_units(
                        module[i], module[j], amount
                    )
    return model


def size_bytes(model: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in model.state_dict().values())


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 1024), nn.ReLU(), nn.Linear(1024, 10))
    masked, shrunk = mask_prune(model, 0.5), shrink_mlp(model, 0.5)
    zeros = (masked[0].weight == 0).float().mean().item()
    print(
        f"masked: weight {tuple(masked[0].weight.shape)}, {zeros:.0%} zeros, "
        f"{size_bytes(masked) / 1e6:.2f} MB"
    )
    print(
        f"shrunk: weight {tuple(shrunk[0].weight.shape)}, "
        f"{size_bytes(shrunk) / 1e6:.2f} MB"
    )
    print(f"original: {size_bytes(model) / 1e6:.2f} MB")
