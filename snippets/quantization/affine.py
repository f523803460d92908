"""Affine quantization by hand: scale and zero point, asymmetric vs symmetric,
per-tensor vs per-channel.

    real ≈ scale × (q − zero_point)
    q = clamp(round(real / scale) + zero_point, qmin, qmax)
"""

import torch


def qparams_asymmetric(
    lo: float, hi: float, qmin: int = 0, qmax: int = 255
) -> tuple[float, int]:
    """uint8 style: [lo, hi] (widened to contain 0, so that 0.0 is exact) maps onto
    [qmin, qmax]."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / (qmax - qmin)
    zero_point = int(round(qmin - lo / scale))
    return scale, max(qmin, min(qmax, zero_point))


def qparams_symmetric(absmax: float, qmax: int = 127) -> tuple[float, int]:
    """int8 style: [-absmax, absmax] onto [-127, 127], zero point fixed at 0 (cheaper
    integer maths)."""
    return absmax / qmax, 0


def quantize(x: torch.Tensor, scale, zero_point, qmin: int, qmax: int) -> torch.Tensor:
    return torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax).to(torch.int32)


def dequantize(q: torch.Tensor, scale, zero_point) -> torch.Tensor:
    return (q - zero_point) * scale


if __name__ == "__main__":
    x = torch.tensor([-1.0, -0.5, 0.0, 0.3, 2.0])
    scale, zp = qparams_asymmetric(x.min().item(), x.max().item())
    q = quantize(x, scale, zp, 0, 255)
    print(f"asymmetric uint8: scale {scale:.6f} = 3/255, zero point {zp}")
    back = [round(v, 4) for v in dequantize(q, scale, zp).tolist()]
    print(f"  q = {q.tolist()}, back = {back}")
    s_scale, s_zp = qparams_symmetric(x.abs().max().item())
    qs = quantize(x, s_scale, s_zp, -127, 127)
    print(f"symmetric int8:   scale {s_scale:.6f} = 2/127, zero point {s_zp}")
    back = [round(v, 4) for v in dequantize(qs, s_scale, s_zp).tolist()]
    print(f"  q = {qs.tolist()}, back = {back}")
    # PyTorch's own fake-quantize op (quantize then dequantize) gives the same numbers
    same = torch.fake_quantize_per_tensor_affine(x, scale, zp, 0, 255)
    agrees = torch.equal(same, dequantize(q, scale, zp))
    print(f"  torch.fake_quantize_per_tensor_affine agrees: {agrees}")

    # A weight whose rows differ in range by 100x: one scale for the whole tensor wastes
    # the small row
    w = torch.tensor([[0.01, -0.02, 0.015, -0.005], [1.0, -2.0, 1.5, -0.5]])
    tensor_scale, _ = qparams_symmetric(w.abs().max().item())
    row_scales = w.abs().amax(dim=1, keepdim=True) / 127
    for name, scales in (("per-tensor", tensor_scale), ("per-channel", row_scales)):
        back = dequantize(quantize(w, scales, 0, -127, 127), scales, 0)
        error = ((back - w).abs() / w.abs()).amax(dim=1)
        worst = [f"{e:.1%}" for e in error.tolist()]
        print(f"{name:<11}: worst relative error per row {worst}")
