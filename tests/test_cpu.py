"""snippets/cpu and the instruction-set data: detection, the YAML's facts, oneDNN's kernels."""

from __future__ import annotations

import platform
import re
import sys

import pytest
import torch
from helpers import load_snippet

from sitetools import isa_table, site_data
from sitetools.fingerprint import host_flags

detect = load_snippet("cpu/detect_isa")
gemm = load_snippet("cpu/gemm")
triad = load_snippet("cpu/triad")
verbose = load_snippet("cpu/onednn_verbose")
ENTRIES = list(site_data.isa_entries())
ON_X86_LINUX = sys.platform == "linux" and platform.machine() == "x86_64"
HOST_FLAGS = host_flags()

PENTIUM4 = (
    "processor\t: 0\nmodel name\t: Intel(R) Pentium(R) 4 CPU 2.80GHz\n"
    "flags\t\t: fpu mmx fxsr sse sse2 ht\n"
)
ZEN4 = (
    "processor\t: 0\nmodel name\t: AMD Ryzen 9 7950X 16-Core Processor\n"
    "flags\t\t: fpu mmx fxsr sse sse2 mmxext "
    "pni ssse3 fma sse4_1 sse4_2 sse4a aes avx f16c avx2 avx512f avx512dq avx512ifma avx512cd "
    "avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg "
    "avx512_vpopcntdq\n"
)
ARM = (
    "processor\t: 0\nBogoMIPS\t: 50.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\n"
    "CPU implementer\t: 0x41\n"
)


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
        "AMX-FP8",
        "AVX10.1",
        "AVX10.2",
        "AVX-VNNI-INT8",
        "AVX-NE-CONVERT",
    }
    assert required <= names and len(ENTRIES) >= 30


def test_announced_extensions_say_their_cpu_is_not_released():
    """AVX10.2 and AMX-FP8 have a named first CPU but no release date yet: their date cell says
    so in the page's language, and sorts with the missing values."""
    from sitetools import strings

    for lang in strings.LANGS:
        html = isa_table.render_isa_table(site_data.Context(lang=lang, root=""))
        row = re.search(r'<tr data-family="AMX">(?:(?!</tr>).)*AMX-FP8.*?</tr>', html).group(0)
        note = strings.text("isa_not_released", lang)
        assert f"data-missing>{note}</td>" in row, row


def test_isa_facts_that_the_seed_got_wrong_are_right():
    by_name = {e["name"]: e for e in ENTRIES}
    assert "FAM4" not in by_name and by_name["FMA4"]["flags"] == ["fma4"]
    assert by_name["SSSE3"]["intel"]["cpu"].startswith("Core 2")
    assert by_name["AES-NI"]["instructions"] == 6
    assert by_name["SSE3"]["flags"] == ["pni"]  # Linux's name for SSE3
    assert by_name["AMX-BF16"]["peak"]["bf16"] == 16 * by_name["AVX-512 F"]["peak"]["fp32"]


def test_isa_flags_follow_the_kernel_naming():
    # names as arch/x86/include/asm/cpufeatures.h prints them (a representative list checked by
    # hand)
    kernel_names = {
        "mmx",
        "mmxext",
        "3dnow",
        "3dnowext",
        "3dnowprefetch",
        "sse",
        "sse2",
        "pni",
        "ssse3",
        "sse4_1",
        "sse4_2",
        "sse4a",
        "aes",
        "pclmulqdq",
        "popcnt",
        "abm",
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


def test_rendered_table_has_a_row_per_entry_in_each_language():
    for lang in ("zh", "en"):
        html = isa_table.render_isa_table(site_data.Context(lang, ""))
        assert html.count("<tr data-family=") == len(ENTRIES)
    assert "首款 Intel CPU" in isa_table.render_isa_table(site_data.Context("zh", ""))
    dtypes = site_data.render_isa_dtypes(site_data.Context("en", ""))
    assert "| AMX-BF16 |  | ✓ |  |  |" in dtypes


# ---- detection --------------------------------------------------------------------------------


def test_detects_an_old_sse_only_cpu():
    assert detect.supported(detect.cpu_flags(PENTIUM4)) == ["MMX", "SSE", "SSE2"]
    assert detect.cpu_model(PENTIUM4).startswith("Intel(R) Pentium(R) 4")


def test_detects_amd_zen4():
    found = set(detect.supported(detect.cpu_flags(ZEN4)))
    assert {"AVX-512 F", "AVX-512 BF16", "AVX-512 VNNI", "FMA3", "SSE4a"} <= found
    assert not found & {"AMX-TILE", "AMX-BF16", "AVX-512 FP16", "FMA4", "3DNow!"}


def test_arm_has_no_x86_extensions():
    assert detect.cpu_flags(ARM) == set()
    assert detect.supported(set()) == []


def test_detect_script_explains_other_platforms(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "darwin")
    detect.main()
    assert "x86-64 Linux" in capsys.readouterr().out


def test_detect_script_carries_the_instruction_set_table():
    """detect_isa.py runs alone, so it holds its own copy of isa.yml's names, families and
    flags: the copy must be the table, in its order."""
    copy = [(name, family, flags.split()) for name, family, flags in detect.EXTENSIONS]
    table = [(e["name"], e["family"], e["flags"]) for e in ENTRIES]
    assert copy == table, (
        "snippets/cpu/detect_isa.py's EXTENSIONS differ from docs/data/isa.yml: "
        "copy each entry's name, family and flags into it"
    )


@pytest.mark.skipif(not ON_X86_LINUX, reason="needs x86-64 Linux")
def test_this_machine_is_detected():
    found = detect.supported(HOST_FLAGS)
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
    amx = (
        "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx10_1_512_amx,"
        "forward_training,src:bf16::blocked:acdb::f0,,,mb8,1.2"
    )
    avx2 = (
        "onednn_verbose,v1,primitive,exec,cpu,convolution,jit:avx2,"
        "forward_training,src:f32::blocked:aBcd8b::f0,,,mb8,3.4"
    )
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


# ---- who runs a bf16 or fp16 convolution and matmul, cap by cap (snippets/cpu/bf16_conv_caps.py)

conv_caps = load_snippet("cpu/bf16_conv_caps")
AVX512_CORE = {"avx512f", "avx512bw", "avx512dq", "avx512vl"}


def parse_caps(text: str) -> dict[str, dict[str, str]]:
    """cap -> {'oneDNN uses': ..., 'fp32 convolution': ..., 'bf16 matmul': ...}, from the
    snippet's output."""
    blocks: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if line.startswith("ONEDNN_MAX_CPU_ISA="):
            cap = blocks.setdefault(line.split("=")[1].rstrip(":"), {})
        else:
            key, _, value = line.strip().partition(": ")
            cap[key] = value
    assert list(blocks) == conv_caps.CAPS
    return blocks


@pytest.fixture(scope="module")
def caps_printed() -> dict[str, dict[str, str]]:
    """The snippet's output here (the same run as the page's code-block test), parsed."""
    from helpers import run_snippet

    out = run_snippet("cpu/bf16_conv_caps")
    assert out.returncode == 0, out.stderr[-2000:]
    return parse_caps(out.stdout)


NOT_CONV = "no oneDNN convolution (PyTorch's own kernel)"
NOT_MATMUL = "no oneDNN matmul (PyTorch's own kernel)"


def in_onednn(kernel: str, isa: str, dtype: str) -> bool:
    """A oneDNN kernel generated for `isa` (matched in the name, as oneDNN renames kernels
    between versions: jit_bf16:avx512_core, brg_conv_fwd:avx10_1_512_amx) on `dtype`."""
    name, *types = kernel.split()
    _, colon, generated_for = name.partition(":")
    return bool(colon) and isa in generated_for and f"src:{dtype}" in types


def assert_thresholds(caps: dict[str, dict[str, str]], flags: set[str]) -> None:
    """Each threshold the page states, for the caps within this CPU's reach (flags)."""
    avx2 = caps["AVX2"]
    assert avx2["oneDNN uses"] == "Intel AVX2"
    assert avx2["fp32 convolution"] == "jit:avx2 src:f32 wei:f32 dst:f32"
    assert avx2["bf16 convolution"] == avx2["fp16 convolution"] == NOT_CONV
    assert avx2["bf16 matmul"] == avx2["fp16 matmul"] == NOT_MATMUL
    if AVX512_CORE <= flags:  # bf16 from AVX512_CORE on; fp16 not yet
        core = caps["AVX512_CORE"]
        assert in_onednn(core["bf16 convolution"], "avx512_core", "bf16")
        assert in_onednn(core["bf16 matmul"], "", "bf16")  # gemm:jit:bf16 names no ISA
        assert (core["fp16 convolution"], core["fp16 matmul"]) == (NOT_CONV, NOT_MATMUL)
    if AVX512_CORE | {"avx512_bf16"} <= flags:  # VDPBF16PS kernels; still no fp16
        bf16 = caps["AVX512_CORE_BF16"]
        assert in_onednn(bf16["bf16 convolution"], "avx512_core_bf16", "bf16")
        assert in_onednn(bf16["bf16 matmul"], "avx512_core_bf16", "bf16")
        assert (bf16["fp16 convolution"], bf16["fp16 matmul"]) == (NOT_CONV, NOT_MATMUL)
    if AVX512_CORE | {"avx512_fp16"} <= flags:  # fp16 enters oneDNN (ideep's fp16 test)
        fp16 = caps["AVX512_CORE_FP16"]
        assert in_onednn(fp16["fp16 convolution"], "", "f16")
        assert in_onednn(fp16["fp16 matmul"], "", "f16")
    if "amx_bf16" in flags:
        amx = caps["AVX512_CORE_AMX"]
        assert in_onednn(amx["bf16 convolution"], "amx", "bf16")
        assert in_onednn(amx["bf16 matmul"], "amx", "bf16")


def test_below_avx512_core_bf16_and_fp16_convolutions_do_not_reach_onednn(caps_printed):
    assert_thresholds(caps_printed, set())


def test_from_avx512_core_bf16_convolutions_run_in_onednn(caps_printed):
    if not AVX512_CORE <= HOST_FLAGS:
        pytest.skip("this CPU lacks AVX-512 F/BW/DQ/VL (/proc/cpuinfo): no AVX512_CORE for oneDNN")
    assert_thresholds(caps_printed, AVX512_CORE)


def test_with_avx512_bf16_the_bf16_convolution_gets_its_own_kernel(caps_printed):
    if not AVX512_CORE | {"avx512_bf16"} <= HOST_FLAGS:
        pytest.skip("this CPU lacks AVX512_BF16 (/proc/cpuinfo): no AVX512_CORE_BF16 for oneDNN")
    assert_thresholds(caps_printed, AVX512_CORE | {"avx512_bf16"})


def test_with_avx512_fp16_the_fp16_convolution_runs_in_onednn(caps_printed):
    if not AVX512_CORE | {"avx512_fp16"} <= HOST_FLAGS:
        pytest.skip("this CPU lacks AVX512-FP16 (/proc/cpuinfo): no AVX512_CORE_FP16 for oneDNN")
    assert_thresholds(caps_printed, AVX512_CORE | {"avx512_fp16"})


def test_with_amx_the_bf16_convolution_runs_on_amx(caps_printed):
    if "amx_bf16" not in HOST_FLAGS:
        pytest.skip("this CPU has no AMX (no amx_bf16 in /proc/cpuinfo): nothing to prove")
    assert_thresholds(caps_printed, HOST_FLAGS)


def test_the_output_recorded_on_a_xeon_with_amx_shows_every_threshold():
    """The page's second output, printed on a CPU that reaches every cap, is checked here on every
    machine against the same thresholds, with that machine's flags from its record."""
    from sitetools import outputs, records
    from sitetools.paths import HOSTS

    kind = outputs.load_kinds()["cpu/bf16_conv_caps_amx"]
    flags = set(records.read(HOSTS / f"{kind.recorded_on}.json")["identity"]["isa_flags"])
    assert {"amx_bf16", "avx512_bf16", "avx512_fp16"} | AVX512_CORE <= flags
    assert_thresholds(parse_caps(kind.path.read_text(encoding="utf-8")), flags)


def test_a_cap_above_what_the_cpu_has_changes_nothing(caps_printed):
    if AVX512_CORE <= HOST_FLAGS:
        pytest.skip("this CPU has AVX-512: every cap of the snippet is within its reach")
    for cap in conv_caps.CAPS:
        assert caps_printed[cap] == caps_printed["AVX2"], cap


def test_the_summary_reads_each_run_and_only_its_kind_of_kernel():
    conv = (
        "onednn_verbose,v1,primitive,exec,cpu,convolution,jit_bf16:avx512_core,forward_inference,"
        "src:bf16::blocked:aBcd16b::f0 wei:bf16:a:blocked:ABcd8b16a2b::f0 bia:f32:a:blocked:a::f0 "
        "dst:bf16::blocked:aBcd16b::f0,attr-scratchpad:user,alg:convolution_direct,mb1_ic32oc32,0.1"
    )
    reorder = (
        "onednn_verbose,v1,primitive,exec,cpu,reorder,jit:uni,undef,src:bf16::blocked:ab::f0 "
        "dst:bf16::blocked:AB16b64a2b::f0,,,256x256,0.01"
    )
    matmul = (
        "onednn_verbose,v1,primitive,exec,cpu,matmul,brg_matmul:avx512_core_bf16,undef,"
        "src:bf16::blocked:ab::f0 wei:bf16:a:blocked:AB16b64a2b::f0 dst:bf16::blocked:ab::f0,"
        ",,64x256:256x256,0.02"
    )
    found = conv_caps.kernels(
        "\n".join(["== fp32 convolution", "== bf16 convolution", conv, "== bf16 matmul"])
        + "\n"
        + "\n".join([reorder, matmul])
    )
    assert found["bf16 convolution"] == "jit_bf16:avx512_core src:bf16 wei:bf16 dst:bf16"
    assert found["bf16 matmul"] == "brg_matmul:avx512_core_bf16 src:bf16 wei:bf16 dst:bf16"
    assert found["fp32 convolution"] == ""
