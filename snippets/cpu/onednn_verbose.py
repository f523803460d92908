# --8<-- [start:setup]
"""See which oneDNN kernel ran, and cap the instruction set oneDNN may use.

Both switches are environment variables read when oneDNN first runs, so each experiment
runs in a fresh Python process.
"""

import os
import subprocess
import sys


def summarize(lines: list[str]) -> list[str]:
    """The ISA header and, for each executed primitive, its kind, implementation and
    data types."""
    summary = [line.split("info,cpu,")[1] for line in lines if ",info,cpu,isa:" in line]
    for line in lines:
        fields = line.split(",")
        if len(fields) > 8 and fields[2] == "primitive" and fields[3] == "exec":
            kind, impl = fields[5], fields[6]
            # "src:f32 dst:bf16"
            dtypes = " ".join(":".join(md.split(":")[:2]) for md in fields[8].split())
            summary.append(f"{kind:<12} {impl:<28} {dtypes}")
    return summary


def ran_on_amx(lines: list[str]) -> bool:
    """True when an executed primitive's implementation name mentions AMX (e.g.
    brg_conv_fwd:avx10_1_512_amx)."""
    return any(
        "primitive,exec" in line and "amx" in line.split(",")[6]
        for line in lines
        if line.count(",") > 6
    )


# --8<-- [end:setup]


# --8<-- [start:verbose]
WORKLOAD = """
import torch
x = torch.randn(8, 64, 56, 56)
conv = torch.nn.Conv2d(64, 64, 3, padding=1)
with torch.no_grad():
    conv(x)                                                   # fp32 convolution
    with torch.autocast("cpu", dtype=torch.bfloat16):
        conv(x)                                               # the same in bf16
"""


def onednn_lines(max_isa: str | None = None) -> list[str]:
    """Run the workload with ONEDNN_VERBOSE=1 (and optionally ONEDNN_MAX_CPU_ISA);
    return oneDNN's lines."""
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    if max_isa:
        env["ONEDNN_MAX_CPU_ISA"] = max_isa
    out = subprocess.run(
        [sys.executable, "-c", WORKLOAD],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out.check_returncode()
    return [
        line for line in out.stdout.splitlines() if line.startswith("onednn_verbose")
    ]


if __name__ == "__main__":
    print("default:")
    for line in summarize(onednn_lines()):
        print("  " + line)
    print("ONEDNN_MAX_CPU_ISA=SSE41:")
    for line in summarize(onednn_lines("SSE41")):
        print("  " + line)
# --8<-- [end:verbose]
