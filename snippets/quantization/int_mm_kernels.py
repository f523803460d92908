"""Which oneDNN code computes torch._int_mm? Name the kernels it generates, cap by cap.

torch._int_mm, the int8 matmul of torchao's dynamic quantization, reaches oneDNN as a
gemm_api call, whose verbose line names no kernel. With ONEDNN_JIT_DUMP=1 oneDNN writes
each kernel it generates to a file named after the kernel's class, so the file names
say which code ran. One fresh process per cap (ONEDNN_MAX_CPU_ISA is read once, when
oneDNN starts), each in its own empty folder.
"""

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CAPS = [
    "AVX2",
    "AVX2_VNNI",
    "AVX512_CORE",
    "AVX512_CORE_VNNI",
    "AVX512_CORE_AMX",
]

WORKLOAD = """
import torch
torch.manual_seed(0)
a = torch.randint(-128, 128, (512, 512), dtype=torch.int8)
b = torch.randint(-128, 128, (512, 512), dtype=torch.int8)
torch._int_mm(a, b)
"""


def generated_kernels(cap: str) -> list[str]:
    """The classes of the JIT kernels oneDNN generated for one torch._int_mm call under
    `cap`, without the dump's prefix and suffix: "avx2_gemm_s8u8s32_kern"."""
    env = dict(os.environ, ONEDNN_JIT_DUMP="1", ONEDNN_MAX_CPU_ISA=cap)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-c", WORKLOAD], env=env, cwd=folder, check=True
        )
        files = [p.name for p in Path(folder).glob("dnnl_dump_cpu_jit_*.bin")]
    # dnnl_dump_cpu_jit_avx2_gemm_s8u8s32_kern_t.3.bin -> avx2_gemm_s8u8s32_kern
    names = {f.removeprefix("dnnl_dump_cpu_jit_").split("_t.")[0] for f in files}
    return sorted(names)


def summary(names: list[str]) -> list[str]:
    """The compute kernels by name; the packing ("copy") kernels by family and count."""
    if not names:
        return ["no oneDNN kernel (PyTorch's own loop)"]
    compute = [n for n in names if "_copy" not in n]
    packing = sorted({n.split("_copy")[0] + "_copy" for n in names if "_copy" in n})
    lines = [f"compute: {', '.join(compute)}"]
    for family in packing:
        count = sum(n.startswith(family) for n in names)
        lines.append(f"packing: {family}_* ({count} kernel{'s' * (count > 1)})")
    return lines


if __name__ == "__main__":
    with ThreadPoolExecutor(len(CAPS)) as pool:  # all at once: the threads only wait
        found = dict(zip(CAPS, pool.map(generated_kernels, CAPS), strict=True))
    for cap in CAPS:
        print(f"ONEDNN_MAX_CPU_ISA={cap}:")
        for line in summary(found[cap]):
            print(f"  {line}")
