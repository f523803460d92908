"""snippets/fusion and snippets/pruning."""

from __future__ import annotations

import pytest
import torch
from helpers import load_snippet
from torch import nn
from torch.nn.utils import prune as torch_prune

fold = load_snippet("fusion/conv_bn_fold")
compile_fusion = load_snippet("fusion/compile_fusion")
prune = load_snippet("pruning/prune_channels")
task = load_snippet("intro/toy_task")


def test_folding_by_hand_equals_conv_then_bn():
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6)
    with torch.no_grad():
        (
            bn.running_mean.uniform_(-1, 1),
            bn.running_var.uniform_(0.5, 2),
            bn.weight.uniform_(0.5, 2),
            bn.bias.uniform_(-1, 1),
        )
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
    assert torch.equal(new_first.weight, first.weight[kept]) and torch.equal(
        new_second.weight, second.weight[:, kept]
    )


# ---- torch.fx folding and Inductor's generated code --------------------------------------------

fx_fusion = load_snippet("fusion/fx_fusion")
inspect = load_snippet("fusion/inspect_inductor")


def _with_statistics(model: nn.Module) -> nn.Module:
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                (
                    m.running_mean.uniform_(-1, 1),
                    m.running_var.uniform_(0.5, 2),
                    m.weight.uniform_(0.5, 2),
                )
    return model.eval()


def test_fx_folds_every_conv_bn_called_in_forward():
    torch.manual_seed(0)
    model = _with_statistics(nn.Sequential(fx_fusion.Block(3, 4), fx_fusion.Block(4, 8)))
    fused = fx_fusion.fuse_conv_bn(model)
    x = torch.randn(2, 3, 8, 8)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in fused.modules())
    with torch.no_grad():
        assert torch.allclose(fused(x), model(x), atol=1e-5)
    assert any(isinstance(m, nn.BatchNorm2d) for m in model.modules()), (
        "the original must be untouched"
    )


class ConvUsedTwice(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 3, 3, padding=1), nn.BatchNorm2d(3)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y  # folding would change the second use of y


def test_fx_leaves_a_conv_whose_output_is_also_used_elsewhere():
    torch.manual_seed(0)
    model = _with_statistics(ConvUsedTwice())
    fused = fx_fusion.fuse_conv_bn(model)
    assert any(isinstance(m, nn.BatchNorm2d) for m in fused.modules())
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        assert torch.allclose(fused(x), model(x), atol=1e-6)


def test_inductor_code_shows_what_freezing_changes():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 8)).eval()
    x = torch.randn(4, 32)
    plain = inspect.summary(inspect.generated_code(model, x, freezing=False))
    frozen = inspect.summary(inspect.generated_code(model, x, freezing=True))
    assert plain["library calls"].get("extern_kernels.addmm") == 2, plain
    assert any("relu" in k for k in plain["fused C++ kernels"]), plain
    assert "extern_kernels.addmm" not in frozen["library calls"], (
        "freezing should prepack the weights"
    )
    assert frozen != plain


def test_summary_parses_kernels_and_calls():
    code = (
        "cpp_fused_addmm_relu_0 = async_compile.cpp_pybinding(...)\n"
        "buf0 = extern_kernels.addmm(a, b, c)\n"
        "buf1 = torch.ops.mkldnn._linear_pointwise.default(x, w, b, 'relu')\n"
    )
    assert inspect.summary(code) == {
        "fused C++ kernels": ["cpp_fused_addmm_relu_0"],
        "library calls": {"extern_kernels.addmm": 1, "torch.ops.mkldnn._linear_pointwise": 1},
    }


# ---- the prune API and the accuracy curve ------------------------------------------------------

prune_api = load_snippet("pruning/prune_api")
curve = load_snippet("pruning/sparsity_curve")


def test_unstructured_prune_keeps_shape_and_adds_a_mask():
    torch.manual_seed(0)
    layer = nn.Linear(10, 6)
    prune_api.prune_unstructured(layer, 0.3)
    assert {n for n, _ in layer.named_parameters()} == {"weight_orig", "bias"}
    assert {n for n, _ in layer.named_buffers()} == {"weight_mask"}
    assert layer.weight.shape == (6, 10) and (layer.weight == 0).sum().item() == 18
    assert torch.equal(layer.weight, layer.weight_orig * layer.weight_mask)


def test_structured_prune_zeroes_whole_rows_with_the_smallest_norm():
    torch.manual_seed(0)
    layer = nn.Linear(5, 4)
    with torch.no_grad():
        layer.weight[1] *= 0.01
    prune_api.prune_structured(layer, 0.25)
    zero_rows = (layer.weight.abs().sum(1) == 0).nonzero().flatten().tolist()
    assert zero_rows == [1]


def test_global_prune_hits_the_target_overall_and_small_layers_hardest():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4)
    )
    with torch.no_grad():
        model[2].weight.mul_(0.1)
    prune_api.prune_global(model, 0.5)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    total = sum(m.weight.numel() for m in linears)
    zeros = sum((m.weight == 0).sum().item() for m in linears)
    assert zeros == round(0.5 * total)
    assert prune_api.sparsity(linears[1].weight) > max(
        prune_api.sparsity(linears[0].weight), prune_api.sparsity(linears[2].weight)
    )


def test_remove_makes_pruning_permanent_and_restores_the_size():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))
    dense = prune_api.state_bytes(model)
    prune_api.prune_global(model, 0.5)
    masks = sum(m.weight.numel() * 4 for m in model if isinstance(m, nn.Linear))
    assert prune_api.state_bytes(model) == dense + masks, (
        "weight_orig and weight_mask are both stored"
    )
    zeros_before = [(m.weight == 0).sum().item() for m in model if isinstance(m, nn.Linear)]
    prune_api.make_permanent(model)
    assert prune_api.state_bytes(model) == dense
    assert not any(torch_prune.is_pruned(m) for m in model.modules())
    assert [(m.weight == 0).sum().item() for m in model if isinstance(m, nn.Linear)] == zeros_before


@pytest.fixture(scope="module")
def pruned_models():
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    return model, list(curve.pruned_models(model, x_train, y_train)), x_test, y_test


def test_curve_covers_every_method_and_fraction(pruned_models):
    _, rows, _, _ = pruned_models
    got = {(method, amount) for method, amount, _ in rows}
    for amount in curve.SPARSITIES:
        assert (curve.METHODS[0], amount) in got and (curve.METHODS[1], amount) in got
        assert ((curve.METHODS[2], amount) in got) == (amount <= 0.9)


def test_fine_tuning_keeps_pruned_weights_at_zero(pruned_models):
    _, rows, _, _ = pruned_models
    for method, amount, model in rows:
        if method == curve.METHODS[1] and amount > 0:
            linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
            zeros = sum((m.weight == 0).sum().item() for m in linears)
            assert zeros >= round(amount * sum(m.weight.numel() for m in linears)), amount


def test_accuracy_falls_with_sparsity_and_fine_tuning_helps(pruned_models):
    model, rows, x_test, y_test = pruned_models
    acc = {(m, a): task.accuracy(p, x_test, y_test) for m, a, p in rows}
    base = task.accuracy(model, x_test, y_test)
    assert acc[(curve.METHODS[0], 0.0)] == base
    assert acc[(curve.METHODS[0], 0.95)] < base - 0.2, "95% pruned without fine-tuning must hurt"
    assert acc[(curve.METHODS[1], 0.9)] > acc[(curve.METHODS[0], 0.9)]
    assert acc[(curve.METHODS[2], 0.9)] < acc[(curve.METHODS[2], 0.5)]


def test_freezing_picks_the_linear_library_by_dtype():
    """snippets/fusion/linear_dtype.py: fp32 linear layers call MKL's packed GEMM on any x86 CPU,
    and oneDNN's _linear_pointwise when the batch size is dynamic; bf16 ones call oneDNN's
    _linear_pointwise exactly where oneDNN has bf16 kernels."""
    from helpers import run_snippet

    out = run_snippet("fusion/linear_dtype")  # the same run as the page's code-block test
    assert out.returncode == 0, out.stderr[-2000:]
    printed = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    assert printed["fp32 linear layers call"] == "torch.ops.mkl._mkl_linear"
    dynamic = printed["fp32, dynamic batch size, linear layers call"]
    assert dynamic == "torch.ops.mkldnn._linear_pointwise"
    has_bf16 = torch.ops.mkldnn._is_mkldnn_bf16_supported()
    has_fp16 = torch.ops.mkldnn._is_mkldnn_fp16_supported()
    assert printed["oneDNN has bf16 kernels on this CPU"] == ("yes" if has_bf16 else "no")
    assert printed["oneDNN has fp16 kernels on this CPU"] == ("yes" if has_fp16 else "no")
    bf16_calls = printed["bf16 (autocast) linear layers call, on this CPU"]
    assert ("torch.ops.mkldnn._linear_pointwise" in bf16_calls) == has_bf16
    assert "mkl._mkl_linear" not in bf16_calls
