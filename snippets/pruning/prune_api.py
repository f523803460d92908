"""torch.nn.utils.prune: unstructured, structured and global pruning, and what
prune.remove does."""

import torch
from torch import nn
from torch.nn.utils import prune


def sparsity(t: torch.Tensor) -> float:
    return (t == 0).float().mean().item()


def state_bytes(model: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in model.state_dict().values())


def prune_unstructured(layer: nn.Linear, amount: float) -> None:
    """The smallest |w| anywhere in the matrix become 0 (scattered zeros)."""
    prune.l1_unstructured(layer, name="weight", amount=amount)


def prune_structured(layer: nn.Linear, amount: float) -> None:
    """Whole output rows (dim=0) with the smallest L2 norm become 0 (rows of zeros,
    still stored)."""
    prune.ln_structured(layer, name="weight", amount=amount, n=2, dim=0)


def prune_global(model: nn.Module, amount: float) -> None:
    """One threshold across all Linear layers: layers with many small weights lose
    more."""
    params = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
    prune.global_unstructured(
        params, pruning_method=prune.L1Unstructured, amount=amount
    )


def make_permanent(model: nn.Module) -> None:
    """prune.remove folds weight_orig * weight_mask into a plain weight and drops the
    mask and hook."""
    for module in model.modules():
        if prune.is_pruned(module):
            for name in [
                k[: -len("_mask")]
                for k, _ in module.named_buffers(recurse=False)
                if k.endswith("_mask")
            ]:
                prune.remove(module, name)


if __name__ == "__main__":
    torch.manual_seed(0)
    layer = nn.Linear(8, 4)
    prune_unstructured(layer, 0.5)
    parameters = [n for n, _ in layer.named_parameters()]
    buffers = [n for n, _ in layer.named_buffers()]
    print(
        f"after l1_unstructured: parameters {parameters}, buffers {buffers}, "
        f"weight sparsity {sparsity(layer.weight):.0%}"
    )
    structured = nn.Linear(8, 4)
    prune_structured(structured, 0.5)
    zero_rows = (structured.weight.abs().sum(1) == 0).sum().item()
    print(
        f"after ln_structured(dim=0): zero rows {zero_rows} of 4, "
        f"shape still {tuple(structured.weight.shape)}"
    )

    model = nn.Sequential(
        nn.Linear(64, 256),
        nn.ReLU(),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Linear(256, 10),
    )
    with torch.no_grad():
        model[2].weight.mul_(0.1)  # one layer with smaller weights
    dense_bytes = state_bytes(model)
    prune_global(model, 0.6)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    per_layer = [f"{sparsity(m.weight):.0%}" for m in linears]
    print(f"global_unstructured 60%: per-layer sparsity {per_layer}")
    print(
        "state_dict while masks are attached: "
        f"{state_bytes(model) / dense_bytes:.2f}x the dense size"
    )
    make_permanent(model)
    print(
        f"after prune.remove: {state_bytes(model) / dense_bytes:.2f}x, "
        f"masks left {sum(prune.is_pruned(m) for m in model.modules())}"
    )
