"""One level of the instruction-set ladder, run in a fresh process under that level's caps.

    python -m sitetools.bench.ladder_worker LEVEL_ID THREADS QUICK PREVIOUS.json OUT.json

For every workload it first runs one call with oneDNN's and MKL's verbose output on and records
the kernels that ran; when they equal the previous level's kernels, and every one of them names its
code, the workload is not timed again (the record says "same kernels as" that level); otherwise it
is timed with sitetools.bench.measure.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from functools import partial
from pathlib import Path

from sitetools import snippets
from sitetools.bench.measure import Settings, invalid, measure, relative_error

# A oneDNN execution line: its kind (convolution, matmul, gemm_api ...), its implementation (empty
# in gemm_api lines, as for torch._int_mm) and its memory descriptors, read "src:u8:a:blocked:..."
# in primitive lines and "src_s8::blocked:..." in gemm_api lines.
ONEDNN_EXEC = re.compile(
    r"^onednn_verbose,(?:[^,]*,)*?primitive,exec,cpu,([^,]+),([^,]*),[^,]*,([^,]*),"
)
DATA_TYPE = re.compile(r"([a-z]+)[_:]([a-z0-9]+)")
MKL_CALL = re.compile(r"^MKL_VERBOSE (?!oneMKL|Intel)(\w+)\(")


def parse_kernels(lines: list[str], mkl_cap: str) -> set[str]:
    """The oneDNN kernels ("oneDNN matmul brg_matmul:avx2 src:u8 wei:s8 dst:f32") and MKL
    functions ("MKL SGEMM (AVX2)") named in verbose output."""
    found = set()
    for line in lines:
        m = ONEDNN_EXEC.match(line)
        if m:
            kinds = [DATA_TYPE.match(md) for md in m.group(3).split()]
            dtypes = " ".join(f"{k.group(1)}:{k.group(2)}" for k in kinds if k)
            found.add(" ".join(p for p in ("oneDNN", m.group(1), m.group(2), dtypes) if p))
        m = MKL_CALL.match(line)
        if m:
            found.add(f"MKL {m.group(1)} ({mkl_cap})")
    return found


def names_its_code(kernels: list[str]) -> bool:
    """Whether every kernel in the list names the code that ran. A oneDNN gemm_api call does not:
    its verbose line leaves the implementation empty, and oneDNN's GEMM driver picks an AVX2,
    AVX-VNNI, AVX-512 VNNI or AMX kernel under the same name (gemm_info.cpp), so equal lists at
    two levels prove nothing."""
    return not any(k.startswith("oneDNN gemm_api") for k in kernels)


def kernels_of(fn) -> list[str]:
    """The oneDNN primitives and MKL functions one call of fn runs, and the capability of ATen's own
    kernels."""
    import torch

    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 1)
        try:
            with (
                torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON),
                torch.backends.mkl.verbose(torch.backends.mkl.VERBOSE_ON),
            ):
                fn()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        capture.seek(0)
        lines = capture.read().decode(errors="replace").splitlines()
    found = parse_kernels(lines, os.environ.get("MKL_ENABLE_INSTRUCTIONS", "uncapped"))
    found.add(f"ATen {torch.backends.cpu.get_cpu_capability()}")
    return sorted(found)


WORKLOADS = [
    "GEMM fp32",
    "GEMM bf16",
    "GEMM int8",
    "MLP fp32",
    "MLP bf16 autocast",
    "MLP int8 torchao dynamic",
    "CNN fp32",
    "CNN bf16 autocast",
    "CNN int8 PT2E + freezing",
]  # the names workloads() yields


def workloads(quick: bool):
    """(name, facts, build) for each workload: facts go into the record (GEMM: n and operations per
    call); build returns the callable to time."""
    import copy

    import torch

    gemm = snippets.load("cpu/gemm")
    n = 128 if quick else 512
    for dtype in gemm.DTYPES:

        def build(dtype=dtype):
            a, b = gemm.gemm_operands(n, dtype)
            return lambda: gemm.gemm(a, b)

        yield f"GEMM {dtype}", {"n": n, "ops": gemm.gemm_ops(n)}, build
    if quick:
        return
    work = snippets.load("intro/workloads")
    bf16 = snippets.load("mixed_precision/bf16_inference")
    int8 = snippets.load("quantization/int8_inference")
    for label, make, inputs in (
        ("MLP", work.TransformerMLP, work.mlp_inputs),
        ("CNN", work.SmallCNN, work.cnn_inputs),
    ):
        torch.manual_seed(0)
        model, x = make().eval(), inputs()
        yield f"{label} fp32", {}, lambda model=model, x=x: lambda: model(x)
        yield (
            f"{label} bf16 autocast",
            {},
            lambda model=model, x=x: lambda: bf16.autocast_forward(model, x),
        )
        if label == "MLP":

            def torchao_int8(model=model, x=x):
                m = int8.torchao_dynamic_int8(copy.deepcopy(model))
                return lambda: m(x)

            yield f"{label} int8 torchao dynamic", {"reference": partial(model, x)}, torchao_int8
        else:

            def pt2e(model=model, x=x):
                m = int8.compile_int8(int8.pt2e_static_int8(copy.deepcopy(model), x, [x]), x, True)
                return lambda: m(x)

            yield f"{label} int8 PT2E + freezing", {"reference": partial(model, x)}, pt2e


def main(argv: list[str]) -> int:
    import torch
    import torch._dynamo

    level, threads, quick, previous_path, out_path = argv
    settings = Settings(quick == "1", int(threads))
    torch.set_num_threads(settings.threads)
    previous = json.loads(Path(previous_path).read_text()) if previous_path != "-" else {}
    results = []
    for name, facts, build in workloads(settings.quick):
        torch._dynamo.reset()
        try:
            fn = build()
            with torch.inference_mode():
                out = fn()  # first call: compilation and lazy set-up stay out of the kernel list
                kernels = kernels_of(fn)
                before = previous.get(name)
                # an int8 path is timed only if its output shows it computed in int8 (measure.py)
                reason = "reference" in facts and invalid(
                    name, relative_error(out, facts["reference"]())
                )
                if reason:
                    result = {"skipped": reason}
                elif before and before["kernels"] == kernels and names_its_code(kernels):
                    result = {"same_as": before["level"]}
                else:
                    result = measure(fn, settings)
                    if facts.get("ops") and "median_s" in result:
                        result["ops_per_s"] = facts["ops"] / result["median_s"]
        except Exception as exc:  # a path this level cannot run is recorded, not hidden
            kernels, result = (
                [],
                {"skipped": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"},
            )
        results.append(
            {
                "workload": name,
                "kernels": kernels,
                **result,
                **({"n": facts["n"]} if "n" in facts else {}),
            }
        )
    Path(out_path).write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
