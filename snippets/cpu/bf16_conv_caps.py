"""Which library runs a bf16 or fp16 convolution? Cap oneDNN's ISA step by step.

The same convolution runs in fp32, then under bf16 and fp16 autocast, in a fresh process
per cap (ONEDNN_MAX_CPU_ISA is read once, when oneDNN starts). A cap above what the
CPU has changes nothing, so each run first prints the ISA oneDNN really uses.
"""

import os
import subprocess
import sys

CAPS = [
    "AVX2",
    "AVX512_CORE",
    "AVX512_CORE_BF16",
    "AVX512_CORE_FP16",
    "AVX512_CORE_AMX",
]

WORKLOAD = """
import torch
x = torch.randn(1, 32, 28, 28)
conv = torch.nn.Conv2d(32, 32, 3, padding=1)
with torch.no_grad():
    print("== fp32", flush=True)
    conv(x)
    print("== bf16", flush=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        conv(x)
    print("== fp16", flush=True)
    with torch.autocast("cpu", dtype=torch.float16):
        conv(x)
"""


def run_capped(cap: str | None) -> subprocess.Popen:
    """Start the workload with oneDNN's verbose output on, capped at `cap`."""
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if cap:
        env["ONEDNN_MAX_CPU_ISA"] = cap
    return subprocess.Popen(
        [sys.executable, "-c", WORKLOAD], env=env, stdout=subprocess.PIPE, text=True
    )


def convolutions(stdout: str) -> dict[str, str]:
    """oneDNN's ISA, and per dtype the convolution it executed ('' when none ran)."""
    found, section = {"isa": "", "fp32": "", "bf16": "", "fp16": ""}, None
    for line in stdout.splitlines():
        if line.startswith("== "):
            section = line[3:]
        fields = line.split(",")
        if ",info,cpu,isa:" in line:
            found["isa"] = line.split(",info,cpu,isa:")[1]
        elif fields[2:6] == ["primitive", "exec", "cpu", "convolution"]:
            data_types = [md.split(":")[:2] for md in fields[8].split()]
            types = " ".join(f"{arg}:{dt}" for arg, dt in data_types if arg != "bia")
            found[section] = f"{fields[6]} {types}"
    return found


if __name__ == "__main__":
    runs = {cap: run_capped(cap) for cap in CAPS}  # all at once: they only wait
    for cap, process in runs.items():
        stdout, _ = process.communicate(timeout=300)
        if process.returncode:
            sys.exit(f"the run capped at {cap} failed (exit code {process.returncode})")
        found = convolutions(stdout)
        print(f"ONEDNN_MAX_CPU_ISA={cap}:")
        print(f"  oneDNN uses: {found['isa']}")
        for dtype in ("fp32", "bf16", "fp16"):
            ran = found[dtype] or "no oneDNN convolution (PyTorch's own kernel)"
            print(f"  {dtype} convolution: {ran}")
