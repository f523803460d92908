"""int8 with ONNX Runtime on any x86 CPU: U8S8 with and without reduce_range, and S8S8.

A small classifier is trained on a synthetic task, exported to ONNX and quantized
statically (QDQ format, weights per channel) three ways; each int8 model is compared
with the fp32 model on the same test set.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

FEATURES, CLASSES = 64, 16
# name -> (activation type, reduce_range); weights are always signed int8
VARIANTS = {
    "U8S8": ("QUInt8", False),
    "U8S8 + reduce_range": ("QUInt8", True),
    "S8S8": ("QInt8", False),
}


def make_task(n: int = 6144) -> tuple[torch.Tensor, ...]:
    """Noisy Gaussian clusters, one per class; 3/4 for training, 1/4 for testing."""
    g = torch.Generator().manual_seed(0)
    centers = torch.randn(CLASSES, FEATURES, generator=g)
    y = torch.randint(0, CLASSES, (n,), generator=g)
    x = centers[y] + 2.5 * torch.randn(n, FEATURES, generator=g)
    cut = n * 3 // 4
    return x[:cut], y[:cut], x[cut:], y[cut:]


def train(x: torch.Tensor, y: torch.Tensor, hidden: int = 256) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(FEATURES, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, CLASSES),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(1))
    for batch in order.split(128):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()
    return model.eval()


def export_onnx(model: nn.Module, example: torch.Tensor, path: Path) -> Path:
    """ONNX with a dynamic batch dimension, then ONNX Runtime's pre-processing."""
    from onnxruntime.quantization import quant_pre_process

    batch = torch.export.Dim("batch", min=1, max=4096)
    exported = path.with_name("exported.onnx")
    torch.onnx.export(
        model,
        (example,),
        dynamo=True,
        verbose=False,
        input_names=["x"],
        dynamic_shapes=({0: batch},),
    ).save(str(exported))
    quant_pre_process(str(exported), str(path))
    return path


def quantize(fp32: Path, calibration: torch.Tensor, variant: str) -> Path:
    """Static quantization in QDQ format: activations `activation type` per tensor,
    weights signed int8 per channel, 7-bit with reduce_range."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Batches(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": b.numpy()} for b in calibration.split(256)])

        def get_next(self):
            return next(self.batches, None)

    activation, reduce_range = VARIANTS[variant]
    out = fp32.with_name(variant.replace(" + ", "_") + ".onnx")
    quantize_static(
        str(fp32),
        str(out),
        Batches(),
        quant_format=QuantFormat.QDQ,
        activation_type=getattr(QuantType, activation),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=reduce_range,
    )
    return out


def session(path: Path, threads: int | None = None):
    """A function that runs the ONNX model on a float32 batch and returns its logits
    (on `threads` threads; None: ONNX Runtime's default, one per physical core)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    cpu = ["CPUExecutionProvider"]
    runner = ort.InferenceSession(str(path), options, providers=cpu)
    return lambda x: runner.run(None, {"x": x.numpy()})[0]


if __name__ == "__main__":
    x_train, y_train, x_test, y_test = make_task()
    model = train(x_train, y_train)
    with tempfile.TemporaryDirectory() as folder:
        fp32 = export_onnx(model, x_train[:8], Path(folder) / "fp32.onnx")
        reference = session(fp32)(x_test)
        runs = {"fp32": reference}
        for variant in VARIANTS:
            runs[variant] = session(quantize(fp32, x_train[:1024], variant))(x_test)
    for name, logits in runs.items():
        accuracy = (logits.argmax(1) == y_test.numpy()).mean()
        agree = (logits.argmax(1) == reference.argmax(1)).mean()
        error = np.linalg.norm(logits - reference) / np.linalg.norm(reference)
        print(
            f"{name:<20} accuracy {accuracy:.1%}, same answer as fp32 {agree:.1%}, "
            f"relative error {error:.3f}"
        )
