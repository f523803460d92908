"""Quantization chapter: every quantization path on a trained classifier (speed, accuracy, error)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record, relative_error


def classifier_record(variant: str, run, x, y, reference, accuracy, s: Settings) -> dict:
    """Time one way of running a trained classifier; record its accuracy and how far it is from fp32."""
    import torch

    with torch.no_grad():
        logits = run(x).float()
        result = measure(lambda: run(x), s)
    return record(
        variant,
        result,
        batch=len(y),
        accuracy=accuracy(run, x, y),
        agreement=float((logits.argmax(1) == reference.argmax(1)).float().mean()),
        relative_error=relative_error(logits, reference),
    )


@case(
    "quantization",
    "Quantization paths on a trained classifier: speed, accuracy, error",
    quick=False,
    baseline="fp32",
)
def case_quantization(s: Settings) -> list[dict]:
    import torch

    quant, task = snippets.load("quantization/accuracy"), snippets.load("intro/toy_task")
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    with torch.no_grad():
        reference = model(x_test)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for variant, run in quant.all_paths(model, x_train, y_train, Path(tmp)).items():
            out.append(classifier_record(variant, run, x_test, y_test, reference, task.accuracy, s))
    return out
