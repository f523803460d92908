"""What goes wrong when loading, and what the error says: each case below is triggered
on purpose."""

import tempfile
from pathlib import Path

import torch
from torch import nn


def first_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:100]}"


def not_a_checkpoint(folder: Path) -> str:
    path = folder / "notes.pth"
    path.write_text("this is a text file, not a checkpoint")
    try:
        torch.load(path)
    except Exception as exc:
        return first_line(exc)
    return "loaded?!"


def truncated(folder: Path) -> str:
    path = folder / "model.pth"
    torch.save(nn.Linear(256, 256).state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # an interrupted copy or download
    try:
        torch.load(path)
    except Exception as exc:
        return first_line(exc)
    return "loaded?!"


def mismatched_keys() -> tuple[str, str]:
    """A checkpoint of nn.Sequential (keys '0.weight') loaded into a model with named
    layers ('fc.weight')."""
    saved = nn.Sequential(nn.Linear(4, 2)).state_dict()

    class Named(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

    try:
        Named().load_state_dict(saved)
        strict = "loaded?!"
    except RuntimeError as exc:
        strict = str(exc).strip().splitlines()[1].strip()  # line 2 names the keys
    # strict=False loads every key whose name matches; here none does, so the model
    # silently keeps its random weights
    result = Named().load_state_dict(saved, strict=False)
    missing, unexpected = result.missing_keys, result.unexpected_keys
    return strict, f"strict=False: missing {missing}, unexpected {unexpected}"


def mismatched_shape() -> str:
    saved = nn.Linear(4, 2).state_dict()
    try:
        nn.Linear(4, 3).load_state_dict(saved)
    except RuntimeError as exc:
        return next(
            line.strip() for line in str(exc).splitlines() if "size mismatch" in line
        )
    return "loaded?!"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print("not a checkpoint :", not_a_checkpoint(Path(tmp)))
        print("truncated file   :", truncated(Path(tmp)))
    strict, loose = mismatched_keys()
    print("wrong keys       :", strict)
    print("                  ", loose)
    print("wrong shape      :", mismatched_shape())
