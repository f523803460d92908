"""Matrix multiplication in fp32, bf16 and int8: the operation AVX-512 and AMX exist
for."""

import torch

DTYPES = ("fp32", "bf16", "int8")


def gemm_operands(n: int, dtype: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Two n x n matrices of the given type, from a fixed seed."""
    g = torch.Generator().manual_seed(0)
    if dtype == "int8":
        return (
            torch.randint(-128, 128, (n, n), dtype=torch.int8, generator=g),
            torch.randint(-128, 128, (n, n), dtype=torch.int8, generator=g),
        )
    torch_dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype]
    return torch.randn(n, n, generator=g).to(torch_dtype), torch.randn(
        n, n, generator=g
    ).to(torch_dtype)


def gemm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b; int8 inputs give an int32 result, as integer GEMM kernels (VNNI, AMX-INT8)
    do."""
    if a.dtype == torch.int8:
        return torch._int_mm(a, b)
    return a @ b


def gemm_ops(n: int) -> int:
    """Operations of an n x n x n GEMM: one multiply and one add per term."""
    return 2 * n**3


if __name__ == "__main__":
    reference = None
    for dtype in DTYPES:
        a, b = gemm_operands(256, dtype)
        c = gemm(a, b)
        if dtype == "fp32":
            reference = c
            print(f"{dtype}: inputs {a.dtype}, result {c.dtype}")
        elif dtype == "bf16":
            error = ((c.float() - reference).norm() / reference.norm()).item()
            print(
                f"{dtype}: inputs {a.dtype}, result {c.dtype}, "
                f"relative error vs fp32 {error:.1e}"
            )
        else:
            exact = torch.equal(c.long(), a.long() @ b.long())
            print(f"{dtype}: inputs {a.dtype}, result {c.dtype}, exact: {exact}")
