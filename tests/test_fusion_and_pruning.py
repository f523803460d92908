"""snippets/fusion and snippets/pruning."""

from __future__ import annotations

import torch
from torch import nn

from helpers import load_snippet

fold = load_snippet("fusion/conv_bn_fold")
compile_fusion = load_snippet("fusion/compile_fusion")
prune = load_snippet("pruning/prune_channels")


def test_folding_by_hand_equals_conv_then_bn():
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6)
    with torch.no_grad():
        bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.5, 2), bn.weight.uniform_(0.5, 2), bn.bias.uniform_(-1, 1)
    conv.eval(), bn.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.allclose(fold.fold_conv_bn(conv, bn)(x), bn(conv(x)), atol=1e-5)


def test_fold_all_removes_every_batchnorm_and_keeps_outputs():
    work = load_snippet("intro/workloads")
    torch.manual_seed(0)
    model = work.SmallCNN().eval()
    x = work.cnn_inputs(batch=2)
    with torch.no_grad():
        reference = model(x)
        import copy
        folded = fold.fold_all(copy.deepcopy(model))
        assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
        assert torch.allclose(folded(x), reference, atol=1e-4)


def test_fused_traffic_is_a_third_of_eager():
    x = torch.zeros(10, 10)
    assert compile_fusion.eager_bytes(x) == 3 * compile_fusion.fused_bytes(x)


def test_masks_keep_shape_while_removal_shrinks():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))
    masked, shrunk = prune.mask_prune(model, 0.5), prune.shrink_mlp(model, 0.5)
    assert masked[0].weight.shape == (64, 32) and (masked[0].weight == 0).float().mean() == 0.5
    assert not hasattr(masked[0], "weight_mask"), "prune.remove should make the pruning permanent"
    assert shrunk[0].weight.shape == (32, 32) and shrunk[2].weight.shape == (4, 32)
    assert prune.size_bytes(masked) == prune.size_bytes(model) > prune.size_bytes(shrunk)


def test_removed_units_are_the_weakest_and_the_rest_is_unchanged():
    torch.manual_seed(0)
    first, second = nn.Linear(4, 6), nn.Linear(6, 2)
    with torch.no_grad():
        first.weight[2] *= 0.01  # unit 2 is clearly the weakest
    new_first, new_second = prune.remove_hidden_units(first, second, amount=1 / 6)
    kept = [0, 1, 3, 4, 5]
    assert torch.equal(new_first.weight, first.weight[kept]) and torch.equal(new_second.weight, second.weight[:, kept])
