"""snippets/mixed_precision: autocast decides per operator; bf16 inference and training steps."""

from __future__ import annotations

import torch
from torch import nn

from helpers import load_snippet

autocast = load_snippet("mixed_precision/autocast_dtypes")
inference = load_snippet("mixed_precision/bf16_inference")
train = load_snippet("mixed_precision/train_step")


def test_linear_runs_in_bf16_while_weights_stay_fp32():
    seen = autocast.record_dtypes(autocast.model)
    assert seen[0] == ("Linear", torch.bfloat16)
    assert ("Linear", torch.bfloat16) in seen[1:]
    assert all(p.dtype == torch.float32 for p in autocast.model.parameters())


def test_outside_autocast_everything_is_fp32():
    assert autocast.model(autocast.x).dtype == torch.float32


def test_bf16_inference_paths_agree_with_fp32():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Linear(64, 4)).eval()
    x = torch.randn(8, 32)
    with torch.inference_mode():
        reference = model(x)
    mixed = inference.autocast_forward(model, x)
    assert mixed.dtype == torch.bfloat16 and torch.allclose(mixed.float(), reference, atol=0.05)
    pure = inference.cast_to_bf16(model)
    assert next(pure.parameters()).dtype == torch.bfloat16


def test_bf16_autocast_training_follows_fp32_within_tolerance():
    fp32, bf16 = train.loss_curve(bf16=False, steps=20), train.loss_curve(bf16=True, steps=20)
    assert fp32[-1] < fp32[0] * 0.9, "the task is not being learned"
    assert max(abs(a - b) for a, b in zip(fp32, bf16)) < 1e-3  # the tolerance the page states
    assert fp32 != bf16, "autocast did nothing: the curves are bit-identical"
