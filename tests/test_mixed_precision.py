"""snippets/mixed_precision: autocast decides per operator."""

from __future__ import annotations

import torch

from helpers import load_snippet

autocast = load_snippet("mixed_precision/autocast_dtypes")


def test_linear_runs_in_bf16_while_weights_stay_fp32():
    seen = autocast.record_dtypes(autocast.model)
    assert seen[0] == ("Linear", torch.bfloat16)
    assert ("Linear", torch.bfloat16) in seen[1:]
    assert all(p.dtype == torch.float32 for p in autocast.model.parameters())


def test_outside_autocast_everything_is_fp32():
    out = autocast.model(autocast.x)
    assert out.dtype == torch.float32
