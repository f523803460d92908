# --8<-- [start:setup]
"""Three ways to load a large state_dict: torch.load, torch.load(mmap=True),
safetensors."""

import resource
import sys
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn


def make_model(megabytes: int) -> nn.Module:
    """A stack of 1024 x 1024 fp32 linear layers (4 MiB each), about the given size."""
    layers = max(1, megabytes // 4)
    return nn.Sequential(*(nn.Linear(1024, 1024, bias=False) for _ in range(layers)))


def _status_mb(field: str) -> float | None:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MiB
    return None


def anonymous_mb() -> float | None:
    """Private memory of this process (RssAnon): what a file-backed mmap does not
    add."""
    return _status_mb("RssAnon")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    Linux's VmHWM starts afresh with each program; getrusage's ru_maxrss does not: a
    child started by a large parent inherits the parent's peak, which would hide the
    child's own."""
    peak = _status_mb("VmHWM")
    return (
        peak
        if peak is not None
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )


# --8<-- [end:setup]


# --8<-- [start:load]
def save_both(model: nn.Module, folder: Path) -> tuple[Path, Path]:
    state = model.state_dict()
    torch.save(state, folder / "model.pt")
    save_file(state, folder / "model.safetensors")
    return folder / "model.pt", folder / "model.safetensors"


def load_torch(path: Path) -> dict:
    return torch.load(path, map_location="cpu")  # reads every byte into fresh memory


def load_mmap(path: Path) -> dict:
    # maps the file; pages are read on first touch
    return torch.load(path, map_location="cpu", mmap=True)


def load_safetensors(path: Path) -> dict:
    return load_file(path, device="cpu")


def into_meta_model(state: dict, megabytes: int) -> nn.Module:
    """Build the model on the meta device (no memory) and adopt the loaded tensors as
    its parameters."""
    with torch.device("meta"):
        model = make_model(megabytes)
    model.load_state_dict(state, assign=True)
    return model


def touch(state: dict) -> float:
    """Read every tensor once, so lazily mapped pages are really loaded."""
    return float(sum(t.float().sum() for t in state.values()))


if __name__ == "__main__":
    if sys.platform != "linux":
        print("peak memory is read with getrusage, whose unit differs outside Linux")
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        pt, st = save_both(make_model(16), Path(tmp))
        expected = touch(load_torch(pt))
        for name, loader, path in (
            ("torch.load", load_torch, pt),
            ("mmap=True", load_mmap, pt),
            ("safetensors", load_safetensors, st),
        ):
            model = into_meta_model(loader(path), 16)
            same = touch(model.state_dict()) == expected
            print(
                f"{name:<12} -> {len(model.state_dict())} tensors "
                f"on {model[0].weight.device}, identical: {same}"
            )
# --8<-- [end:load]
