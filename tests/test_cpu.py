"""snippets/cpu and the instruction-set data: detection, the YAML's facts, oneDNN's kernels."""

from __future__ import annotations

import copy
import platform
import sys
from pathlib import Path

import pytest
import torch
from helpers import load_snippet

from sitetools import site_data

detect = load_snippet("cpu/detect_isa")
gemm = load_snippet("cpu/gemm")
triad = load_snippet("cpu/triad")
verbose = load_snippet("cpu/onednn_verbose")
ENTRIES = list(site_data.isa_entries())
ON_X86_LINUX = sys.platform == "linux" and platform.machine() == "x86_64"
HOST_FLAGS = detect.cpu_flags(Path("/proc/cpuinfo").read_text()) if ON_X86_LINUX else set()

PENTIUM4 = "processor\t: 0\nmodel name\t: Intel(R) Pentium(R) 4 CPU 2.80GHz\nflags\t\t: fpu mmx fxsr sse sse2 ht\n"
ZEN4 = (
    "processor\t: 0\nmodel name\t: AMD Ryzen 9 7950X 16-Core Processor\nflags\t\t: fpu mmx fxsr sse sse2 mmxext "
    "pni ssse3 fma sse4_1 sse4_2 sse4a aes avx f16c avx2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl "
    "avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq\n"
)
ARM = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\nCPU implementer\t: 0x41\n"


# ---- the data -------------------------------------------------------------------------------


def test_isa_table_has_every_required_extension():
    names = {e["name"] for e in ENTRIES}
    required = {
        "MMX",
        "SSE",
        "SSE2",
        "SSE3",
        "SSSE3",
        "SSE4.1",
        "SSE4.2",
        "SSE4a",
        "3DNow!",
        "AVX",
        "AVX2",
        "FMA3",
        "FMA4",
        "XOP",
        "F16C",
        "AVX-512 F",
        "AVX-512 CD",
        "AVX-512 BW",
        "AVX-512 DQ",
        "AVX-512 VL",
        "AVX-512 IFMA",
        "AVX-512 VBMI",
        "AVX-512 VBMI2",
        "AVX-512 VNNI",
        "AVX-512 BF16",
        "AVX-512 FP16",
        "AVX-512 BITALG",
        "AVX-512 VPOPCNTDQ",
        "AVX-VNNI",
        "AMX-TILE",
        "AMX-BF16",
        "AMX-INT8",
        "AMX-FP16",
        "AMX-COMPLEX",
        "AVX10.1",
    }
    assert required <= names and len(ENTRIES) >= 30


def test_isa_facts_that_the_seed_got_wrong_are_right():
    by_name = {e["name"]: e for e in ENTRIES}
    assert "FAM4" not in by_name and by_name["FMA4"]["flags"] == ["fma4"]
    assert by_name["SSSE3"]["intel"]["cpu"].startswith("Core 2")
    assert by_name["AES-NI"]["instructions"] == 6
    assert by_name["SSE3"]["flags"] == ["pni"]  # Linux's name for SSE3
    assert by_name["AMX-BF16"]["peak"]["bf16"] == 16 * by_name["AVX-512 F"]["peak"]["fp32"]


def test_isa_flags_follow_the_kernel_naming():
    # names as arch/x86/include/asm/cpufeatures.h prints them (a representative list checked by hand)
    kernel_names = {
        "mmx",
        "mmxext",
        "3dnow",
        "sse",
        "sse2",
        "pni",
        "ssse3",
        "sse4_1",
        "sse4_2",
        "sse4a",
        "aes",
        "avx",
        "f16c",
        "fma",
        "fma4",
        "xop",
        "avx2",
        "avx512f",
        "avx512cd",
        "avx512bw",
        "avx512dq",
        "avx512vl",
        "avx512ifma",
        "avx512vbmi",
        "avx512_vbmi2",
        "avx512_bitalg",
        "avx512_vpopcntdq",
        "avx512_vnni",
        "avx512_bf16",
        "avx512_fp16",
        "avx_vnni",
        "amx_tile",
        "amx_bf16",
        "amx_int8",
        "amx_fp16",
    }
    flags = {f for e in ENTRIES for f in e["flags"]}
    assert flags <= kernel_names, f"not kernel flag names: {flags - kernel_names}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("announced", "2011-13", "announced date"),
        ("announced", "2011-02-30", "announced date"),
        ("flags", ["AVX2"], "lower-case"),
        ("width_bits", 300, "width_bits"),
        ("dtypes", ["fp64"], "dtypes"),
    ],
)
def test_isa_schema_rejects_bad_entries(field, value, message):
    entries = copy.deepcopy(ENTRIES)
    entries[16][field] = value
    with pytest.raises(ValueError, match=message):
        site_data.validate_isa(entries)


def test_isa_schema_rejects_duplicates_and_missing_sources():
    entries = copy.deepcopy(ENTRIES)
    entries.append(copy.deepcopy(entries[0]))
    with pytest.raises(ValueError, match="duplicate"):
        site_data.validate_isa(entries)
    entries = copy.deepcopy(ENTRIES)
    del entries[12]["sources"]["intel"]
    with pytest.raises(ValueError, match="source"):
        site_data.validate_isa(entries)


def test_rendered_table_has_a_row_per_entry_in_each_language():
    for lang in ("zh", "en"):
        html = site_data.render_isa_table(site_data.Context(lang, ""))
        assert html.count("<tr data-family=") == len(ENTRIES)
    assert "首款 Intel CPU" in site_data.render_isa_table(site_data.Context("zh", ""))
    dtypes = site_data.render_isa_dtypes(site_data.Context("en", ""))
    assert "| AMX-BF16 |  | ✓ |  |  |" in dtypes


# ---- detection --------------------------------------------------------------------------------


def test_detects_an_old_sse_only_cpu():
    assert detect.supported(ENTRIES, detect.cpu_flags(PENTIUM4)) == ["MMX", "SSE", "SSE2"]
    assert detect.cpu_model(PENTIUM4).startswith("Intel(R) Pentium(R) 4")


def test_detects_amd_zen4():
    found = set(detect.supported(ENTRIES, detect.cpu_flags(ZEN4)))
    assert {"AVX-512 F", "AVX-512 BF16", "AVX-512 VNNI", "FMA3", "SSE4a"} <= found
    assert not found & {"AMX-TILE", "AMX-BF16", "AVX-512 FP16", "FMA4", "3DNow!"}


def test_arm_has_no_x86_extensions():
    assert detect.cpu_flags(ARM) == set()
    assert detect.supported(ENTRIES, set()) == []


def test_detect_script_explains_other_platforms(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert detect.main() == 0
    assert "x86-64 Linux" in capsys.readouterr().out


def test_detect_script_reports_a_missing_table(tmp_path, monkeypatch, capsys):
    if not ON_X86_LINUX:
        pytest.skip("needs x86-64 Linux")
    monkeypatch.setattr(sys, "argv", ["detect_isa.py", str(tmp_path / "missing.yml")])
    assert detect.main() == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.skipif(not ON_X86_LINUX, reason="needs x86-64 Linux")
def test_this_machine_is_detected():
    found = detect.supported(ENTRIES, HOST_FLAGS)
    assert {"SSE", "SSE2"} <= set(found)
    if "avx512f" in HOST_FLAGS:
        assert "AVX-512 F" in found
    if "amx_bf16" in HOST_FLAGS:
        assert "AMX-BF16" in found
    assert torch.backends.cpu.get_cpu_capability() in (
        "DEFAULT",
        "AVX2",
        "AVX512",
        "ZVECTOR",
        "NO AVX",
    )


# ---- oneDNN ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onednn_default():
    return verbose.onednn_lines()


def test_onednn_reports_its_isa_and_a_convolution_kernel(onednn_default):
    summary = verbose.summarize(onednn_default)
    assert summary[0].startswith("isa:")
    assert any(line.startswith("convolution") for line in summary)


def test_capping_the_isa_changes_the_kernel():
    capped = verbose.summarize(verbose.onednn_lines("SSE41"))
    assert capped[0] == "isa:Intel SSE4.1"
    assert any("sse41" in line for line in capped if line.startswith("convolution"))


def test_an_amx_kernel_ran(onednn_default):
    if "amx_bf16" not in HOST_FLAGS:
        pytest.skip("this CPU has no AMX (no amx_bf16 in /proc/cpuinfo): nothing to prove")
    assert verbose.ran_on_amx(onednn_default), "the CPU has AMX but no oneDNN kernel ran on it"


def test_amx_detection_reads_the_implementation_field():
    amx = "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx10_1_512_amx,forward_training,src:bf16::blocked:acdb::f0,,,mb8,1.2"
    avx2 = "onednn_verbose,v1,primitive,exec,cpu,convolution,jit:avx2,forward_training,src:f32::blocked:aBcd8b::f0,,,mb8,3.4"
    assert verbose.ran_on_amx([amx]) and not verbose.ran_on_amx([avx2])


# ---- GEMM and bandwidth snippets ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", gemm.DTYPES)
def test_gemm_matches_a_float64_reference(dtype):
    a, b = gemm.gemm_operands(64, dtype)
    c = gemm.gemm(a, b)
    reference = a.double() @ b.double()
    if dtype == "int8":
        assert c.dtype == torch.int32 and torch.equal(c.double(), reference)
    else:
        tolerance = 1e-5 if dtype == "fp32" else 1e-2
        assert ((c.double() - reference).norm() / reference.norm()) < tolerance
    assert gemm.gemm_ops(64) == 2 * 64**3


def test_triad_computes_and_counts_bytes():
    a, b, c = triad.triad_arrays(1000)
    triad.triad(a, b, c, 2.0)
    assert torch.allclose(a, b + 2.0 * c)
    assert triad.triad_bytes(1000) == 12000
