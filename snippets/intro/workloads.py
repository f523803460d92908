"""The two small models measured throughout this site: a Transformer-style MLP and a
CNN.

They are defined here, with random weights and generated inputs, so nothing is
downloaded.
"""

import torch
from torch import nn


class TransformerMLP(nn.Module):
    """Pre-norm feed-forward blocks, as in a Transformer: x + W2 gelu(W1 norm(x))."""

    def __init__(
        self, dim: int = 512, hidden: int = 2048, blocks: int = 2, classes: int = 10
    ) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.LayerNorm(dim),
                nn.Linear(dim, hidden),
                nn.GELU(),
                nn.Linear(hidden, dim),
            )
            for _ in range(blocks)
        )
        self.head = nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = x + block(x)
        return self.head(x)


class SmallCNN(nn.Module):
    """Three conv-bn-relu stages, global pooling and a linear classifier."""

    def __init__(self, channels: int = 32, classes: int = 10) -> None:
        super().__init__()
        layers, c_in = [], 3
        for c_out in (channels, channels * 2, channels * 4):
            layers += [
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


def mlp_inputs(batch: int = 64, dim: int = 512) -> torch.Tensor:
    return torch.randn(batch, dim, generator=torch.Generator().manual_seed(0))


def cnn_inputs(batch: int = 16, size: int = 32) -> torch.Tensor:
    return torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(0))


def count_flops(model: nn.Module, x: torch.Tensor) -> int:
    """Floating-point operations of one forward pass, counted by FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x)
    return counter.get_total_flops()


if __name__ == "__main__":
    torch.manual_seed(0)
    for model, x in (
        (TransformerMLP().eval(), mlp_inputs()),
        (SmallCNN().eval(), cnn_inputs()),
    ):
        params = sum(p.numel() for p in model.parameters())
        print(
            f"{type(model).__name__:<15} input {tuple(x.shape)} -> "
            f"output {tuple(model(x).shape)}, {params / 1e6:.2f} M parameters, "
            f"{count_flops(model, x) / 1e9:.3f} GFLOP per forward pass"
        )
