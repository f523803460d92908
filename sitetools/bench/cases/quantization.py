"""Quantization chapter: every quantization path on a trained classifier (speed, accuracy,
error)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sitetools import snippets
from sitetools.bench.measure import (
    Settings,
    case,
    invalid,
    measure,
    record,
    relative_error,
)


def classifier_record(variant: str, run, x, y, reference, accuracy, s: Settings) -> dict:
    """Time one way of running a trained classifier; record its accuracy and how far it is from
    fp32."""
    import torch

    with torch.no_grad():
        logits = run(x).float()
        error = relative_error(logits, reference)
        reason = invalid(variant, error)
        result = {"skipped": reason} if reason else measure(lambda: run(x), s)
    return record(
        variant,
        result,
        batch=len(y),
        accuracy=accuracy(run, x, y),
        agreement=float((logits.argmax(1) == reference.argmax(1)).float().mean()),
        relative_error=error,
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


@case(
    "ort_int8",
    "ONNX Runtime int8 without VNNI in mind: U8S8, U8S8 + reduce_range, S8S8",
    quick=False,
    baseline="ONNX Runtime fp32",
)
def case_ort_int8(s: Settings) -> list[dict]:
    """The classifier of snippets/quantization/ort_int8.py, exported once and quantized each way;
    every session timed on the same batch, with its agreement and error against the fp32 model."""
    import numpy as np

    ort_int8 = snippets.load("quantization/ort_int8")
    x_train, y_train, _, _ = ort_int8.make_task()
    model = ort_int8.train(x_train, y_train)
    batch = x_train[: 256 if s.quick else 2048]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = ort_int8.export_onnx(model, x_train[:8], Path(tmp) / "fp32.onnx")
        paths = {"ONNX Runtime fp32": fp32}
        for variant in ort_int8.VARIANTS:
            path = ort_int8.quantize(fp32, x_train[:1024], variant)
            paths[f"int8 {variant} (ONNX Runtime)"] = path
        reference = None
        for name, path in paths.items():  # one session at a time, fp32 first
            run = ort_int8.session(path, s.threads)
            logits = run(batch)
            reference = logits if reference is None else reference
            error = np.linalg.norm(logits - reference) / np.linalg.norm(reference)
            out.append(
                record(
                    name,
                    measure(lambda run=run: run(batch), s),
                    batch=len(batch),
                    agreement=float((logits.argmax(1) == reference.argmax(1)).mean()),
                    relative_error=float(error),
                )
            )
    return out
