# --8<-- [start:setup]
"""Accuracy against sparsity on the site's toy task: global magnitude pruning with and
without fine-tuning, and hidden units removed outright (structured), each fine-tuned for
one epoch. The toy task (snippets/intro/toy_task.py) and the removal of hidden units
(snippets/pruning/prune_channels.py) are repeated here, so this file runs on its own.
"""

import copy
import itertools

import torch
from torch import nn
from torch.nn.utils import prune

# ---- the toy task (as in snippets/intro/toy_task.py) -------------------------------

FEATURES, CLASSES = 64, 10


def make_task(
    samples: int = 12288, noise: float = 1.75, seed: int = 0
) -> tuple[torch.Tensor, ...]:
    """x_train, y_train, x_test, y_test (a 5:1 split)."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(CLASSES * 4, FEATURES, generator=g)
    cluster = torch.randint(0, len(centers), (samples,), generator=g)
    x = centers[cluster] + noise * torch.randn(samples, FEATURES, generator=g)
    y = cluster % CLASSES
    split = samples * 5 // 6
    return x[:split], y[:split], x[split:], y[split:]


def make_classifier(hidden: int = 512) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(FEATURES, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, CLASSES),
    )


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 8,
    lr: float = 2e-3,
) -> nn.Module:
    """Adam, batches of 256, a fixed shuffling seed: the same weights on every run of
    one machine."""
    g = torch.Generator().manual_seed(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=g).split(256):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(run, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of x that run (a model, or any function returning logits) classifies
    correctly."""
    return (run(x).argmax(1) == y).float().mean().item()


# ---- hidden units removed (as in snippets/pruning/prune_channels.py) ---------------


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


# --8<-- [end:setup]
# --8<-- [start:curve]
SPARSITIES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)
METHODS = ("pruned", "pruned + fine-tuned", "units removed + fine-tuned")


def global_magnitude(model: nn.Module, amount: float) -> nn.Module:
    model = copy.deepcopy(model)
    params = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
    if amount > 0:
        prune.global_unstructured(
            params, pruning_method=prune.L1Unstructured, amount=amount
        )
    return model


def fine_tune(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> nn.Module:
    """One epoch at a lower learning rate. While the masks are attached, pruned weights
    stay 0: the forward pass multiplies by the mask, so their gradient is 0 too."""
    return train(model, x, y, epochs=1, lr=5e-4)


def pruned_models(model: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor):
    """(method, fraction removed, model) for every method and fraction; structured
    stops at 90%."""
    for amount in SPARSITIES:
        pruned = global_magnitude(model, amount)
        yield METHODS[0], amount, pruned
        tuned = fine_tune(global_magnitude(model, amount), x_train, y_train)
        yield METHODS[1], amount, tuned
        if amount <= 0.9:
            # remove that fraction of the hidden units of both hidden layers, then
            # fine-tune
            shrunk = shrink_mlp(model, amount) if amount > 0 else copy.deepcopy(model)
            yield METHODS[2], amount, fine_tune(shrunk, x_train, y_train)


if __name__ == "__main__":
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = make_task()
    model = train(make_classifier(), x_train, y_train)
    table: dict[float, dict[str, float]] = {}
    for method, amount, pruned in pruned_models(model, x_train, y_train):
        table.setdefault(amount, {})[method] = accuracy(pruned, x_test, y_test)
    print(f"{'removed':>8} " + " ".join(f"{m:>27}" for m in METHODS))
    for amount, row in table.items():
        cells = (f"{row[m]:>27.1%}" if m in row else f"{'—':>27}" for m in METHODS)
        print(f"{amount:>8.0%} " + " ".join(cells))
# --8<-- [end:curve]
