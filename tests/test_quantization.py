"""snippets/quantization: int8 paths keep the model's answers."""

from __future__ import annotations

import pytest
import torch
from helpers import load_snippet
from torch import nn

int8 = load_snippet("quantization/int8_inference")


def small_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).eval()


def test_torchao_dynamic_int8_stores_int8_weights_and_keeps_outputs_close():
    model, x = small_model(), torch.randn(32, 64)
    quantized = int8.torchao_dynamic_int8(model)
    with torch.no_grad():
        reference, out = model(x), quantized(x)
    assert ((out - reference).norm() / reference.norm()) < 0.05
    assert model[0].weight.dtype == torch.float32, "the original model must not be modified"
    assert (
        "int8" in repr(quantized[0].weight).lower() or "Int8" in type(quantized[0].weight).__name__
    )


def test_pt2e_static_int8_inserts_quantize_ops_and_keeps_outputs_close():
    model, x = small_model(), torch.randn(32, 64)
    quantized = int8.pt2e_static_int8(model, x, [torch.randn(32, 64) for _ in range(4)])
    graph = str(quantized.graph)
    assert "quantize_per_tensor" in graph and "dequantize_per" in graph
    with torch.no_grad():
        assert ((quantized(x) - model(x)).norm() / model(x).norm()) < 0.05


# ---- affine maths: exact values -----------------------------------------------------------------

affine = load_snippet("quantization/affine")


def test_asymmetric_qparams_and_values_are_exact():
    x = torch.tensor([-1.0, -0.5, 0.0, 0.3, 2.0])
    scale, zero_point = affine.qparams_asymmetric(-1.0, 2.0)
    assert scale == 3 / 255 and zero_point == 85
    q = affine.quantize(x, scale, zero_point, 0, 255)
    assert q.tolist() == [0, 43, 85, 111, 255]  # -42.5 rounds half to even: -42 + 85
    assert affine.dequantize(q, scale, zero_point)[2] == 0.0, "zero must be exact"
    assert torch.equal(
        torch.fake_quantize_per_tensor_affine(x, scale, zero_point, 0, 255),
        affine.dequantize(q, scale, zero_point),
    )


def test_range_is_widened_to_contain_zero():
    scale, zero_point = affine.qparams_asymmetric(0.5, 2.0)
    assert scale == 2 / 255 and zero_point == 0


def test_symmetric_values_are_exact_and_clamped():
    scale, zero_point = affine.qparams_symmetric(2.0)
    assert (scale, zero_point) == (2 / 127, 0)
    q = affine.quantize(torch.tensor([-1.0, -0.5, 0.0, 0.3, 2.0, 5.0]), scale, 0, -127, 127)
    assert q.tolist() == [-64, -32, 0, 19, 127, 127]


def test_per_channel_beats_per_tensor_on_rows_of_different_range():
    w = torch.tensor([[0.01, -0.02, 0.015, -0.005], [1.0, -2.0, 1.5, -0.5]])
    per_tensor = affine.dequantize(affine.quantize(w, 2.0 / 127, 0, -127, 127), 2.0 / 127, 0)
    scales = w.abs().amax(dim=1, keepdim=True) / 127
    per_channel = affine.dequantize(affine.quantize(w, scales, 0, -127, 127), scales, 0)
    assert (per_channel - w).abs()[0].max() < 0.1 * (per_tensor - w).abs()[0].max()
    assert ((per_channel - w).abs() <= scales / 2 + 1e-9).all(), "error is at most half a step"


# ---- every path on a trained model -----------------------------------------------------------------

accuracy = load_snippet("quantization/accuracy")
task = load_snippet("intro/toy_task")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    folder = tmp_path_factory.mktemp("quant")
    return model, accuracy.all_paths(model, x_train, y_train, folder), folder, x_test, y_test


def test_toy_task_is_learnable_but_not_trivial(trained):
    model, _, _, x_test, y_test = trained
    assert 0.85 < task.accuracy(model, x_test, y_test) < 0.99


def test_every_quantization_path_keeps_accuracy(trained):
    model, paths, _, x_test, y_test = trained
    assert set(paths) >= {
        "fp32",
        "int8 weight-only (torchao)",
        "int8 dynamic (torchao)",
        "int8 static (PT2E)",
        "int8 QAT (PT2E)",
        "int8 dynamic (ONNX Runtime)",
        "int8 static (ONNX Runtime)",
    }
    base = task.accuracy(model, x_test, y_test)
    for name, run in paths.items():
        assert abs(task.accuracy(run, x_test, y_test) - base) < 0.015, name
        if "QAT" not in name:  # QAT fine-tunes: different weights, compared by accuracy only
            with torch.no_grad():
                assert (
                    run(x_test).float().argmax(1) == model(x_test).argmax(1)
                ).float().mean() > 0.97, name


def test_onnx_runtime_models_really_are_int8(trained):
    import onnx

    _, _, folder, _, _ = trained
    ops = {
        name: {n.op_type for n in onnx.load(str(folder / f"{name}.onnx")).graph.node}
        for name in ("fp32", "int8_dynamic", "int8_static")
    }
    assert not ops["fp32"] & {"QuantizeLinear", "DynamicQuantizeLinear", "MatMulInteger"}
    assert "DynamicQuantizeLinear" in ops["int8_dynamic"] and ops["int8_dynamic"] & {
        "MatMulInteger",
        "DynamicQuantizeMatMul",
    }
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops["int8_static"]
    weights = [
        t
        for t in onnx.load(str(folder / "int8_static.onnx")).graph.initializer
        if t.data_type == onnx.TensorProto.INT8
    ]
    assert weights, "quantize_static must store int8 weights"


def test_torchao_weight_only_stores_int8_weights(trained):
    _, paths, _, _, _ = trained
    weight = paths["int8 weight-only (torchao)"][0].weight
    assert "int8" in repr(weight).lower() or "Int8" in type(weight).__name__
