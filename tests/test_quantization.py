"""snippets/quantization: int8 paths keep the model's answers."""

from __future__ import annotations

import torch
from torch import nn

from helpers import load_snippet

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
    assert "int8" in repr(quantized[0].weight).lower() or "Int8" in type(quantized[0].weight).__name__


def test_pt2e_static_int8_inserts_quantize_ops_and_keeps_outputs_close():
    model, x = small_model(), torch.randn(32, 64)
    quantized = int8.pt2e_static_int8(model, x, [torch.randn(32, 64) for _ in range(4)])
    graph = str(quantized.graph)
    assert "quantize_per_tensor" in graph and "dequantize_per" in graph
    with torch.no_grad():
        assert ((quantized(x) - model(x)).norm() / model(x).norm()) < 0.05
