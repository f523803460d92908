"""The instruction-set ladder's levels: which caps each level sets, and which CPU flags it needs.

Three libraries pick their kernels by instruction set, each with its own cap (read once, when the
library starts, so every level runs in a fresh process):
- oneDNN (convolutions, bf16/int8 matmuls, quantized ops): ONEDNN_MAX_CPU_ISA;
- MKL (fp32 GEMM behind torch.mm and nn.Linear): MKL_ENABLE_INSTRUCTIONS;
- PyTorch's own vectorised kernels (element-wise ops, reductions, its fallback GEMM, code
  Inductor generates): ATEN_CPU_CAPABILITY.
"""

from __future__ import annotations

AVX512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]

LEVELS: list[dict] = [
    {
        "id": "sse41",
        "label": "SSE4.1",
        "needs": ["sse4_1"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "SSE41",
            "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
            "ATEN_CPU_CAPABILITY": "default",
        },
    },
    {
        "id": "avx",
        "label": "AVX",
        "needs": ["avx"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX",
            "MKL_ENABLE_INSTRUCTIONS": "AVX",
            "ATEN_CPU_CAPABILITY": "default",
        },
    },
    {
        "id": "avx2",
        "label": "AVX2 + FMA",
        "needs": ["avx2", "fma"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX2",
            "MKL_ENABLE_INSTRUCTIONS": "AVX2",
            "ATEN_CPU_CAPABILITY": "avx2",
        },
    },
    {
        "id": "avx2_vnni",
        "label": "AVX-VNNI",
        "needs": ["avx2", "fma", "avx_vnni"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX2_VNNI",
            "MKL_ENABLE_INSTRUCTIONS": "AVX2",
            "ATEN_CPU_CAPABILITY": "avx2",
        },
    },
    {
        "id": "avx512_core",
        "label": "AVX-512",
        "needs": AVX512,
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX512_CORE",
            "MKL_ENABLE_INSTRUCTIONS": "AVX512",
            "ATEN_CPU_CAPABILITY": "avx512",
        },
    },
    {
        "id": "avx512_core_vnni",
        "label": "AVX-512 VNNI",
        "needs": AVX512 + ["avx512_vnni"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI",
            "MKL_ENABLE_INSTRUCTIONS": "AVX512_E1",
            "ATEN_CPU_CAPABILITY": "avx512",
        },
    },
    {
        "id": "avx512_core_bf16",
        "label": "AVX512_BF16",
        "needs": AVX512 + ["avx512_vnni", "avx512_bf16"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16",
            "MKL_ENABLE_INSTRUCTIONS": "AVX512_E1",
            "ATEN_CPU_CAPABILITY": "avx512",
        },
    },
    {
        "id": "avx512_core_amx",
        "label": "AMX (BF16, INT8)",
        "needs": AVX512 + ["avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"],
        "caps": {
            "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_AMX",
            "MKL_ENABLE_INSTRUCTIONS": "AVX512_E1",
            "ATEN_CPU_CAPABILITY": "avx512",
        },
    },
    {"id": "default", "label": "no cap", "needs": [], "caps": {}},
]

CAP_LIBRARY = {
    "ONEDNN_MAX_CPU_ISA": "oneDNN",
    "MKL_ENABLE_INSTRUCTIONS": "MKL",
    "ATEN_CPU_CAPABILITY": "PyTorch (ATen)",
}


def supported(flags: set[str]) -> list[dict]:
    """The levels this CPU can run, lowest first; the uncapped level last."""
    return [level for level in LEVELS if set(level["needs"]) <= flags]
