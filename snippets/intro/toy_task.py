"""A small classification task for the chapters that measure accuracy (quantization,
pruning).

Ten classes, each a mixture of four Gaussian clusters in 64 dimensions: not linearly
separable, and hard enough that the small MLP below tops out near 95%. The data is
generated, so nothing is downloaded.
"""

import torch
from torch import nn

FEATURES, CLASSES = 64, 10


def make_task(
    samples: int = 12288, noise: float = 1.75, seed: int = 0
) -> tuple[torch.Tensor, ...]:
    """x_train, y_train, x_test, y_test (a 5:1 split)."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(CLASSES * 4, FEATURES, generator=g)
    cluster = torch.randint(0, len(centers), (samples,), generator=g)
    x = centers[cluster] + noise * torch.randn(samples, FEATURES, generator=g)
    y = cluster % CLASSES
    split = samples * 5 // 6
    return x[:split], y[:split], x[split:], y[split:]


def make_classifier(hidden: int = 512) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(FEATURES, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, CLASSES),
    )


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 8,
    lr: float = 2e-3,
) -> nn.Module:
    """Adam, batches of 256, a fixed shuffling seed: the same weights on every run of
    one machine."""
    g = torch.Generator().manual_seed(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=g).split(256):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(run, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of x that run (a model, or any function returning logits) classifies
    correctly."""
    return (run(x).argmax(1) == y).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = make_task()
    print(
        f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}, "
        f"class sizes {torch.bincount(y_train).tolist()}"
    )
    model = train(make_classifier(), x_train, y_train)
    print(f"test accuracy after training: {accuracy(model, x_test, y_test):.1%}")
