# --8<-- [start:setup]
"""Train a small classifier, quantize it every current CPU way, compare accuracy.

Paths: torchao weight-only and dynamic int8 (eager), PT2E static int8 and PT2E QAT
(compiled with freezing), ONNX Runtime quantize_dynamic and quantize_static (QDQ).
The task and its training loop are the site's toy task from the introduction
(snippets/intro/toy_task.py), repeated here so that this file runs on its own.
"""

import copy
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

# ---- the toy task (as in snippets/intro/toy_task.py) -------------------------------

FEATURES, CLASSES = 64, 10


def make_task(
    samples: int = 12288, noise: float = 1.75, seed: int = 0
) -> tuple[torch.Tensor, ...]:
    """x_train, y_train, x_test, y_test (a 5:1 split)."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(CLASSES * 4, FEATURES, generator=g)
    cluster = torch.randint(0, len(centers), (samples,), generator=g)
    x = centers[cluster] + noise * torch.randn(samples, FEATURES, generator=g)
    y = cluster % CLASSES
    split = samples * 5 // 6
    return x[:split], y[:split], x[split:], y[split:]


def make_classifier(hidden: int = 512) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(FEATURES, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, CLASSES),
    )


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 8,
    lr: float = 2e-3,
) -> nn.Module:
    """Adam, batches of 256, a fixed shuffling seed: the same weights on every run of
    one machine."""
    g = torch.Generator().manual_seed(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=g).split(256):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(run, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of x that run (a model, or any function returning logits) classifies
    correctly."""
    return (run(x).argmax(1) == y).float().mean().item()


# ---- export and run helpers ---------------------------------------------------------


def _export(model: nn.Module, example: torch.Tensor):
    """torch.export with a dynamic batch dimension (otherwise the graph only accepts
    example's batch size)."""
    return torch.export.export(
        model, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()


def _compile_frozen(model: nn.Module, example: torch.Tensor):
    """torch.compile with freezing. A new batch size compiles the graph again, so every
    call runs under the freezing patch: a compilation outside it would not fuse the
    int8 pattern."""
    import torch._inductor.config as inductor_config

    compiled = torch.compile(model)

    def run(x: torch.Tensor) -> torch.Tensor:
        with inductor_config.patch(freezing=True), torch.no_grad():
            return compiled(x)

    run(example)
    return run


def export_onnx(model: nn.Module, example: torch.Tensor, path: Path) -> Path:
    batch = torch.export.Dim("batch", min=1, max=4096)
    torch.onnx.export(
        model.eval(),
        (example,),
        dynamo=True,
        verbose=False,
        input_names=["x"],
        dynamic_shapes=({0: batch},),
    ).save(str(path))
    return path


def ort_runner(path: Path):
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return lambda x: torch.from_numpy(session.run(None, {"x": x.numpy()})[0])


# --8<-- [end:setup]
# --8<-- [start:paths]
# ---- the quantization paths ---------------------------------------------------------


def torchao_int8(model: nn.Module, weight_only: bool) -> nn.Module:
    from torchao.quantization import (
        Int8DynamicActivationInt8WeightConfig,
        Int8WeightOnlyConfig,
        quantize_,
    )

    model = copy.deepcopy(model)
    quantize_(
        model,
        Int8WeightOnlyConfig()
        if weight_only
        else Int8DynamicActivationInt8WeightConfig(),
    )
    return model


def _x86_quantizer(qat: bool):
    from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
        X86InductorQuantizer,
        get_default_x86_inductor_quantization_config,
    )

    return X86InductorQuantizer().set_global(
        get_default_x86_inductor_quantization_config(is_qat=qat)
    )


def pt2e_static(model: nn.Module, calibration: torch.Tensor) -> nn.Module:
    """Post-training static: observers record activation ranges on calibration data,
    then fixed scales."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    exported = _export(copy.deepcopy(model).eval(), calibration[:8])
    prepared = prepare_pt2e(exported, _x86_quantizer(qat=False))
    with torch.no_grad():
        for batch in calibration.split(256):
            prepared(batch)
    return _compile_frozen(convert_pt2e(prepared), calibration[:8])


def pt2e_qat(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int = 1
) -> nn.Module:
    """Quantization-aware training: fine-tune with fake quantization in the graph, so
    the weights adapt to the rounding, then convert exactly as in the static path."""
    from torchao.quantization.pt2e import move_exported_model_to_eval
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_qat_pt2e

    exported = _export(copy.deepcopy(model).train(), x[:8])
    prepared = prepare_qat_pt2e(exported, _x86_quantizer(qat=True))
    g, optimizer = (
        torch.Generator().manual_seed(2),
        torch.optim.Adam(prepared.parameters(), lr=2e-4),
    )
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=g).split(256):
            optimizer.zero_grad()
            nn.functional.cross_entropy(prepared(x[batch]), y[batch]).backward()
            optimizer.step()
    # an exported graph ignores .eval(); this switches its ops
    move_exported_model_to_eval(prepared)
    return _compile_frozen(convert_pt2e(prepared), x[:8])


def ort_quantized(fp32_path: Path, calibration: torch.Tensor | None) -> Path:
    """quantize_dynamic without calibration data; quantize_static (QDQ format) with it.
    quant_pre_process (shape inference and graph cleanup) first, as ONNX Runtime
    recommends."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quant_pre_process,
        quantize_dynamic,
        quantize_static,
    )

    prepared = fp32_path.with_name("prepared.onnx")
    quant_pre_process(str(fp32_path), str(prepared))
    if calibration is None:
        out = fp32_path.with_name("int8_dynamic.onnx")
        quantize_dynamic(str(prepared), str(out), weight_type=QuantType.QInt8)
        return out

    class Batches(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": b.numpy()} for b in calibration.split(256)])

        def get_next(self):
            return next(self.batches, None)

    out = fp32_path.with_name("int8_static.onnx")
    quantize_static(
        str(prepared),
        str(out),
        Batches(),
        quant_format=QuantFormat.QDQ,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        per_channel=True,
    )
    return out


def all_paths(
    model: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, folder: Path
) -> dict:
    """name -> callable taking a float32 batch and returning logits."""
    calibration = x_train[:1024]
    fp32_onnx = export_onnx(model, x_train[:8], folder / "fp32.onnx")

    def bf16_autocast(x):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(x).float()

    return {
        "fp32": model,
        "bf16 autocast": bf16_autocast,
        "int8 weight-only (torchao)": torchao_int8(model, weight_only=True),
        "int8 dynamic (torchao)": torchao_int8(model, weight_only=False),
        "int8 static (PT2E)": pt2e_static(model, calibration),
        "int8 QAT (PT2E)": pt2e_qat(model, x_train, y_train),
        "ONNX Runtime fp32": ort_runner(fp32_onnx),
        "int8 dynamic (ONNX Runtime)": ort_runner(ort_quantized(fp32_onnx, None)),
        "int8 static (ONNX Runtime)": ort_runner(ort_quantized(fp32_onnx, calibration)),
    }


if __name__ == "__main__":
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = make_task()
    model = train(make_classifier(), x_train, y_train)
    with tempfile.TemporaryDirectory() as tmp:
        paths = all_paths(model, x_train, y_train, Path(tmp))
        with torch.no_grad():
            reference = model(x_test)
        for name, run in paths.items():
            with torch.no_grad():
                out = run(x_test).float()
            agree = (out.argmax(1) == reference.argmax(1)).float().mean().item()
            error = np.abs((out - reference).numpy()).max()
            print(
                f"{name:<28} accuracy {accuracy(run, x_test, y_test):.1%}, "
                f"same answer as fp32 {agree:.1%}, max |logit error| {error:.3f}"
            )
# --8<-- [end:paths]
