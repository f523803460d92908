"""What the pages say about the measurements must hold for the committed results.

Pages describe the measured figures in words ("bf16 is much slower here", "masks give no
speedup"). These tests tie each such sentence to the results file: rerun the benchmark on
other hardware and a failing test names the page whose prose must change.
"""

from __future__ import annotations

import json

import pytest

from helpers import ROOT

RESULTS = json.loads((ROOT / "docs" / "data" / "bench" / "results.json").read_text())


def median(case: str, variant: str) -> float:
    for r in RESULTS["records"]:
        if r["case"] == case and r["variant"] == variant:
            if "median_s" not in r:
                pytest.fail(f"{case}/{variant} was not measured: {r['skipped']}")
            return r["median_s"]
    pytest.fail(f"no record {case}/{variant}")


def test_amx_page_build_machine_has_no_bf16_hardware():
    """cpu/amx: 'no AVX-512, AVX512_BF16, VNNI or AMX'; bf16 and int8 one to two orders of magnitude slower."""
    flags = set(RESULTS["host"]["isa_flags"])
    assert not flags & {"avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16"}
    for dtype in ("bf16", "int8"):
        ratio = median("gemm", dtype) / [r for r in RESULTS["records"] if r["case"] == "gemm" and r.get("n") == 256
                                         and r["variant"] == "fp32"][0]["median_s"]
        assert 10 <= ratio <= 1000, f"{dtype} GEMM is {ratio:.0f}x slower than fp32; update docs/cpu/amx.*.md"
    assert "AMD EPYC" in RESULTS["host"]["cpu"], "the pages name the build machine: update docs/cpu/*.md"


def test_mixed_precision_page_bf16_training_is_much_slower_here():
    for model in ("mlp", "cnn"):
        assert median("training", f"{model} bf16 autocast") > 2 * median("training", f"{model} fp32")


def test_fusion_page_elementwise_gains_and_mlp_does_not():
    assert median("compile_fusion", "element-wise compiled") < 0.8 * median("compile_fusion", "element-wise eager")
    ratio = median("compile_fusion", "MLP compiled") / median("compile_fusion", "MLP eager")
    assert 0.8 < ratio < 1.25, "the fusion page says compiling the MLP barely changes its time"


def test_fusion_page_conv_bn_folding_gives_no_speedup_here():
    assert median("conv_bn_fold", "folded") > 0.95 * median("conv_bn_fold", "conv + bn")


def test_pruning_page_masks_do_not_help_and_removal_does():
    dense = median("pruning", "dense")
    assert 0.85 < median("pruning", "masked 50%") / dense < 1.15
    assert median("pruning", "channels removed 50%") < 0.8 * dense
    sizes = {r["variant"]: r["size_bytes"] for r in RESULTS["records"] if r["case"] == "pruning"}
    assert sizes["masked 50%"] == sizes["dense"] > sizes["channels removed 50%"]


def test_saving_page_mmap_and_safetensors_load_faster_with_less_private_memory():
    load = {r["variant"]: r for r in RESULTS["records"] if r["case"] == "load"}
    for fast in ("mmap=True", "safetensors"):
        assert load[fast]["median_s"] < load["torch.load"]["median_s"]
        assert load[fast]["private_after_read_mb"] < 0.1 * load["torch.load"]["private_after_read_mb"]
    assert load["torch.load"]["peak_after_load_mb"] > 200  # the 256 MiB file is copied


def test_quantization_page_int8_on_the_mlp_and_the_cnn():
    fp32 = median("mlp_inference", "fp32 eager")
    int8 = [r for r in RESULTS["records"] if r["case"] == "mlp_inference" and r["variant"].startswith("int8")]
    assert all(r["median_s"] > fp32 for r in int8), "the page says every int8 route on the MLP is slower"
    assert median("mlp_inference", "bf16 eager") > fp32
    cnn = median("cnn_inference", "fp32 eager")
    assert median("cnn_inference", "int8 PT2E + freezing") < cnn and median("cnn_inference", "fp32 compiled") < cnn
    frozen, unfrozen = median("cnn_inference", "int8 PT2E + freezing"), median("cnn_inference", "int8 PT2E, no freezing")
    assert 0.8 < frozen / unfrozen < 1.25, "the page says freezing makes little difference here"
    pt2e = next(r for r in int8 if r["variant"] == "int8 PT2E + freezing")
    assert pt2e["relative_error"] > 0.05, "the quantization page says PT2E's MLP error is clearly larger"


def test_mixed_precision_page_loss_curves_nearly_coincide():
    curves = {r["variant"]: r["loss_curve"] for r in RESULTS["records"] if r["case"] == "training"}
    for model in ("mlp", "cnn"):
        fp32, bf16 = curves[f"{model} fp32"], curves[f"{model} bf16 autocast"]
        assert len(fp32) == len(bf16) == 15
        assert max(abs(a - b) for a, b in zip(fp32, bf16)) < 0.01 * fp32[0]


def test_mixed_precision_page_bf16_habits_cost_next_to_nothing_here():
    assert 0.8 < median("bf16_tricks", "4 layers, convert once") / median("bf16_tricks", "4 layers, convert every op") < 1.2
    assert 0.7 < median("bf16_tricks", "cross-entropy in fp32") / median("bf16_tricks", "cross-entropy in bf16") < 1.4


def test_mixed_precision_page_channels_last_speeds_up_the_cnn():
    assert median("cnn_inference", "fp32 channels_last") < 0.9 * median("cnn_inference", "fp32 eager")
    assert median("cnn_inference", "bf16 autocast channels_last") < 0.9 * median("cnn_inference", "bf16 autocast")


def _records(case: str) -> dict[str, dict]:
    return {r["variant"]: r for r in RESULTS["records"] if r["case"] == case and "median_s" in r}


def test_quantization_page_onnx_runtime_int8_is_the_only_clear_win():
    """quantization: ORT int8 'about twice as fast'; torchao dynamic 'more than 20x' slower; PT2E ties; accuracy within half a point."""
    q = _records("quantization")
    fp32 = q["fp32"]["median_s"]
    for variant in ("int8 dynamic (ONNX Runtime)", "int8 static (ONNX Runtime)"):
        assert fp32 / q[variant]["median_s"] > 1.5, variant
        assert q[variant]["median_s"] < q["ONNX Runtime fp32"]["median_s"], variant
    assert q["int8 dynamic (torchao)"]["median_s"] > 10 * fp32
    assert q["bf16 autocast"]["median_s"] > fp32
    for variant in ("int8 static (PT2E)", "int8 QAT (PT2E)", "int8 weight-only (torchao)"):
        assert 0.7 < fp32 / q[variant]["median_s"] < 1.4, variant
    for variant, r in q.items():
        assert abs(r["accuracy"] - q["fp32"]["accuracy"]) < 0.005, variant


def test_quantization_page_pt2e_is_slower_than_fp32_on_the_mlp_with_or_without_freezing():
    fp32 = median("mlp_inference", "fp32 eager")
    assert median("mlp_inference", "int8 PT2E + freezing") > fp32
    assert median("mlp_inference", "int8 PT2E, no freezing") > fp32


def test_pruning_page_accuracy_curve():
    """pruning: 80% + fine-tuning matches the original; masks slightly slower and twice the size;
    half the units removed is a fraction of the time and size, about one point less accurate."""
    c = _records("pruning_curve")
    dense = c["pruned, 0%"]
    assert abs(c["pruned + fine-tuned, 80%"]["accuracy"] - dense["accuracy"]) < 0.005
    assert c["pruned, 80%"]["accuracy"] < dense["accuracy"] - 0.01
    assert c["pruned, 50%"]["median_s"] > 0.95 * dense["median_s"]
    assert c["pruned, 50%"]["size_bytes"] > 1.9 * dense["size_bytes"]
    half = c["units removed + fine-tuned, 50%"]
    assert half["median_s"] < 0.5 * dense["median_s"] and half["size_bytes"] < 0.5 * dense["size_bytes"]
    assert 0.005 < dense["accuracy"] - half["accuracy"] < 0.02
    assert c["units removed + fine-tuned, 80%"]["accuracy"] < dense["accuracy"] - 0.05


def test_torchmultimodal_page_compiling_gains_most_bf16_loses_int8_changes_little():
    m = _records("multimodal")
    fp32 = m["fp32 eager"]["median_s"]
    assert m["compiled + freezing"]["median_s"] < 0.67 * fp32
    assert m["bf16 autocast"]["median_s"] > fp32
    assert 0.75 < m["int8 dynamic (torchao)"]["median_s"] / fp32 < 1.33
    assert len({round(r["accuracy"], 2) for r in m.values()}) == 1, "the page says all four keep the same accuracy"
