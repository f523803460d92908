"""Three habits that keep bf16 code accurate and fast: accumulate in fp32, convert
once, and compute losses in fp32. ATen's own bf16 sum, softmax and layer_norm already
accumulate in fp32 inside; the errors below come from a hand-written bf16 accumulation
and from a loss computed on bf16 logits outside autocast."""

import torch


def sum_in_bf16(x: torch.Tensor) -> torch.Tensor:
    """A hand-written loop with a bf16 running total. Each chunk.sum() accumulates in
    fp32 inside, but the total is rounded to bf16 after every addition: once it is
    large, the chunk sums round away."""
    total = torch.zeros((), dtype=torch.bfloat16)
    for chunk in x.split(1024):
        total = total + chunk.sum()  # each partial sum rounded to bf16
    return total


def sum_with_fp32_accumulator(x: torch.Tensor) -> torch.Tensor:
    """The same data, accumulated in fp32 (what VDPBF16PS and AMX do in hardware)."""
    return x.sum(dtype=torch.float32)


def layer_converting_each_step(
    x: torch.Tensor, weights: list[torch.Tensor]
) -> torch.Tensor:
    """Anti-pattern: fp32 master copy, converted to bf16 and back around every op."""
    for w in weights:
        x = torch.relu(x.to(torch.bfloat16) @ w.to(torch.bfloat16)).float()
    return x


def layer_staying_in_bf16(
    x: torch.Tensor, weights_bf16: list[torch.Tensor]
) -> torch.Tensor:
    """Convert once at the boundary, stay in bf16 inside, convert back once at the
    end."""
    x = x.to(torch.bfloat16)
    for w in weights_bf16:
        x = torch.relu(x @ w)
    return x.float()


def loss_in_bf16(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Outside autocast, on bf16 logits: log-softmax and the batch mean accumulate in
    fp32 inside, but each result (log-probabilities, the mean) is rounded to bf16."""
    return torch.nn.functional.cross_entropy(logits.to(torch.bfloat16), target)


def loss_in_fp32(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The same bf16 logits converted to fp32 before the loss: what autocast does for
    cross_entropy on CPU and on CUDA alike (it is on both fp32 lists)."""
    return torch.nn.functional.cross_entropy(logits.to(torch.bfloat16).float(), target)


if __name__ == "__main__":
    g = torch.Generator().manual_seed(0)
    x = torch.rand(1_000_000, generator=g)
    exact = x.double().sum().item()
    for name, fn in (
        ("bf16 accumulator", sum_in_bf16),
        ("fp32 accumulator", sum_with_fp32_accumulator),
    ):
        error = abs(fn(x.to(torch.bfloat16)).item() - exact) / exact
        print(f"sum of 1e6 values, {name}: relative error {error:.1e}")
    logits = torch.randn(64, 32000, generator=g) * 4
    target = torch.randint(0, 32000, (64,), generator=g)
    reference = torch.nn.functional.cross_entropy(
        logits.to(torch.bfloat16).double(), target
    ).item()
    for name, fn in (("loss in bf16", loss_in_bf16), ("loss in fp32", loss_in_fp32)):
        error = abs(fn(logits, target).item() - reference) / reference
        print(f"cross-entropy over 32000 classes, {name}: relative error {error:.1e}")
