"""bf16 operators on a CPU: what ATen computes in fp32 inside, and which ops mix dtypes.

ATen's own bf16 kernels load bf16, widen it to fp32 (a 16-bit shift), compute and
accumulate in fp32, and round once when they store the result. So a bf16 op lands
within one bf16 step of the same op computed in fp32 and rounded at the end. The
normalisation layers also take a bf16 input with fp32 weight and bias as they are.
"""

import torch
import torch.nn.functional as F

# Input shapes of the operators (the benchmark times each in fp32 and in bf16);
# `scale` divides the batch for a quick run.
SHAPES = {
    "linear": [(128, 512), (512, 512)],  # input, weight
    "conv2d": [(4, 32, 28, 28), (32, 32, 3, 3)],  # input, 3x3 weight
    "layer_norm": [(1024, 1024)],
    "softmax": [(1024, 1024)],
    "sum": [(1024, 1024)],
    "gelu": [(1024, 1024)],
}


def make_inputs(name: str, dtype: torch.dtype, scale: int = 1) -> list[torch.Tensor]:
    """Random inputs for the operator `name` (fixed seed), in `dtype`."""
    g = torch.Generator().manual_seed(0)
    shapes = [(max(1, s[0] // scale), *s[1:]) for s in SHAPES[name][:1]]
    shapes += SHAPES[name][1:]  # weights keep their shape
    return [(torch.randn(s, generator=g) / 4).to(dtype) for s in shapes]


def run(name: str, inputs: list[torch.Tensor]) -> torch.Tensor:
    """One call of the operator `name`."""
    x = inputs[0]
    if name == "linear":
        return F.linear(x, inputs[1])
    if name == "conv2d":
        return F.conv2d(x, inputs[1], padding=1)
    if name == "layer_norm":
        return F.layer_norm(x, x.shape[-1:])
    if name == "softmax":
        return torch.softmax(x, dim=-1)
    if name == "sum":
        return x.sum(dim=-1)
    return F.gelu(x)


def relative_error(result: torch.Tensor, exact: torch.Tensor) -> float:
    return ((result.double() - exact).norm() / exact.norm()).item()


def errors(name: str) -> tuple[float, float]:
    """Relative error against float64 of (the bf16 op, the fp32 op rounded to bf16
    once at the end), on the very same bf16 input values."""
    bf16 = make_inputs(name, torch.bfloat16, scale=4)
    exact = run(name, [t.double() for t in bf16])
    rounded_once = run(name, [t.float() for t in bf16]).to(torch.bfloat16)
    return relative_error(run(name, bf16), exact), relative_error(rounded_once, exact)


def running_sum_in_bf16(x: torch.Tensor) -> torch.Tensor:
    """A hand-written running sum kept in bf16: rounded after every addition."""
    total = torch.zeros((), dtype=torch.bfloat16)
    for value in x:
        total = total + value
    return total


def mixed_dtypes() -> dict[str, str]:
    """Operator -> output dtype (or the error) for a bf16 input with fp32 parameters."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 64, 4, 4, generator=g).to(torch.bfloat16)
    weight, bias = torch.ones(64), torch.zeros(64)  # fp32, as a model keeps them
    mean, var = torch.zeros(64), torch.ones(64)
    calls = {
        "layer_norm": lambda: F.layer_norm(x, (4,), weight[:4], bias[:4]),
        "batch_norm": lambda: F.batch_norm(x, mean, var, weight, bias),
        "group_norm": lambda: F.group_norm(x, 8, weight, bias),
        "linear": lambda: F.linear(x.flatten(1), torch.ones(10, 1024)),
    }
    out = {}
    for name, call in calls.items():
        try:
            out[name] = str(call().dtype)
        except RuntimeError as exc:  # linear wants its weight in the input's dtype
            out[name] = f"{type(exc).__name__} (the weight must be bf16 too)"
    return out


if __name__ == "__main__":
    print(f"{'relative error vs float64':<30}bf16 op   fp32 op, rounded once to bf16")
    for name in SHAPES:
        in_bf16, rounded_once = errors(name)
        print(f"  {name:<28}{in_bf16:.1e}   {rounded_once:.1e}")
    x = make_inputs("sum", torch.bfloat16)[0][0].abs()  # 1024 values
    running = relative_error(running_sum_in_bf16(x), x.double().sum())
    print(f"  {'sum, running total in bf16':<28}{running:.1e}")
    print("bf16 input, fp32 weight and bias:")
    for name, result in mixed_dtypes().items():
        print(f"  {name:<11} -> {result}")
