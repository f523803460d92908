"""Export a model to ONNX with the current exporter, check it, and run it in ONNX
Runtime."""

import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: Path) -> onnx.ModelProto:
    """torch.onnx.export (dynamo=True, the default since 2.9) with a dynamic batch
    dimension."""
    batch = torch.export.Dim("batch", min=1, max=1024)
    program = torch.onnx.export(
        model.eval(),
        (example,),
        dynamo=True,
        verbose=False,
        input_names=["x"],
        output_names=["logits"],
        dynamic_shapes=({0: batch},),
    )
    program.save(str(path))
    onnx.checker.check_model(str(path))  # raises if the file is not a valid ONNX model
    # adds the shapes of intermediate values
    return onnx.shape_inference.infer_shapes(onnx.load(str(path)))


def ort_session(path: Path, threads: int | None = None) -> ort.InferenceSession:
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def describe(model: onnx.ModelProto) -> list[str]:
    """Opset, inputs/outputs with their (symbolic) shapes, and the operators used."""

    def shape(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    ops = sorted({node.op_type for node in model.graph.node})
    return (
        [f"opset {model.opset_import[0].version}"]
        + [f"input  {v.name} {shape(v)}" for v in model.graph.input]
        + [f"output {v.name} {shape(v)}" for v in model.graph.output]
        + [f"inner  {v.name} {shape(v)}" for v in model.graph.value_info]
        + [f"operators {', '.join(ops)}"]
    )


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Linear(64, 4))
    x = torch.randn(8, 32)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        print("\n".join(describe(export_onnx(model, x, path))))
        session = ort_session(path)
        for batch in (8, 3):
            inputs = torch.randn(batch, 32)
            (onnx_out,) = session.run(None, {"x": inputs.numpy()})
            with torch.no_grad():
                torch_out = model(inputs).numpy()
            difference = np.abs(onnx_out - torch_out).max()
            close = np.allclose(onnx_out, torch_out, atol=1e-5)
            print(
                f"batch {batch}: max abs difference to PyTorch {difference:.1e}"
                f" (within 1e-5: {close})"
            )
        for wrong in (
            np.zeros((3, 31), dtype=np.float32),
            np.zeros((3, 32), dtype=np.float64),
        ):
            try:
                session.run(None, {"x": wrong})
            except Exception as exc:  # onnxruntime raises its own exception types
                message = " ".join(str(exc).split()).split("INVALID_ARGUMENT : ")[-1]
                print(f"input {wrong.shape} {wrong.dtype}: {message[:100]}")
