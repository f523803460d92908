# --8<-- [start:setup]
"""Which instruction-set extensions does this CPU have, and what will PyTorch and oneDNN
run?

Reads /proc/cpuinfo and compares it with the extensions of the instruction-set page (its
table, docs/data/isa.yml, is repeated below); then asks PyTorch and oneDNN, because the
kernel does not print every feature: AMX-FP16, AMX-COMPLEX, AMX-FP8 and AVX10 have no
/proc/cpuinfo flag in any kernel (CPUID leaf 7 sub-leaf 1 EAX bit 21 reports AMX-FP16;
oneDNN's ISA string names it as float16).
"""

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

# (extension, family, its /proc/cpuinfo flags, "" where the kernel prints none)
EXTENSIONS = [
    ("MMX", "MMX/SSE", "mmx"),
    ("MMX extensions (AMD)", "MMX/SSE", "mmxext"),
    ("3DNow!", "3DNow!", "3dnow"),
    ("3DNow!+ (Enhanced 3DNow!)", "3DNow!", "3dnowext"),
    ("3DNow! Professional", "3DNow!", "3dnowext sse"),
    ("3DNowPrefetch", "3DNow!", "3dnowprefetch"),
    ("SSE", "MMX/SSE", "sse"),
    ("SSE2", "MMX/SSE", "sse2"),
    ("SSE3", "MMX/SSE", "pni"),
    ("SSSE3", "MMX/SSE", "ssse3"),
    ("SSE4.1", "MMX/SSE", "sse4_1"),
    ("SSE4.2", "MMX/SSE", "sse4_2"),
    ("SSE4a", "MMX/SSE", "sse4a"),
    ("AES-NI", "Other", "aes"),
    ("CLMUL", "Other", "pclmulqdq"),
    ("POPCNT", "Other", "popcnt"),
    ("ABM", "Other", "abm"),
    ("AVX", "AVX/AVX2", "avx"),
    ("F16C", "AVX/AVX2", "f16c"),
    ("FMA4", "AVX/AVX2", "fma4"),
    ("XOP", "AVX/AVX2", "xop"),
    ("FMA3", "AVX/AVX2", "fma"),
    ("AVX2", "AVX/AVX2", "avx2"),
    ("AVX-512 F", "AVX-512", "avx512f"),
    ("AVX-512 CD", "AVX-512", "avx512cd"),
    ("AVX-512 BW", "AVX-512", "avx512bw"),
    ("AVX-512 DQ", "AVX-512", "avx512dq"),
    ("AVX-512 VL", "AVX-512", "avx512vl"),
    ("AVX-512 IFMA", "AVX-512", "avx512ifma"),
    ("AVX-512 VBMI", "AVX-512", "avx512vbmi"),
    ("AVX-512 VBMI2", "AVX-512", "avx512_vbmi2"),
    ("AVX-512 BITALG", "AVX-512", "avx512_bitalg"),
    ("AVX-512 VPOPCNTDQ", "AVX-512", "avx512_vpopcntdq"),
    ("AVX-512 VNNI", "AVX-512", "avx512_vnni"),
    ("AVX-512 BF16", "AVX-512", "avx512_bf16"),
    ("AVX-512 FP16", "AVX-512", "avx512_fp16"),
    ("AVX-VNNI", "AVX/AVX2", "avx_vnni"),
    ("AVX-VNNI-INT8", "AVX/AVX2", ""),
    ("AVX-NE-CONVERT", "AVX/AVX2", ""),
    ("AMX-TILE", "AMX", "amx_tile"),
    ("AMX-BF16", "AMX", "amx_bf16"),
    ("AMX-INT8", "AMX", "amx_int8"),
    ("AMX-FP16", "AMX", ""),
    ("AMX-COMPLEX", "AMX", ""),
    ("AMX-FP8", "AMX", ""),
    ("AVX10.1", "AVX10", ""),
    ("AVX10.2", "AVX10", ""),
]
# --8<-- [end:setup]


# --8<-- [start:detect]
def cpu_flags(cpuinfo: str) -> set[str]:
    """The flags of the first 'flags' line of a /proc/cpuinfo text; empty for non-x86
    (ARM has 'Features')."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


def cpu_model(cpuinfo: str) -> str:
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return "unknown CPU"


def supported(flags: set[str]) -> list[str]:
    """Names of the extensions whose /proc/cpuinfo flags are all present."""
    return [name for name, _, own in EXTENSIONS if own and set(own.split()) <= flags]


def unknowable() -> list[str]:
    """Extensions /proc/cpuinfo cannot show (no flag in the kernel's naming)."""
    return [name for name, _, own in EXTENSIONS if not own]


def onednn_isa() -> str:
    """The ISA oneDNN dispatches to, from its verbose header (printed on its first
    primitive)."""
    code = "import torch; torch.nn.Conv2d(64, 64, 3)(torch.randn(1, 64, 32, 32))"
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r"onednn_verbose,(?:v1,)?info,cpu,isa:(.+)", out)
    return found.group(1).strip() if found else "not reported (oneDNN was not called)"


def main() -> None:
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        print(
            "This check reads /proc/cpuinfo on x86-64 Linux; this machine is "
            f"{sys.platform}/{platform.machine()}."
        )
        return
    import torch

    cpuinfo = Path("/proc/cpuinfo").read_text()
    found = set(supported(cpu_flags(cpuinfo)))
    print(f"CPU: {cpu_model(cpuinfo)}, {os.cpu_count()} logical cores")
    families: dict[str, list[str]] = {}
    for name, family, _ in EXTENSIONS:
        families.setdefault(family, [])
        if name in found:
            families[family].append(name)
    for family, names in families.items():
        print(f"  {family:<9} {', '.join(names) if names else '-'}")
    print(f"Not visible in /proc/cpuinfo: {', '.join(unknowable())}")
    capability = torch.backends.cpu.get_cpu_capability()
    print(f"PyTorch's own kernels dispatch to: {capability}")
    print(f"oneDNN dispatches to: {onednn_isa()}")


if __name__ == "__main__":
    main()
# --8<-- [end:detect]
