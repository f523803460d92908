"""fp32, fp16 and bf16: bit layout, range, precision, and what rounding to each does to
a value."""

import torch

FORMATS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
LAYOUT = {
    "fp32": (1, 8, 23),
    "fp16": (1, 5, 10),
    "bf16": (1, 8, 7),
}  # sign, exponent, mantissa bits


def bits(value: float, fmt: str) -> str:
    """The value rounded to fmt, as 'sign exponent mantissa' bits."""
    sign, exponent, mantissa = LAYOUT[fmt]
    tensor = torch.tensor([value], dtype=FORMATS[fmt])
    raw = tensor.view(torch.int32 if fmt == "fp32" else torch.int16).item() & (
        (1 << (sign + exponent + mantissa)) - 1
    )
    text = format(raw, f"0{sign + exponent + mantissa}b")
    return f"{text[:1]} {text[1 : 1 + exponent]} {text[1 + exponent :]}"


def rounded(value: float, fmt: str) -> float:
    return torch.tensor([value], dtype=FORMATS[fmt]).float().item()


if __name__ == "__main__":
    for fmt, dtype in FORMATS.items():
        info = torch.finfo(dtype)
        s, e, m = LAYOUT[fmt]
        print(
            f"{fmt}: {s}+{e}+{m} bits, max {info.max:.3e}, "
            f"smallest normal {info.tiny:.3e}, eps {info.eps:.1e}"
        )
    print()
    for value in (3.14159265, 1 / 3, 70000.0, 1e-6):
        print(
            f"{value:<12.8g}",
            "  ".join(f"{fmt} {rounded(value, fmt):<11.6g}" for fmt in FORMATS),
        )
    print()
    print("1/3 in bits:")
    for fmt in FORMATS:
        print(f"  {fmt}  {bits(1 / 3, fmt)}")
