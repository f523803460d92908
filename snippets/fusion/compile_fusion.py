"""torch.compile fuses a chain of element-wise operations into one loop over memory."""

import torch


def bias_gelu_scale(
    x: torch.Tensor, bias: torch.Tensor, scale: torch.Tensor
) -> torch.Tensor:
    """Three element-wise ops: eager PyTorch reads and writes the whole tensor for each
    of them."""
    return torch.nn.functional.gelu(x + bias) * scale


def compiled_bias_gelu_scale():
    """The same function compiled: Inductor emits one fused C++ loop."""
    return torch.compile(bias_gelu_scale)


def eager_bytes(x: torch.Tensor) -> int:
    """Memory traffic of eager mode: each of 3 ops reads one tensor and writes one."""
    return 3 * 2 * x.numel() * x.element_size()


def fused_bytes(x: torch.Tensor) -> int:
    """A fused kernel reads x once and writes the result once (bias and scale are
    small)."""
    return 2 * x.numel() * x.element_size()


if __name__ == "__main__":
    g = torch.Generator().manual_seed(0)
    x, bias, scale = (
        torch.randn(256, 1024, generator=g),
        torch.randn(1024, generator=g),
        torch.randn(1024, generator=g),
    )
    fused = compiled_bias_gelu_scale()
    # the vectorised gelu of AVX2 and of AVX-512 kernels differ in the last bits: a few
    # 1e-6
    expected = bias_gelu_scale(x, bias, scale)
    same = torch.allclose(fused(x, bias, scale), expected, atol=1e-5)
    print(f"compiled result matches eager: {same}")
    print(
        f"memory traffic: eager {eager_bytes(x) / 1e6:.1f} MB, "
        f"fused {fused_bytes(x) / 1e6:.1f} MB"
    )
