"""snippets/intro: the two models every benchmark uses."""

from __future__ import annotations

import torch
from helpers import load_snippet

work = load_snippet("intro/workloads")


def test_models_give_class_scores_for_each_input():
    torch.manual_seed(0)
    assert work.TransformerMLP()(work.mlp_inputs()).shape == (64, 10)
    assert work.SmallCNN()(work.cnn_inputs()).shape == (16, 10)


def test_inputs_are_reproducible():
    assert torch.equal(work.mlp_inputs(), work.mlp_inputs())
    assert torch.equal(work.cnn_inputs(), work.cnn_inputs())


def test_flop_count_matches_the_matmul_arithmetic():
    mlp = work.TransformerMLP(dim=8, hidden=16, blocks=1, classes=2)
    x = torch.randn(4, 8)
    linear_flops = 2 * 4 * (8 * 16 + 16 * 8 + 8 * 2)  # 2 * batch * (in * out) for each Linear
    assert work.count_flops(mlp, x) == linear_flops
