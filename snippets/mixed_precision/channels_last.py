"""channels_last: store a CNN's activations and weights as NHWC, the layout oneDNN
convolutions prefer."""

import torch
from torch import nn


def to_channels_last(
    model: nn.Module, x: torch.Tensor
) -> tuple[nn.Module, torch.Tensor]:
    """Same values, different memory order: N, H, W, C instead of N, C, H, W."""
    return model.to(memory_format=torch.channels_last), x.contiguous(
        memory_format=torch.channels_last
    )


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 8, 3, padding=1)
    ).eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        reference = model(x)
        cl_model, cl_x = to_channels_last(model, x)
        out = cl_model(cl_x)
    print("input strides  NCHW", tuple(x.stride()), "-> NHWC", tuple(cl_x.stride()))
    print(
        "output is channels_last:", out.is_contiguous(memory_format=torch.channels_last)
    )
    print(f"max abs difference to NCHW: {(out - reference).abs().max():.1e}")
