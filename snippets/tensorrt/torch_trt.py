# --8<-- [start:setup]
"""Torch-TensorRT: compile a module ahead of time (ir="dynamo"), with a dynamic batch,
save it as an ExportedProgram and load it back. torch-tensorrt must be the release built
for your exact torch version. Needs an NVIDIA GPU and torch_tensorrt: without them it
says so and stops. The model is the site's small CNN (snippets/intro/workloads.py),
repeated here so that this file runs on its own."""

import importlib.util
import tempfile
from pathlib import Path

import torch
from torch import nn


def missing() -> str | None:
    if not torch.cuda.is_available():
        return "no CUDA GPU (torch.cuda.is_available() is False)"
    if importlib.util.find_spec("torch_tensorrt") is None:
        return (
            "torch_tensorrt is not installed "
            "(pip install torch-tensorrt matching your torch)"
        )
    return None


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
# --8<-- [start:compile]
def compile_trt(
    model: torch.nn.Module, example: torch.Tensor, min_batch: int, max_batch: int
):
    import torch_tensorrt

    spec = torch_tensorrt.Input(
        min_shape=(min_batch, *example.shape[1:]),
        opt_shape=tuple(example.shape),
        max_shape=(max_batch, *example.shape[1:]),
        dtype=example.dtype,
    )
    # use_explicit_typing is the default: the model's dtypes (here fp16) decide the
    # precision
    return torch_tensorrt.compile(model, ir="dynamo", arg_inputs=[spec])


def main() -> None:
    import torch_tensorrt

    torch.manual_seed(0)
    model = SmallCNN().eval().cuda().half()
    x = torch.randn(16, 3, 32, 32, device="cuda", dtype=torch.float16)
    trt_model = compile_trt(model, x, 1, 64)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cnn_trt.ep"
        torch_tensorrt.save(trt_model, str(path), arg_inputs=[x])
        loaded = torch.export.load(str(path)).module()
    with torch.no_grad():
        for batch in (1, 16, 64):
            inputs = torch.randn(batch, 3, 32, 32, device="cuda", dtype=torch.float16)
            difference = (loaded(inputs) - model(inputs)).abs().max()
            print(f"batch {batch:>2}: max abs difference to PyTorch {difference:.1e}")


if __name__ == "__main__":
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
    else:
        main()
# --8<-- [end:compile]
