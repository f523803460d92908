# --8<-- [start:setup]
"""ONNX -> TensorRT engine with the Python API (TensorRT 10 and 11), then inference on
the GPU. Needs an NVIDIA GPU, a CUDA build of torch and the tensorrt package: without
them it says so and stops. The model and its ONNX export are those of
snippets/tensorrt/export_for_trt.py, repeated here so that this file runs on its own."""

import importlib.util
import tempfile
from pathlib import Path

import onnx
import torch
from torch import nn


def missing() -> str | None:
    """Why this machine cannot run the snippet, or None."""
    if not torch.cuda.is_available():
        return "no CUDA GPU (torch.cuda.is_available() is False)"
    if importlib.util.find_spec("tensorrt") is None:
        return "the tensorrt package is not installed (pip install tensorrt)"
    return None


# ---- the model and its ONNX export (as in export_for_trt.py) -----------------------


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


# --8<-- [end:setup]
# --8<-- [start:engine]
def build_engine(onnx_path: Path, min_shape, opt_shape, max_shape) -> bytes:
    import tensorrt as trt

    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    # TensorRT 10: ask for a strongly typed network (precision comes from the ONNX
    # types). In 11 every network is strongly typed, and the flag is ignored.
    major = int(trt.__version__.split(".")[0])
    flags = (
        1 << int(trt.NetworkDefinitionCreationFlag.STRONGLY_TYPED) if major == 10 else 0
    )
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse_from_file(str(onnx_path)):
        raise RuntimeError(
            "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
        )
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, 1 << 30)
    # the batch sizes this engine accepts
    profile = builder.create_optimization_profile()
    profile.set_shape(network.get_input(0).name, min_shape, opt_shape, max_shape)
    config.add_optimization_profile(profile)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise RuntimeError("TensorRT could not build the engine; see the log above")
    return bytes(serialized)


def run_engine(engine_bytes: bytes, x: torch.Tensor) -> torch.Tensor:
    """Bind torch CUDA tensors by name and run on the current stream
    (execute_async_v3)."""
    import tensorrt as trt

    engine = trt.Runtime(trt.Logger(trt.Logger.WARNING)).deserialize_cuda_engine(
        engine_bytes
    )
    context = engine.create_execution_context()
    names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
    inputs = [n for n in names if engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
    context.set_input_shape(inputs[0], tuple(x.shape))
    outputs = {}
    for name in names:
        if name in inputs:
            context.set_tensor_address(name, x.data_ptr())
        else:
            shape = tuple(context.get_tensor_shape(name))
            outputs[name] = torch.empty(shape, dtype=x.dtype, device="cuda")
            context.set_tensor_address(name, outputs[name].data_ptr())
    context.execute_async_v3(torch.cuda.current_stream().cuda_stream)
    torch.cuda.current_stream().synchronize()
    return next(iter(outputs.values()))


def main() -> None:
    torch.manual_seed(0)
    model = SmallCNN().eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cnn_fp16.onnx"
        # strongly typed: an fp16 ONNX gives an fp16 engine
        export(model, path, torch.float16)
        engine = build_engine(
            path, (MIN_BATCH, 3, 32, 32), (OPT_BATCH, 3, 32, 32), (MAX_BATCH, 3, 32, 32)
        )
    x = torch.randn(8, 3, 32, 32, device="cuda", dtype=torch.float16)
    with torch.no_grad():
        reference = model.cuda()(x)
    out = run_engine(engine, x)
    print(
        f"engine: {len(engine) / 1e6:.1f} MB, max abs difference to PyTorch fp16: "
        f"{(out - reference).abs().max():.1e}"
    )


if __name__ == "__main__":
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
    else:
        main()
# --8<-- [end:engine]
