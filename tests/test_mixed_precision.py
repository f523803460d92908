"""snippets/mixed_precision: autocast decides per operator; bf16 inference and training steps."""

from __future__ import annotations

import pytest
import torch
from helpers import load_snippet, run_snippet
from torch import nn

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
    assert (
        max(abs(a - b) for a, b in zip(fp32, bf16, strict=True)) < 1e-3
    )  # the tolerance the page states
    assert fp32 != bf16, "autocast did nothing: the curves are bit-identical"


formats = load_snippet("mixed_precision/formats")
tricks = load_snippet("mixed_precision/bf16_tricks")
amp = load_snippet("mixed_precision/amp_fp16")


def test_bit_layouts_and_rounding():
    assert formats.bits(1 / 3, "bf16") == "0 01111101 0101011"
    assert formats.bits(1 / 3, "fp16") == "0 01101 0101010101"
    assert formats.bits(-2.0, "fp32") == "1 10000000 00000000000000000000000"
    assert formats.rounded(70000.0, "fp16") == float("inf")
    assert formats.rounded(70000.0, "bf16") == 70144.0


def test_accumulating_in_bf16_loses_the_sum_and_fp32_keeps_it():
    x = torch.rand(1_000_000, generator=torch.Generator().manual_seed(1)).to(torch.bfloat16)
    exact = x.double().sum().item()
    assert abs(tricks.sum_in_bf16(x).item() - exact) / exact > 0.1
    assert abs(tricks.sum_with_fp32_accumulator(x).item() - exact) / exact < 1e-4


def test_converting_once_gives_the_same_result_as_converting_each_op():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 32, generator=g)
    weights = [torch.randn(32, 32, generator=g) / 6 for _ in range(3)]
    a = tricks.layer_converting_each_step(x, weights)
    b = tricks.layer_staying_in_bf16(x, [w.to(torch.bfloat16) for w in weights])
    assert torch.allclose(a, b, rtol=0.05, atol=0.05)


def test_cross_entropy_is_more_accurate_reduced_in_fp32():
    g = torch.Generator().manual_seed(0)
    logits, target = (
        torch.randn(16, 4000, generator=g) * 4,
        torch.randint(0, 4000, (16,), generator=g),
    )
    reference = torch.nn.functional.cross_entropy(logits.to(torch.bfloat16).double(), target).item()
    bf16_error = abs(tricks.loss_in_bf16(logits, target).item() - reference)
    fp32_error = abs(tricks.loss_in_fp32(logits, target).item() - reference)
    assert fp32_error * 100 < bf16_error


def test_fp16_training_on_cpu_with_grad_scaler_learns():
    losses, scale = amp.train_fp16("cpu", steps=10)
    assert losses[-1] < losses[0] and scale >= 1.0


def test_grad_scaler_skips_a_step_whose_gradients_overflow():
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
    before = model.weight.detach().clone()
    loss = model(torch.tensor([[1e38, 1e38]])).sum()  # the scaled gradient overflows to inf
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    assert torch.equal(model.weight, before) and scaler.get_scale() == 2.0**15


def test_cuda_variant_says_why_it_skips():
    if torch.cuda.is_available():
        pytest.skip(
            "this machine has a CUDA GPU: the snippet's cuda line is a real run, "
            "not the reason it skips"
        )
    out = run_snippet("mixed_precision/amp_fp16")  # the same run as the page's code-block test
    assert out.returncode == 0, out.stderr[-2000:]
    assert "cuda: skipped - no NVIDIA GPU" in out.stdout


def test_channels_last_keeps_values_and_changes_strides():
    layout = load_snippet("mixed_precision/channels_last")
    model, x = nn.Conv2d(3, 4, 3).eval(), torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        reference = model(x)
        cl_model, cl_x = layout.to_channels_last(model, x)
        assert cl_x.stride() == (192, 1, 24, 3) and torch.equal(cl_x, x)
        assert torch.allclose(cl_model(cl_x), reference, atol=1e-5)


ops = load_snippet("mixed_precision/bf16_ops")


@pytest.mark.parametrize("name", ["sum", "softmax", "layer_norm", "gelu"])
def test_aten_bf16_ops_round_once_like_fp32(name):
    """The bf16 kernel's error against float64 is the error of rounding the fp32 result once:
    it computes and accumulates in fp32 inside."""
    in_bf16, rounded_once = ops.errors(name)
    assert in_bf16 < 4e-3 and abs(in_bf16 - rounded_once) <= 0.05 * rounded_once


def test_a_running_total_kept_in_bf16_loses_the_sum():
    x = ops.make_inputs("sum", torch.bfloat16)[0][0].abs()
    wrong = ops.relative_error(ops.running_sum_in_bf16(x), x.double().sum())
    right = ops.relative_error(x.sum(), x.double().sum())
    assert wrong > 0.1 and right < 4e-3


def test_norm_layers_take_fp32_parameters_with_a_bf16_input_and_linear_does_not():
    got = ops.mixed_dtypes()
    assert [got[n] for n in ("layer_norm", "batch_norm", "group_norm")] == ["torch.bfloat16"] * 3
    assert got["linear"].startswith("RuntimeError")


@pytest.mark.parametrize("name", list(ops.SHAPES))
def test_each_benchmarked_op_runs_in_both_dtypes_with_the_same_shape(name):
    fp32 = ops.run(name, ops.make_inputs(name, torch.float32, scale=8))
    bf16 = ops.run(name, ops.make_inputs(name, torch.bfloat16, scale=8))
    assert fp32.dtype == torch.float32 and bf16.dtype == torch.bfloat16
    assert fp32.shape == bf16.shape
    assert ((bf16.double() - fp32.double()).norm() / fp32.double().norm()) < 0.02


def test_cpu_autocast_computes_losses_in_fp32():
    losses = load_snippet("mixed_precision/autocast_losses")
    inside, outside = losses.loss_dtypes(autocast=True), losses.loss_dtypes(autocast=False)
    assert set(inside) == {"cross_entropy", "nll_loss", "mse_loss", "l1_loss"}
    assert all(dtype == torch.float32 for dtype in inside.values()), inside
    assert all(dtype == torch.bfloat16 for dtype in outside.values()), outside
