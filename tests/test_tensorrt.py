"""snippets/tensorrt: the CPU half runs for real; the GPU half is checked against TensorRT's
documented API and must explain itself when there is no GPU."""

from __future__ import annotations

import ast
import subprocess
import sys

import onnx
import pytest
import torch
from helpers import ROOT, load_snippet

export = load_snippet("tensorrt/export_for_trt")
work = load_snippet("intro/workloads")

# The attributes build_engine.py uses on TensorRT objects, each in the TensorRT 10.x/11.0 Python
# API reference (docs.nvidia.com/deeplearning/tensorrt/latest/_static/python-api/): Builder,
# IBuilderConfig, INetworkDefinition, OnnxParser, IOptimizationProfile, Runtime, ICudaEngine,
# IExecutionContext.
TENSORRT_DOCUMENTED = {
    "Logger",
    "WARNING",
    "Builder",
    "NetworkDefinitionCreationFlag",
    "STRONGLY_TYPED",
    "create_network",
    "OnnxParser",
    "parse_from_file",
    "get_error",
    "num_errors",
    "create_builder_config",
    "set_memory_pool_limit",
    "MemoryPoolType",
    "WORKSPACE",
    "create_optimization_profile",
    "set_shape",
    "get_input",
    "name",
    "add_optimization_profile",
    "build_serialized_network",
    "Runtime",
    "deserialize_cuda_engine",
    "create_execution_context",
    "num_io_tensors",
    "get_tensor_name",
    "get_tensor_mode",
    "TensorIOMode",
    "INPUT",
    "set_input_shape",
    "set_tensor_address",
    "get_tensor_shape",
    "execute_async_v3",
    "__version__",
}
# Python, pathlib and torch attributes the same file uses around TensorRT.
NOT_TENSORRT = {
    "TemporaryDirectory",
    "Tensor",
    "abs",
    "cuda",
    "cuda_stream",
    "current_stream",
    "data_ptr",
    "dtype",
    "empty",
    "eval",
    "exit",
    "find_spec",
    "float16",
    "insert",
    "is_available",
    "join",
    "manual_seed",
    "max",
    "no_grad",
    "parent",
    "path",
    "randn",
    "resolve",
    "shape",
    "split",
    "synchronize",
    "util",
    "values",
}
# Removed in TensorRT 10 or 11 (or replaced there): what older tutorials still show.
TENSORRT_REMOVED = {
    "build_engine",
    "max_workspace_size",
    "execute_async_v2",
    "execute_v2",
    "get_binding_index",
    "get_binding_shape",
    "binding_is_input",
    "set_binding_shape",
    "num_bindings",
    "EXPLICIT_BATCH",
    "FP16",
    "INT8",
    "int8_calibrator",
    "IInt8EntropyCalibrator2",
    "max_batch_size",
}


def attributes(path: str, section: str | None = None) -> set[str]:
    """Attribute names the file uses, or only its `# --8<-- [start:section]` part."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if section:
        text = text.split(f"# --8<-- [start:{section}]")[1].split(f"# --8<-- [end:{section}]")[0]
    tree = ast.parse(text)
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def test_engine_code_uses_only_documented_current_tensorrt_api():
    # the engine section; the setup section before it is the model and its ONNX export (PyTorch)
    used = attributes("snippets/tensorrt/build_engine.py", "engine")
    assert not used & TENSORRT_REMOVED, f"removed TensorRT API: {used & TENSORRT_REMOVED}"
    unknown = used - TENSORRT_DOCUMENTED - NOT_TENSORRT
    assert not unknown, (
        f"not in TensorRT 10/11's documented API (or add it to NOT_TENSORRT): {unknown}"
    )
    assert {
        "build_serialized_network",
        "set_memory_pool_limit",
        "execute_async_v3",
        "set_tensor_address",
    } <= used


def test_torch_tensorrt_code_uses_the_dynamo_frontend_and_arg_inputs():
    source = (ROOT / "snippets/tensorrt/torch_trt.py").read_text(encoding="utf-8")
    assert 'ir="dynamo"' in source and "arg_inputs=" in source
    assert "enabled_precisions" not in source, (
        "deprecated since use_explicit_typing became the default"
    )
    assert "torch.jit" not in source


@pytest.mark.parametrize("snippet", ["build_engine", "torch_trt"])
def test_gpu_snippets_explain_why_they_stop_without_a_gpu(snippet):
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU: the snippet would really run")
    done = subprocess.run(
        [sys.executable, str(ROOT / "snippets/tensorrt" / f"{snippet}.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("skipped: no CUDA GPU"), (
        done.stdout + done.stderr
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    model = work.SmallCNN().eval()
    folder = tmp_path_factory.mktemp("trt")
    fp32 = export.export(model, folder / "fp32.onnx")
    fp16 = export.export(work.SmallCNN().eval(), folder / "fp16.onnx", torch.float16)
    return model, folder, fp32, fp16


def test_onnx_has_a_dynamic_batch_and_the_requested_type(exported):
    _, _, fp32, fp16 = exported
    assert export.input_type(fp32) == ("FLOAT", ["batch", 3, 32, 32])
    assert export.input_type(fp16) == ("FLOAT16", ["batch", 3, 32, 32])
    weights = {
        onnx.TensorProto.DataType.Name(t.data_type)
        for t in fp16.graph.initializer
        if len(t.dims) == 4
    }
    assert weights == {"FLOAT16"}, "strong typing: an fp16 engine needs fp16 weights in the ONNX"


@pytest.mark.parametrize("batch", [export.MIN_BATCH, export.OPT_BATCH, export.MAX_BATCH])
def test_onnx_matches_pytorch_across_the_profile(exported, batch):
    model, folder, _, _ = exported
    assert export.max_difference_to_torch(model, folder / "fp32.onnx", batch) < 1e-5


def test_trtexec_command_has_a_profile_and_no_removed_precision_flags(exported):
    _, folder, _, _ = exported
    command = export.trtexec_command(folder / "fp16.onnx", folder / "fp16.engine")
    assert "--minShapes=x:1x3x32x32" in command and "--maxShapes=x:64x3x32x32" in command
    assert not any(flag in command.split() for flag in ("--fp16", "--int8", "--best"))
