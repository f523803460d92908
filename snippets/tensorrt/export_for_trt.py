# --8<-- [start:setup]
"""Everything before TensorRT, checked on a CPU: export the ONNX file an engine is built
from, with a dynamic batch dimension, in fp32 and in fp16 (with strong typing the ONNX
types are the engine's precision), check it, compare it with PyTorch in ONNX Runtime,
and write the trtexec command.

Exporting an fp16 model gives an engine that is fp16 throughout. For mixed precision
(sensitive layers kept in fp32), NVIDIA's route is ModelOpt AutoCast on the fp32 ONNX
(python -m modelopt.onnx.autocast), not .half() on the model. The model is the site's
small CNN (snippets/intro/workloads.py), repeated here so that this file runs alone."""

import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn


class SmallCNN(nn.Module):
    """Three conv-bn-relu stages, global pooling and a linear classifier."""

    def __init__(self, channels: int = 32, classes: int = 10) -> None:
        super().__init__()
        layers, c_in = [], 3
        for c_out in (channels, channels * 2, channels * 4):
            layers += [
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


# --8<-- [end:setup]
# --8<-- [start:export]
# the optimization profile: the batch sizes the engine must accept
MIN_BATCH, OPT_BATCH, MAX_BATCH = 1, 16, 64


def export(
    model: torch.nn.Module, path: Path, dtype: torch.dtype = torch.float32
) -> onnx.ModelProto:
    model = model.eval().to(dtype)
    example = torch.randn(OPT_BATCH, 3, 32, 32, dtype=dtype)
    batch = torch.export.Dim("batch", min=MIN_BATCH, max=MAX_BATCH)
    torch.onnx.export(
        model,
        (example,),
        dynamo=True,
        verbose=False,
        input_names=["x"],
        output_names=["logits"],
        dynamic_shapes=({0: batch},),
    ).save(str(path))
    onnx.checker.check_model(str(path))
    return onnx.load(str(path))


def input_type(model: onnx.ModelProto) -> tuple[str, list]:
    tensor = model.graph.input[0].type.tensor_type
    return onnx.TensorProto.DataType.Name(tensor.elem_type), [
        d.dim_param or d.dim_value for d in tensor.shape.dim
    ]


def max_difference_to_torch(model: torch.nn.Module, path: Path, batch: int) -> float:
    x = torch.randn(batch, 3, 32, 32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (onnx_out,) = session.run(None, {"x": x.numpy()})
    with torch.no_grad():
        return float(np.abs(onnx_out - model(x).numpy()).max())


def trtexec_command(path: Path, engine: Path) -> str:
    """trtexec for TensorRT 10.x and 11: --stronglyTyped (opt-in on 10.x, always on
    in 11), so the ONNX types decide the precision; no precision flags; one profile."""
    shape = lambda n: f"x:{n}x3x32x32"
    return (
        f"trtexec --onnx={path.name} --saveEngine={engine.name} --stronglyTyped "
        f"--minShapes={shape(MIN_BATCH)} --optShapes={shape(OPT_BATCH)} "
        f"--maxShapes={shape(MAX_BATCH)}"
    )


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SmallCNN().eval()
    with tempfile.TemporaryDirectory() as tmp:
        fp32, fp16 = Path(tmp) / "cnn_fp32.onnx", Path(tmp) / "cnn_fp16.onnx"
        print("fp32 ONNX input:", *input_type(export(model, fp32)))
        for batch in (MIN_BATCH, OPT_BATCH, MAX_BATCH):
            print(
                f"  batch {batch:>2}: ONNX Runtime vs PyTorch, max abs difference "
                f"{max_difference_to_torch(model, fp32, batch):.1e}"
            )
        print(
            "fp16 ONNX input:",
            *input_type(export(SmallCNN().eval(), fp16, torch.float16)),
        )
        print(trtexec_command(fp16, fp16.with_suffix(".engine")))
# --8<-- [end:export]
