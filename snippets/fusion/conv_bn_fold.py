"""Fold a BatchNorm into the convolution before it (inference only), by hand and with
PyTorch's helper."""

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


def fold_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """bn(conv(x)) = gamma * (W*x + b - mean) / sqrt(var + eps) + beta
    = (gamma / std) W * x + (gamma / std) (b - mean) + beta"""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    folded = nn.Conv2d(
        conv.in_channels,
        conv.out_channels,
        conv.kernel_size,
        conv.stride,
        conv.padding,
        conv.dilation,
        conv.groups,
        bias=True,
    )
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        folded.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
    return folded


def fold_all(model: nn.Module) -> nn.Module:
    """Fold every Conv2d directly followed by a BatchNorm2d inside nn.Sequential
    containers."""
    for module in model.modules():
        if isinstance(module, nn.Sequential):
            for i in range(len(module) - 1):
                if isinstance(module[i], nn.Conv2d) and isinstance(
                    module[i + 1], nn.BatchNorm2d
                ):
                    module[i] = fuse_conv_bn_eval(module[i], module[i + 1])
                    module[i + 1] = nn.Identity()
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
    with torch.no_grad():  # give the BatchNorm non-trivial statistics
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.uniform_(0.5, 2)
    conv.eval(), bn.eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        reference = bn(conv(x))
        by_hand = fold_conv_bn(conv, bn)(x)
        helper = fuse_conv_bn_eval(conv, bn)(x)
    print(f"by hand: max abs difference {(by_hand - reference).abs().max():.1e}")
    print(
        f"fuse_conv_bn_eval: max abs difference {(helper - reference).abs().max():.1e}"
    )
