"""Which SIMD extensions does this CPU report? Read the flags line of /proc/cpuinfo."""

import platform
import sys
from pathlib import Path

# A few flags that matter for deep learning, in the order they appeared.
INTERESTING = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni",
               "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16"]


def cpu_flags(cpuinfo: str) -> set[str]:
    """The set of flags on the first 'flags' line of a /proc/cpuinfo text (x86 Linux)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


if __name__ == "__main__":
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        print(f"This reads /proc/cpuinfo of x86-64 Linux; this is {sys.platform}/{platform.machine()}.")
        sys.exit(0)
    flags = cpu_flags(Path("/proc/cpuinfo").read_text())
    for flag in INTERESTING:
        print(f"{flag:<12} {'yes' if flag in flags else 'no'}")
