"""Torch-TensorRT: compile a module ahead of time (ir="dynamo"), with a dynamic batch, save it as an
ExportedProgram and load it back. torch-tensorrt must be the release built for your exact torch version.
Needs an NVIDIA GPU and torch_tensorrt: without them it says so and stops."""

import importlib.util
import sys
import tempfile
from pathlib import Path

import torch


def missing() -> str | None:
    if not torch.cuda.is_available():
        return "no CUDA GPU (torch.cuda.is_available() is False)"
    if importlib.util.find_spec("torch_tensorrt") is None:
        return "torch_tensorrt is not installed (pip install torch-tensorrt matching your torch)"
    return None


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
    # use_explicit_typing is the default: the model's dtypes (here fp16) decide the precision
    return torch_tensorrt.compile(model, ir="dynamo", arg_inputs=[spec])


def main() -> None:
    import torch_tensorrt

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "intro"))
    from workloads import SmallCNN  # snippets/intro/workloads.py

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
            print(
                f"batch {batch:>2}: max abs difference to PyTorch {(loaded(inputs) - model(inputs)).abs().max():.1e}"
            )


if __name__ == "__main__":
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
    else:
        main()
