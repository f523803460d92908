"""Which int8 kernels run on a CPU without VNNI? Ask oneDNN and Inductor.

A PT2E int8 model (static, X86InductorQuantizer), compiled with freezing, runs with
oneDNN capped at AVX2, the level every x86-64 CPU of the last decade has. Then
torch._int_mm (the int8 matmul torchao's dynamic int8 calls) runs uncapped. Each run
is a fresh process: ONEDNN_MAX_CPU_ISA is read once, when oneDNN starts.
"""

import os
import re
import subprocess
import sys

DATA_TYPE = re.compile(r"([a-z]+)[_:]([a-z0-9]+)")

PT2E = """
import re, torch
from torch import nn
from torch._inductor.utils import run_and_get_code
import torch._inductor.config as inductor_config
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
    X86InductorQuantizer, get_default_x86_inductor_quantization_config)

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Flatten(),
                      nn.Linear(32 * 8 * 8, 10)).eval()
x = torch.randn(4, 16, 8, 8)
quantizer = X86InductorQuantizer().set_global(
    get_default_x86_inductor_quantization_config())
prepared = prepare_pt2e(torch.export.export(model, (x,)).module(), quantizer)
prepared(x)                                               # calibrate
with inductor_config.patch(freezing=True), torch.no_grad():
    compiled = torch.compile(convert_pt2e(prepared))
    _, code = run_and_get_code(compiled, x)
    calls = re.findall(r"torch\\.ops\\.((?:onednn|mkldnn)\\.\\w+)", code[0])
    calls = sorted(set(calls))
    print("== calls " + ", ".join(calls), flush=True)
    print("== PT2E", flush=True)
    compiled(x)
"""

INT_MM = """
import torch
with torch.no_grad():  # an fp32 convolution first: oneDNN prints the ISA it uses
    torch.nn.Conv2d(32, 32, 3)(torch.randn(1, 32, 28, 28))
print("== _int_mm", flush=True)
a = torch.randint(-128, 128, (64, 256), dtype=torch.int8)
torch._int_mm(a, torch.randint(-128, 128, (256, 128), dtype=torch.int8))
"""


def start(workload: str, cap: str | None) -> subprocess.Popen:
    """Run a workload with oneDNN's verbose output on, capped at `cap` (None: none)."""
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if cap:
        env["ONEDNN_MAX_CPU_ISA"] = cap
    return subprocess.Popen(
        [sys.executable, "-c", workload], env=env, stdout=subprocess.PIPE, text=True
    )


def describe(fields: list[str]) -> str:
    """'convolution jit_uni_int8:avx2 src:u8 wei:s8 dst:u8' from one verbose line's
    fields (memory descriptors read "src:u8:a:blocked:...", or "src_s8::blocked:..."
    in gemm_api lines; the bias is left out)."""
    kinds = [DATA_TYPE.match(md).groups() for md in fields[8].split()]
    types = " ".join(f"{arg}:{dt}" for arg, dt in kinds if arg != "bia")
    return " ".join(part for part in (fields[5], fields[6], types) if part)


def summarize(stdout: str) -> dict[str, list[str]]:
    """oneDNN's ISA, Inductor's oneDNN calls, and per section the convolutions and
    matrix multiplications oneDNN executed."""
    found: dict[str, list[str]] = {"isa": [], "calls": [], "PT2E": [], "_int_mm": []}
    section = None
    for line in stdout.splitlines():
        fields = line.split(",")
        if line.startswith("== calls "):
            found["calls"] = line[len("== calls ") :].split(", ")
        elif line.startswith("== "):
            section = line[3:]
        elif ",info,cpu,isa:" in line:
            found["isa"] = [line.split(",info,cpu,isa:")[1]]
        elif section and fields[2:5] == ["primitive", "exec", "cpu"]:
            if fields[5] in ("convolution", "matmul", "gemm_api"):
                found[section].append(describe(fields))
    return found


def finish(process: subprocess.Popen, title: str) -> dict[str, list[str]]:
    stdout, _ = process.communicate(timeout=300)
    if process.returncode:
        sys.exit(f"the run '{title}' failed (exit code {process.returncode})")
    return summarize(stdout)


if __name__ == "__main__":
    pt2e = start(PT2E, "AVX2")
    int_mm = start(INT_MM, None)  # both at once: they run in parallel
    found = finish(pt2e, "PT2E")
    print("ONEDNN_MAX_CPU_ISA=AVX2:")
    print(f"  oneDNN uses: {found['isa'][0]}")
    print(f"  PT2E int8 + freezing, Inductor calls: {', '.join(found['calls'])}")
    for ran in found["PT2E"]:
        print(f"    oneDNN {ran}")
    found = finish(int_mm, "_int_mm")
    print("default:")
    print(f"  oneDNN uses: {found['isa'][0]}")
    ran = found["_int_mm"] or ["no oneDNN primitive (PyTorch's own loop)"]
    print(f"  torch._int_mm: {ran[0]}")
