"""channels_last: store a CNN's activations and weights as NHWC, the layout oneDNN
convolutions prefer.

The values are the same; what changes is the work around the convolutions. oneDNN's
verbose output of one forward pass in each layout lists it: with NCHW, activations are
reordered into oneDNN's blocked layout and back; with NHWC they are not.
"""

import os
import subprocess
import sys

import torch
from torch import nn


def to_channels_last(
    model: nn.Module, x: torch.Tensor
) -> tuple[nn.Module, torch.Tensor]:
    """Same values, different memory order: N, H, W, C instead of N, C, H, W."""
    return model.to(memory_format=torch.channels_last), x.contiguous(
        memory_format=torch.channels_last
    )


# One forward pass per layout, in a child process with oneDNN's verbose output on.
FORWARD = """
import torch
from torch import nn
model = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 8, 3, padding=1)
).eval()
x = torch.randn(2, 3, 16, 16)
with torch.no_grad():
    layouts = {"NCHW": torch.contiguous_format, "NHWC": torch.channels_last}
    for layout, fmt in layouts.items():
        m, xx = model.to(memory_format=fmt), x.contiguous(memory_format=fmt)
        m(xx)  # a first pass creates the primitives; the second is the one counted
        print("== " + layout, flush=True)
        m(xx)
        print("==", flush=True)
"""
BATCH = 2  # activations are 2 x C x H x W; weights start with their output channels


def primitives(stdout: str) -> dict[str, list[str]]:
    """Per layout, the kind of each oneDNN primitive executed: convolution, or a
    reorder of weights or of activations (told apart by the tensor's first dim)."""
    found, layout = {}, None
    for line in stdout.splitlines():
        if line.startswith("=="):
            layout = line[3:] or None  # "==" alone ends the counted pass
            if layout:
                found[layout] = []
        fields = line.split(",")
        if layout and fields[2:5] == ["primitive", "exec", "cpu"]:
            kind, shape = fields[5], fields[-2]
            if kind == "reorder":
                of = "activation" if shape.split("x")[0] == str(BATCH) else "weight"
                kind = f"{of} reorder"
            found[layout].append(kind)
    return found


def count(kinds: list[str], kind: str) -> str:
    n = kinds.count(kind)
    return f"{n} {kind}{'' if n == 1 else 's'}"


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 8, 3, padding=1)
    ).eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        reference = model(x)
        cl_model, cl_x = to_channels_last(model, x)
        out = cl_model(cl_x)
    print("input strides  NCHW", tuple(x.stride()), "-> NHWC", tuple(cl_x.stride()))
    print(
        "output is channels_last:", out.is_contiguous(memory_format=torch.channels_last)
    )
    print(f"max abs difference to NCHW: {(out - reference).abs().max():.1e}")

    env = dict(os.environ, ONEDNN_VERBOSE="1")
    run = subprocess.run(
        [sys.executable, "-c", FORWARD], env=env, capture_output=True, text=True
    )
    if run.returncode:
        sys.exit(f"the verbose run failed: {run.stderr[-500:]}")
    print("oneDNN primitives in one forward pass:")
    for layout, kinds in primitives(run.stdout).items():
        parts = ("convolution", "weight reorder", "activation reorder")
        print(f"  {layout}: " + ", ".join(count(kinds, kind) for kind in parts))
