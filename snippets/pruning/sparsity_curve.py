"""Accuracy against sparsity on the site's toy task: global magnitude pruning with and without
fine-tuning, and hidden units removed outright (structured), each fine-tuned for one epoch."""

import copy
import sys
from pathlib import Path

import torch
from torch import nn
from torch.nn.utils import prune

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "intro")]
from prune_channels import shrink_mlp  # noqa: E402  (snippets/pruning/prune_channels.py)
from toy_task import accuracy, make_classifier, make_task, train  # noqa: E402  (snippets/intro/toy_task.py)

SPARSITIES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


def global_magnitude(model: nn.Module, amount: float) -> nn.Module:
    model = copy.deepcopy(model)
    params = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
    if amount > 0:
        prune.global_unstructured(
            params, pruning_method=prune.L1Unstructured, amount=amount
        )
    return model


def fine_tune(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> nn.Module:
    """One epoch at a lower learning rate. While the masks are attached, pruned weights stay 0: the
    forward pass multiplies by the mask, so their gradient is 0 too."""
    return train(model, x, y, epochs=1, lr=5e-4)


METHODS = ("pruned", "pruned + fine-tuned", "units removed + fine-tuned")


def pruned_models(model: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor):
    """(method, fraction removed, model) for every method and fraction; structured stops at 90%."""
    for amount in SPARSITIES:
        pruned = global_magnitude(model, amount)
        yield METHODS[0], amount, pruned
        yield (
            METHODS[1],
            amount,
            fine_tune(global_magnitude(model, amount), x_train, y_train),
        )
        if (
            amount <= 0.9
        ):  # remove that fraction of the hidden units of both hidden layers, then fine-tune
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
        print(
            f"{amount:>8.0%} "
            + " ".join(
                f"{row[m]:>27.1%}" if m in row else f"{'—':>27}" for m in METHODS
            )
        )
