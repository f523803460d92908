"""A .pth file written by torch.save is a zip archive: a pickle of the structure plus
one file per tensor storage."""

import tempfile
import zipfile
from pathlib import Path

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "model.pth"
    torch.save(model.state_dict(), path)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            print(f"{info.filename:<34} {info.file_size:>5} bytes")
