"""Pruning chapter: masks against removed channels; accuracy and speed against the fraction
pruned."""

from __future__ import annotations

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record, relative_error


@case("pruning", "Pruning: masked (unstructured) vs channels removed", baseline="dense")
def case_pruning(s: Settings) -> list[dict]:
    import torch

    torch.manual_seed(0)
    work = snippets.load("intro/workloads")
    prune = snippets.load("pruning/prune_channels")
    model, x = work.TransformerMLP().eval(), work.mlp_inputs()
    out = []
    with torch.inference_mode():
        reference = model(x)
        for variant, m in (
            ("dense", model),
            ("masked 50%", prune.mask_prune(model, 0.5)),
            ("channels removed 50%", prune.shrink_mlp(model, 0.5)),
        ):
            result = measure(lambda m=m: m(x), s)
            out.append(
                record(
                    variant,
                    result,
                    size_bytes=prune.size_bytes(m),
                    relative_error=relative_error(m(x), reference),
                )
            )
    return out


@case(
    "pruning_curve",
    "Pruning the toy classifier: accuracy and speed against the fraction removed",
    quick=False,
    baseline="pruned, 0%",
)
def case_pruning_curve(s: Settings) -> list[dict]:
    import torch

    curve, task = snippets.load("pruning/sparsity_curve"), snippets.load("intro/toy_task")
    prune = snippets.load("pruning/prune_channels")
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    out = []
    for method, amount, pruned in curve.pruned_models(model, x_train, y_train):
        with torch.inference_mode():
            result = measure(lambda pruned=pruned: pruned(x_test), s)
        out.append(
            record(
                f"{method}, {amount:.0%}",
                result,
                method=method,
                sparsity=amount,
                accuracy=task.accuracy(pruned, x_test, y_test),
                size_bytes=prune.size_bytes(pruned),
            )
        )
    return out
