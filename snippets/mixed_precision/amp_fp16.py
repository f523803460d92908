"""fp16 mixed precision needs loss scaling: torch.amp.GradScaler, on CPU and CUDA alike.

The CUDA part runs only where an NVIDIA GPU is present and says so otherwise.
"""

import torch
from torch import nn


def train_fp16(device: str, steps: int = 20) -> tuple[list[float], float]:
    """fp16 autocast training with a GradScaler: the losses and the final loss scale."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 4)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    # GradScaler multiplies the loss so that small fp16 gradients do not flush to zero
    scaler = torch.amp.GradScaler(device)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 64, generator=g).to(device)
    y = (x.cpu() @ torch.randn(64, 4, generator=g)).argmax(dim=1).to(device)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device, dtype=torch.float16):
            loss = nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        # step() unscales the gradients first, and skips the step if any is inf or nan
        scaler.step(optimizer)
        scaler.update()  # grows the scale, or halves it after an overflow
        losses.append(loss.item())
    return losses, scaler.get_scale()


def summary(device: str) -> str:
    losses, scale = train_fp16(device)
    first, last = losses[0], losses[-1]
    return f"{device:<4}: loss {first:.4f} -> {last:.4f}, final loss scale {scale:.0f}"


if __name__ == "__main__":
    print(summary("cpu"))
    if torch.cuda.is_available():
        print(summary("cuda"))
    else:
        reason = "no NVIDIA GPU on this machine (torch.cuda.is_available() is False)"
        print(f"cuda: skipped - {reason}")
