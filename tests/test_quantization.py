"""snippets/quantization: int8 paths keep the model's answers."""

from __future__ import annotations

import pytest
import torch
from helpers import load_snippet
from torch import nn

from sitetools.fingerprint import host_flags

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


# ---- every path on a trained model -------------------------------------------------------------

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


@pytest.mark.slow
def test_compiled_int8_runs_the_frozen_int8_kernels_when_called_in_inference_mode():
    """compile_int8 compiles in inference mode with freezing; called the same way, the model runs
    that graph (oneDNN's fused qconv/qlinear) and is not compiled again. Called under no_grad it
    would be compiled again, outside the freezing patch: the mistake that once made the benchmark
    time the unfused quantize/dequantize graph as "int8 PT2E + freezing"."""
    import torch._dynamo

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 8 * 8, 10)
    ).eval()
    x = torch.randn(4, 8, 8, 8)
    torch._dynamo.reset()
    compiled = int8.compile_int8(int8.pt2e_static_int8(model, x, [x]), x, freezing=True)
    with torch._dynamo.config.patch(error_on_recompile=True):
        with torch.inference_mode():
            compiled(x)  # the frozen graph, no second compilation
        with pytest.raises(Exception, match="[Rr]ecompil"), torch.no_grad():
            compiled(x)
    torch._dynamo.reset()


# ---- int8 without VNNI: oneDNN's kernels, ONNX Runtime's formats ------------------------------

kernels = load_snippet("quantization/int8_kernels")
ort_int8 = load_snippet("quantization/ort_int8")


def cpu_flags() -> set[str]:
    from pathlib import Path

    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text() if cpuinfo.is_file() else ""
    line = next((x for x in text.splitlines() if x.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def printed_blocks(name: str) -> dict[str, list[str]]:
    """The snippet's printed output (the same run as the page's code-block test), by block."""
    from helpers import run_snippet

    out = run_snippet(name)
    assert out.returncode == 0, out.stderr[-2000:]
    blocks: dict[str, list[str]] = {}
    for line in out.stdout.splitlines():
        if not line.startswith(" "):
            current = blocks.setdefault(line.rstrip(":"), [])
        else:
            current.append(line.strip())
    return blocks


def test_pt2e_int8_reaches_onednn_u8s8_kernels_at_the_avx2_cap():
    avx2 = printed_blocks("quantization/int8_kernels")["ONEDNN_MAX_CPU_ISA=AVX2"]
    assert avx2[0] == "oneDNN uses: Intel AVX2"
    assert "onednn.qconv_pointwise" in avx2[1] and "onednn.qlinear_pointwise" in avx2[1]
    convs = [x for x in avx2 if x.startswith("oneDNN convolution")]
    matmuls = [x for x in avx2 if x.startswith("oneDNN matmul")]
    assert convs and all(":avx2 src:u8 wei:s8" in x for x in convs), convs
    assert matmuls and all("src:u8 wei:s8" in x for x in matmuls), matmuls


def test_int_mm_reaches_onednn_only_with_avx512_vnni():
    """PyTorch checks the CPU itself (cpuinfo) for AVX512-VNNI before it hands _int_mm to oneDNN."""
    default = printed_blocks("quantization/int8_kernels")["default"]
    int_mm = next(x for x in default if x.startswith("torch._int_mm"))
    if "avx512_vnni" in cpu_flags():
        assert "src:s8 wei:s8" in int_mm
    else:
        assert int_mm == "torch._int_mm: no oneDNN primitive (PyTorch's own loop)"


def test_the_summary_reads_both_verbose_formats():
    gemm_api = (
        "onednn_verbose,v1,primitive,exec,cpu,gemm_api,,undef,src_s8::blocked:ab:f0 "
        "wei_s8::blocked:ab:f0 dst_s32::blocked:ab:f0,,,64x256:256x128,4.4"
    )
    conv = (
        "onednn_verbose,v1,primitive,exec,cpu,convolution,jit_uni_int8:avx2,forward_inference,"
        "src:u8::blocked:acdb::f0 wei:s8:a:blocked:ABcd2b8a4b::f8:zpm1 bia:f32:a:blocked:a::f0 "
        "dst:u8::blocked:acdb::f0,,,mb4,0.04"
    )
    found = kernels.summarize(f"== _int_mm\n{gemm_api}\n== PT2E\n{conv}")
    assert found["_int_mm"] == ["gemm_api src:s8 wei:s8 dst:s32"]
    assert found["PT2E"] == ["convolution jit_uni_int8:avx2 src:u8 wei:s8 dst:u8"]


@pytest.fixture(scope="module")
def ort_models(tmp_path_factory):
    """A small untrained classifier exported once and quantized each way."""
    import onnx

    torch.manual_seed(0)
    x = torch.randn(512, ort_int8.FEATURES)
    model = nn.Sequential(nn.Linear(ort_int8.FEATURES, 32), nn.ReLU(), nn.Linear(32, 4)).eval()
    fp32 = ort_int8.export_onnx(model, x[:8], tmp_path_factory.mktemp("ort") / "fp32.onnx")
    return {v: onnx.load(str(ort_int8.quantize(fp32, x, v))) for v in ort_int8.VARIANTS}


def test_each_variant_has_the_promised_int8_types(ort_models):
    from onnx import TensorProto, numpy_helper

    for variant, model in ort_models.items():
        inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        zero_points = [inits[n.input[2]] for n in model.graph.node if n.op_type == "QuantizeLinear"]
        activation = TensorProto.UINT8 if variant.startswith("U8") else TensorProto.INT8
        assert zero_points and all(
            z.dtype == {TensorProto.UINT8: "uint8", TensorProto.INT8: "int8"}[activation]
            for z in zero_points
        ), variant
        weights = [a for a in inits.values() if a.dtype == "int8" and a.ndim == 2]
        limit = 64 if "reduce_range" in variant else 127
        assert weights and max(int(abs(w.astype(int)).max()) for w in weights) <= limit, variant
        assert max(int(abs(w.astype(int)).max()) for w in weights) > limit // 2, variant


def test_u8s8_saturates_without_vnni_and_reduce_range_avoids_it():
    """ONNX Runtime's U8S8 kernels on AVX2 (VPMADDUBSW) saturate 16-bit pair sums; 7-bit weights
    (reduce_range) keep them in range. With VNNI there is nothing to avoid: full 8-bit weights
    are the more precise."""
    from helpers import run_snippet

    out = run_snippet("quantization/ort_int8")
    assert out.returncode == 0, out.stderr[-2000:]
    rows = {line[:20].strip(): line[20:] for line in out.stdout.splitlines()}
    error = {k: float(v.rsplit("relative error ", 1)[1]) for k, v in rows.items()}
    accuracy = {k: float(v.split("accuracy ")[1].split("%")[0]) for k, v in rows.items()}
    assert all(abs(a - accuracy["fp32"]) < 2.0 for a in accuracy.values()), accuracy
    assert rows["S8S8"] == rows["U8S8"], "S8S8 differs from U8S8 only by an offset of 128"
    if {"avx512_vnni", "avx_vnni"} & cpu_flags():
        assert error["U8S8"] < error["U8S8 + reduce_range"], error
    else:
        assert error["U8S8"] > 1.5 * error["U8S8 + reduce_range"], error


# ---- which oneDNN code runs torch._int_mm, cap by cap (snippets/quantization/int_mm_kernels.py) --

int_mm = load_snippet("quantization/int_mm_kernels")
HOST_FLAGS = host_flags()
NO_ONEDNN = "no oneDNN kernel (PyTorch's own loop)"


def parse_int_mm(text: str) -> dict[str, list[str]]:
    """cap -> the snippet's lines for it ("compute: ...", "packing: ...")."""
    blocks: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("ONEDNN_MAX_CPU_ISA="):
            lines = blocks.setdefault(line.split("=")[1].rstrip(":"), [])
        else:
            lines.append(line.strip())
    assert list(blocks) == int_mm.CAPS
    return blocks


def assert_int_mm_kernels(caps: dict[str, list[str]], flags: set[str]) -> None:
    """The quantization page's bullets, by the instruction set in each kernel's name."""
    if "avx512_vnni" not in flags:  # torch._int_mm never reaches oneDNN
        assert all(lines == [NO_ONEDNN] for lines in caps.values()), caps
        return
    compute = {cap: lines[0].removeprefix("compute: ") for cap, lines in caps.items()}
    assert "avx2_gemm_s8u8s32" in compute["AVX2"], compute  # even capped at AVX2
    if "avx_vnni" in flags:
        assert "packing: avx2_vnni_u8_copy_*" in caps["AVX2_VNNI"][1], caps["AVX2_VNNI"]
    assert "avx512_core_gemm_s8u8s32" in compute["AVX512_CORE"], compute
    assert caps["AVX512_CORE_VNNI"] == caps["AVX512_CORE"]  # the names cannot tell them apart
    if "amx_int8" in flags:
        assert "amx_gemm" in compute["AVX512_CORE_AMX"], compute


def test_int_mm_kernels_follow_the_cap_on_this_cpu():
    if "avx512_vnni" not in HOST_FLAGS:
        pytest.skip(
            "this CPU lacks AVX-512 VNNI (/proc/cpuinfo): torch._int_mm never reaches oneDNN, "
            "which the comparison of the shown output checks"
        )
    from helpers import run_snippet

    out = run_snippet("quantization/int_mm_kernels")
    assert out.returncode == 0, out.stderr[-2000:]
    assert_int_mm_kernels(parse_int_mm(out.stdout), HOST_FLAGS)


def test_the_int_mm_output_recorded_on_a_xeon_with_amx_names_each_levels_kernel():
    """The page's second output, printed on a CPU with VNNI and AMX, is checked here on every
    machine against the page's bullets, with that machine's flags from its record."""
    from sitetools import outputs, records
    from sitetools.paths import HOSTS

    kind = outputs.load_kinds()["quantization/int_mm_kernels_amx"]
    flags = set(records.read(HOSTS / f"{kind.recorded_on}.json")["identity"]["isa_flags"])
    assert {"avx512_vnni", "avx_vnni", "amx_int8"} <= flags
    assert_int_mm_kernels(parse_int_mm(kind.path.read_text(encoding="utf-8")), flags)


def test_the_int_mm_summary_groups_packing_kernels_by_family():
    names = ["avx2_gemm_s8u8s32_kern", "avx2_u8_copy_an_kern", "avx2_u8_copy_bt_kern"]
    assert int_mm.summary(names) == [
        "compute: avx2_gemm_s8u8s32_kern",
        "packing: avx2_u8_copy_* (2 kernels)",
    ]
    assert int_mm.summary([]) == [NO_ONEDNN]
