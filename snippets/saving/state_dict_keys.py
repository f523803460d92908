"""What a state_dict holds: parameter and buffer names mapped to tensors.

A small ResNet-style model (same naming as torchvision's ResNet: conv1, bn1,
layer1.0.conv1, ...) is saved with torch.save(model.state_dict()) and loaded back
with torch.load, whose default since PyTorch 2.6 is weights_only=True.
"""

import tempfile
from pathlib import Path

import torch
from torch import nn


class Bottleneck(nn.Module):
    """1x1 -> 3x3 -> 1x1 convolutions with a shortcut, as in ResNet-50."""

    def __init__(self, in_ch: int, mid_ch: int, out_ch: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, mid_ch, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid_ch)
        self.conv2 = nn.Conv2d(mid_ch, mid_ch, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid_ch)
        self.conv3 = nn.Conv2d(mid_ch, out_ch, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_ch)
        self.downsample = (
            nn.Sequential(
                nn.Conv2d(in_ch, out_ch, 1, bias=False), nn.BatchNorm2d(out_ch)
            )
            if in_ch != out_ch
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        return torch.relu(self.bn3(self.conv3(y)) + shortcut)


class TinyResNet(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = nn.Sequential(Bottleneck(64, 64, 256), Bottleneck(256, 64, 256))
        self.fc = nn.Linear(256, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer1(x)
        return self.fc(x.mean(dim=(2, 3)))


def save_and_load(model: nn.Module, path: Path) -> dict[str, torch.Tensor]:
    torch.save(model.state_dict(), path)
    return torch.load(path, map_location="cpu")  # weights_only=True is the default


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TinyResNet()
    with tempfile.TemporaryDirectory() as tmp:
        state = save_and_load(model, Path(tmp) / "tiny_resnet.pth")
    for name, tensor in list(state.items())[:8]:
        print(name, tensor.size())
    print("...")
    print(f"{len(state)} entries, {sum(t.numel() for t in state.values()):,} numbers")
