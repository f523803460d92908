"""ONNX -> TensorRT engine with the Python API (TensorRT 10 and 11), then inference on the GPU.
Needs an NVIDIA GPU, a CUDA build of torch and the tensorrt package: without them it says so and stops."""

import importlib.util
import sys
import tempfile
from pathlib import Path

import torch


def missing() -> str | None:
    """Why this machine cannot run the snippet, or None."""
    if not torch.cuda.is_available():
        return "no CUDA GPU (torch.cuda.is_available() is False)"
    if importlib.util.find_spec("tensorrt") is None:
        return "the tensorrt package is not installed (pip install tensorrt)"
    return None


def build_engine(onnx_path: Path, min_shape, opt_shape, max_shape) -> bytes:
    import tensorrt as trt

    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    # TensorRT 10: ask for a strongly typed network (precision comes from the ONNX types). In 11 every
    # network is strongly typed and the flag is deprecated and ignored.
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
    profile = (
        builder.create_optimization_profile()
    )  # the batch sizes this engine accepts
    profile.set_shape(network.get_input(0).name, min_shape, opt_shape, max_shape)
    config.add_optimization_profile(profile)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise RuntimeError("TensorRT could not build the engine; see the log above")
    return bytes(serialized)


def run_engine(engine_bytes: bytes, x: torch.Tensor) -> torch.Tensor:
    """Bind torch CUDA tensors by name and run on the current stream (execute_async_v3)."""
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
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from export_for_trt import (
        MAX_BATCH,
        MIN_BATCH,
        OPT_BATCH,
        SmallCNN,
        export,
    )  # snippets/tensorrt/

    torch.manual_seed(0)
    model = SmallCNN().eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cnn_fp16.onnx"
        export(
            model, path, torch.float16
        )  # strongly typed: an fp16 ONNX gives an fp16 engine
        engine = build_engine(
            path, (MIN_BATCH, 3, 32, 32), (OPT_BATCH, 3, 32, 32), (MAX_BATCH, 3, 32, 32)
        )
    x = torch.randn(8, 3, 32, 32, device="cuda", dtype=torch.float16)
    with torch.no_grad():
        reference = model.cuda()(x)
    out = run_engine(engine, x)
    print(
        f"engine: {len(engine) / 1e6:.1f} MB, max abs difference to PyTorch fp16: {(out - reference).abs().max():.1e}"
    )


if __name__ == "__main__":
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
    else:
        main()
