"""fp16 mixed precision needs loss scaling: torch.amp.GradScaler on CPU, and the same code on CUDA.

The CUDA part runs only where an NVIDIA GPU is present and says so otherwise.
"""

import torch
from torch import nn


def train_fp16(device: str, steps: int = 20) -> tuple[list[float], float]:
    """fp16 autocast training with a GradScaler; returns the losses and the final loss scale."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 4)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler(
        device
    )  # multiplies the loss so small fp16 gradients do not flush to zero
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 64, generator=g).to(device)
    y = (x.cpu() @ torch.randn(64, 4, generator=g)).argmax(dim=1).to(device)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device, dtype=torch.float16):
            loss = nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(
            optimizer
        )  # unscales the gradients first; skips the step if any is inf/nan
        scaler.update()  # grows the scale, or halves it after an overflow
        losses.append(loss.item())
    return losses, scaler.get_scale()


if __name__ == "__main__":
    losses, scale = train_fp16("cpu")
    print(
        f"cpu : loss {losses[0]:.4f} -> {losses[-1]:.4f}, final loss scale {scale:.0f}"
    )
    if torch.cuda.is_available():
        losses, scale = train_fp16("cuda")
        print(
            f"cuda: loss {losses[0]:.4f} -> {losses[-1]:.4f}, final loss scale {scale:.0f}"
        )
    else:
        print(
            "cuda: skipped - no NVIDIA GPU on this machine (torch.cuda.is_available() is False)"
        )
