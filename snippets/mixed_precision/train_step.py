"""A training step in fp32 or with bf16 autocast: same model, data and seed."""

import torch
from torch import nn


def train_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    bf16: bool,
) -> float:
    """One step; under bf16 autocast the forward runs matmuls in bf16, the weights stay
    fp32."""
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()  # backward runs outside autocast, as PyTorch recommends
    optimizer.step()
    return loss.item()


def make_task(n: int = 512, dim: int = 64, classes: int = 4, seed: int = 0):
    """A learnable classification task: labels come from a fixed random linear map."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    y = (x @ torch.randn(dim, classes, generator=g)).argmax(dim=1)
    return x, y


def loss_curve(bf16: bool, steps: int = 30) -> list[float]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = make_task()
    return [train_step(model, optimizer, x, y, bf16) for _ in range(steps)]


if __name__ == "__main__":
    fp32, bf16 = loss_curve(bf16=False), loss_curve(bf16=True)
    for step in (0, 9, 19, 29):
        difference = abs(fp32[step] - bf16[step])
        print(
            f"step {step + 1:>2}: loss fp32 {fp32[step]:.5f}  "
            f"bf16 autocast {bf16[step]:.5f}  difference {difference:.1e}"
        )
