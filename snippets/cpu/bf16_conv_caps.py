"""Who runs a bf16 or fp16 convolution and matmul? Cap oneDNN's ISA step by step.

A convolution runs in fp32, then a convolution and a linear layer under bf16 and fp16
autocast (an fp32 linear layer is MKL's, not oneDNN's), in a fresh process per cap:
ONEDNN_MAX_CPU_ISA is read once, when oneDNN starts. A cap above what the CPU has
changes nothing, so each run first prints the ISA oneDNN really uses.
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
x, conv = torch.randn(1, 32, 28, 28), torch.nn.Conv2d(32, 32, 3, padding=1)
xm, linear = torch.randn(64, 256), torch.nn.Linear(256, 256)
with torch.no_grad():
    print("== fp32 convolution", flush=True)
    conv(x)
    for name, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
        with torch.autocast("cpu", dtype=dtype):
            print(f"== {name} convolution", flush=True)
            conv(x)
            print(f"== {name} matmul", flush=True)
            linear(xm)
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


def kernels(stdout: str) -> dict[str, str]:
    """oneDNN's ISA, and per run ("bf16 matmul") the kernel of that kind it executed
    ('' when none ran)."""
    found, section = {"isa": ""}, ""
    for line in stdout.splitlines():
        if line.startswith("== "):
            section = line[3:]
            found[section] = ""
        fields = line.split(",")
        if ",info,cpu,isa:" in line:
            found["isa"] = line.split(",info,cpu,isa:")[1]
        elif fields[2:5] == ["primitive", "exec", "cpu"] and fields[5] in section:
            data_types = [md.split(":")[:2] for md in fields[8].split()]
            types = " ".join(f"{arg}:{dt}" for arg, dt in data_types if arg != "bia")
            found[section] = f"{fields[6]} {types}"
    return found


RUNS = [
    "fp32 convolution",
    "bf16 convolution",
    "bf16 matmul",
    "fp16 convolution",
    "fp16 matmul",
]

if __name__ == "__main__":
    runs = {cap: run_capped(cap) for cap in CAPS}  # all at once: they only wait
    for cap, process in runs.items():
        stdout, _ = process.communicate(timeout=300)
        if process.returncode:
            sys.exit(f"the run capped at {cap} failed (exit code {process.returncode})")
        found = kernels(stdout)
        print(f"ONEDNN_MAX_CPU_ISA={cap}:")
        print(f"  oneDNN uses: {found['isa']}")
        for run in RUNS:
            kind = run.split()[1]
            ran = found[run] or f"no oneDNN {kind} (PyTorch's own kernel)"
            print(f"  {run}: {ran}")
