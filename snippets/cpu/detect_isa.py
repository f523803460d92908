"""Which instruction-set extensions does this CPU have, and what will PyTorch and oneDNN run?

Reads /proc/cpuinfo and the table of extensions (docs/data/isa.yml, downloadable from the
instruction-set page); then asks PyTorch and oneDNN, because the kernel does not print every
feature: AMX-FP16, AMX-COMPLEX and AVX10 have no /proc/cpuinfo flag in any kernel (CPUID
leaf 7 sub-leaf 1 EAX bit 21 reports AMX-FP16; oneDNN's ISA string names it as float16).
"""

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import yaml

ISA_YAML = Path(
    "docs/data/isa.yml"
)  # relative to the repository root, where snippets are run from


def cpu_flags(cpuinfo: str) -> set[str]:
    """The flags of the first 'flags' line of a /proc/cpuinfo text; empty for non-x86 (ARM has 'Features')."""
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


def supported(entries: list[dict], flags: set[str]) -> list[str]:
    """Names of the extensions whose /proc/cpuinfo flags are all present."""
    return [e["name"] for e in entries if e["flags"] and set(e["flags"]) <= flags]


def unknowable(entries: list[dict]) -> list[str]:
    """Extensions /proc/cpuinfo cannot show (no flag in the kernel's naming)."""
    return [e["name"] for e in entries if not e["flags"]]


def onednn_isa() -> str:
    """The ISA oneDNN dispatches to, from its verbose header (printed on its first primitive)."""
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


def main() -> int:
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        print(
            f"This check reads /proc/cpuinfo on x86-64 Linux; this machine is {sys.platform}/{platform.machine()}."
        )
        return 0
    table = Path(sys.argv[1]) if len(sys.argv) > 1 else ISA_YAML
    if not table.is_file():
        print(
            f"error: {table} not found; download isa.yml from the instruction-set page and pass its path",
            file=sys.stderr,
        )
        return 2
    import torch

    cpuinfo = Path("/proc/cpuinfo").read_text()
    entries = yaml.safe_load(table.read_text(encoding="utf-8"))
    flags = cpu_flags(cpuinfo)
    print(f"CPU: {cpu_model(cpuinfo)}, {os.cpu_count()} logical cores")
    families: dict[str, list[str]] = {}
    for e in entries:
        families.setdefault(e["family"], [])
    for name in supported(entries, flags):
        family = next(e["family"] for e in entries if e["name"] == name)
        families[family].append(name)
    for family, names in families.items():
        print(f"  {family:<9} {', '.join(names) if names else '-'}")
    print(f"Not visible in /proc/cpuinfo: {', '.join(unknowable(entries))}")
    print(
        f"PyTorch's own kernels dispatch to: {torch.backends.cpu.get_cpu_capability()}"
    )
    print(f"oneDNN dispatches to: {onednn_isa()}")
    return 0


if __name__ == "__main__":
    status = main()
    if status:
        sys.exit(status)
