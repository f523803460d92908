"""Mixed-precision and TensorRT chapters on a GPU (`make bench ARGS=--gpu`): a GEMM ladder by
dtype, a training step in fp32 / TF32 / bf16 / fp16 + GradScaler with loss curves, and inference in
eager mode, torch.compile and CUDA graphs, each beside the same model on the host CPU."""

from __future__ import annotations

from functools import partial

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record

# Sizes at which the GPU is not launch-bound in training (about 1.6 TFLOP per step), and a
# latency-bound inference batch where launch overheads show.
DIM, HIDDEN, TRAIN_BATCH, INFER_BATCH = 2048, 8192, 4096, 64
LOSS_STEPS = 15


def tf32(enabled: bool) -> str:
    """Switch TF32 for fp32 matmuls with the installed torch's API; return the call used."""
    import torch

    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32" if enabled else "ieee"
        return f'torch.backends.cuda.matmul.fp32_precision = "{"tf32" if enabled else "ieee"}"'
    matmul.allow_tf32 = enabled
    return f"torch.backends.cuda.matmul.allow_tf32 = {enabled}"


@case("gpu_gemm", "GPU GEMM by dtype: fp32, TF32, bf16, fp16, fp8", gpu=True)
def case_gpu_gemm(s: Settings) -> list[dict]:
    import torch

    out = []
    cap = torch.cuda.get_device_capability()
    for n in (4096, 8192):
        g = torch.Generator(device="cuda").manual_seed(0)
        a32 = torch.randn(n, n, device="cuda", generator=g)
        b32 = torch.randn(n, n, device="cuda", generator=g)
        for dtype in ("fp32", "tf32", "bf16", "fp16", "fp8"):
            if dtype == "fp8" and cap < (8, 9):
                reason = f"fp8 matmul needs compute capability 8.9 or newer, this GPU is {cap}"
                out.append(record(dtype, {"skipped": reason}, n=n))
                continue
            api = tf32(dtype == "tf32")
            if dtype in ("fp32", "tf32"):
                a, b, fn = a32, b32, None
            elif dtype == "fp8":
                a = a32.to(torch.float8_e4m3fn)
                b = (
                    b32.to(torch.float8_e4m3fn).t().contiguous().t()
                )  # column-major, as _scaled_mm needs
                one = torch.ones((), device="cuda")
                fn = lambda a=a, b=b, one=one: torch._scaled_mm(
                    a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16
                )
            else:
                dt = {"bf16": torch.bfloat16, "fp16": torch.float16}[dtype]
                a, b, fn = a32.to(dt), b32.to(dt), None
            result = measure(fn or (lambda a=a, b=b: a @ b), s)
            if "median_s" in result:
                result["ops_per_s"] = 2 * n**3 / result["median_s"]
            out.append(record(dtype, result, n=n, api=api if dtype in ("fp32", "tf32") else None))
        tf32(False)
    return out


def _train_setup(device: str):
    import torch

    work = snippets.load("intro/workloads")
    torch.manual_seed(0)
    model = work.TransformerMLP(dim=DIM, hidden=HIDDEN).to(device)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(TRAIN_BATCH, DIM, generator=g).to(device)
    y = torch.randint(0, 10, (TRAIN_BATCH,), generator=g).to(device)
    return model, torch.optim.SGD(model.parameters(), lr=0.01), x, y


def _step(model, optimizer, x, y, device: str, dtype, scaler) -> float:
    import torch

    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
        loss = torch.nn.functional.cross_entropy(model(x), y)
    if scaler is not None:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    else:
        loss.backward()
        optimizer.step()
    return loss.detach()


@case(
    "gpu_training",
    "Training step on the GPU: fp32, TF32, bf16, fp16 + GradScaler; and on the host CPU",
    gpu=True,
    baseline="GPU fp32",
)
def case_gpu_training(s: Settings) -> list[dict]:
    import torch

    out = []
    variants = [
        ("GPU fp32", "cuda", None, False, False),
        ("GPU TF32", "cuda", None, False, True),
        ("GPU bf16 autocast", "cuda", torch.bfloat16, False, False),
        ("GPU fp16 autocast + GradScaler", "cuda", torch.float16, True, False),
        ("host CPU fp32", "cpu", None, False, False),
        ("host CPU bf16 autocast", "cpu", torch.bfloat16, False, False),
    ]
    for name, device, dtype, scaled, use_tf32 in variants:
        api = tf32(use_tf32)
        curves = []
        for phase in ("curve", "timing"):  # the same model, data and seed from step 1 in both
            model, optimizer, x, y = _train_setup(device)
            scaler = torch.amp.GradScaler(device) if scaled else None
            if phase == "curve":
                curves = [
                    float(_step(model, optimizer, x, y, device, dtype, scaler))
                    for _ in range(LOSS_STEPS)
                ]
            else:
                step = partial(_step, model, optimizer, x, y, device, dtype, scaler)
                result = measure(step, s)
        tf32(False)
        out.append(
            record(
                name,
                result,
                loss_curve=curves,
                device=device,
                tf32_api=api if use_tf32 else None,
                batch=TRAIN_BATCH,
                dim=DIM,
                hidden=HIDDEN,
            )
        )
    return out


@case(
    "gpu_inference",
    "Inference on the GPU: eager, torch.compile, max-autotune, CUDA graphs; and on the host CPU",
    gpu=True,
    baseline="GPU fp32 eager",
)
def case_gpu_inference(s: Settings) -> list[dict]:
    import time

    import torch
    import torch._dynamo

    work = snippets.load("intro/workloads")
    out = []
    for dtype_name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        for device in ("cuda", "cpu"):
            torch.manual_seed(0)
            model = work.TransformerMLP(dim=DIM, hidden=HIDDEN).eval().to(device, dtype)
            x = torch.randn(INFER_BATCH, DIM, generator=torch.Generator().manual_seed(0)).to(
                device, dtype
            )
            modes = [("eager", None)] + (
                [
                    ("torch.compile", "default"),
                    ("max-autotune", "max-autotune"),
                    ("CUDA graphs (reduce-overhead)", "reduce-overhead"),
                ]
                if device == "cuda"
                else []
            )
            for label, mode in modes:
                torch._dynamo.reset()
                start = time.perf_counter()
                fn = model if mode is None else torch.compile(model, mode=mode)
                with torch.inference_mode():
                    fn(x)
                    fn(x)  # reduce-overhead records its graph on a later call
                build_s = time.perf_counter() - start
                with torch.inference_mode():
                    result = measure(lambda fn=fn, x=x: fn(x), s)
                prefix = "GPU" if device == "cuda" else "host CPU"
                out.append(
                    record(
                        f"{prefix} {dtype_name} {label}",
                        result,
                        build_s=build_s,
                        batch=INFER_BATCH,
                        device=device,
                    )
                )
    return out
