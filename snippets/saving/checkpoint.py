# --8<-- [start:setup]
"""Save and resume a training run: model, optimizer, LR scheduler, epoch and RNG state.

A checkpoint is a dict *you* design; torch.save stores it, torch.load
(weights_only=True, the default since PyTorch 2.6) reads it back without running any
code.
"""

import random
import tempfile
from pathlib import Path

import torch
from torch import nn


def make_run(seed: int = 0):
    torch.manual_seed(seed)
    random.seed(seed)
    model = nn.Sequential(
        nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 2)
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    return model, optimizer, scheduler


def train_epoch(model, optimizer, scheduler) -> float:
    """One epoch on freshly drawn data: uses the global RNG for data, dropout and
    shuffling."""
    x = torch.randn(64, 8)
    y = (x.sum(dim=1) > 0).long()
    order = list(range(0, 64, 16))
    random.shuffle(order)
    for start in order:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(
            model(x[start : start + 16]), y[start : start + 16]
        )
        loss.backward()
        optimizer.step()
    scheduler.step()
    return loss.item()


# --8<-- [end:setup]


# --8<-- [start:checkpoint]
def save_checkpoint(path: Path, model, optimizer, scheduler, epoch: int) -> None:
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "epoch": epoch,
            "torch_rng": torch.get_rng_state(),
            "python_rng": random.getstate(),
        },
        path,
    )


def load_checkpoint(path: Path, model, optimizer, scheduler) -> int:
    """Restore everything in place; return the epoch to continue from."""
    # weights_only=True (the default): tensors, dicts, lists, numbers only
    ckpt = torch.load(path, map_location="cpu")
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    scheduler.load_state_dict(ckpt["scheduler"])
    torch.set_rng_state(ckpt["torch_rng"])
    random.setstate(ckpt["python_rng"])
    return ckpt["epoch"] + 1


def run(epochs: int, interrupt_after: int | None, folder: Path) -> list[float]:
    """Train for `epochs`; if interrupt_after is set, stop there, rebuild everything and
    resume from disk."""
    model, optimizer, scheduler = make_run()
    losses, epoch = [], 0
    while epoch < epochs:
        losses.append(train_epoch(model, optimizer, scheduler))
        save_checkpoint(folder / "last.pt", model, optimizer, scheduler, epoch)
        if epoch == interrupt_after:
            # a "new process": different state everywhere
            model, optimizer, scheduler = make_run(seed=123)
            epoch = load_checkpoint(folder / "last.pt", model, optimizer, scheduler)
            interrupt_after = None
            continue
        epoch += 1
    return losses


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        straight = run(6, None, Path(tmp))
        resumed = run(6, 2, Path(tmp))
    print("uninterrupted:", " ".join(f"{v:.4f}" for v in straight))
    print("resumed at 3 :", " ".join(f"{v:.4f}" for v in resumed))
    print("bit-identical:", straight == resumed)
# --8<-- [end:checkpoint]
