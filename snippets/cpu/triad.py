"""Memory bandwidth with a STREAM-like triad: a = b + s * c over arrays far larger than
the caches."""

import torch


def triad_arrays(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.empty(n), torch.rand(n, generator=g), torch.rand(n, generator=g)


def triad(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, scalar: float = 3.0
) -> torch.Tensor:
    """a = b + scalar * c in one pass, written into a (no temporary)."""
    return torch.add(b, c, alpha=scalar, out=a)


def triad_bytes(n: int, itemsize: int = 4) -> int:
    """Bytes STREAM counts for the triad: read b and c, write a."""
    return 3 * n * itemsize


if __name__ == "__main__":
    a, b, c = triad_arrays(1_000_000)
    triad(a, b, c)
    assert torch.allclose(a, b + 3.0 * c)
    print(
        f"triad over {a.numel():,} floats moves {triad_bytes(a.numel()) / 1e6:.0f} MB"
    )
