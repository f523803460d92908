"""Mixed-precision chapter: a training step in fp32 and bf16 autocast (with loss curves),
bf16 habits."""

from __future__ import annotations

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record

LOSS_STEPS = 15  # steps of the loss curves drawn on the mixed-precision page


@case("training", "Training step: fp32 vs bf16 autocast")
def case_training(s: Settings) -> list[dict]:
    import torch

    work = snippets.load("intro/workloads")
    step = snippets.load("mixed_precision/train_step")
    out = []
    models = [("mlp", work.TransformerMLP, work.mlp_inputs)]
    if not s.quick:
        models.append(("cnn", work.SmallCNN, work.cnn_inputs))
    for model_name, make, inputs in models:
        x = inputs()
        y = torch.randint(0, 10, (x.shape[0],), generator=torch.Generator().manual_seed(0))
        for bf16 in (False, True):
            curve = None
            if not s.quick:  # loss curve: the same model, data and seed from step 1
                torch.manual_seed(0)
                model = make()
                optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
                curve = [step.train_step(model, optimizer, x, y, bf16) for _ in range(LOSS_STEPS)]
            torch.manual_seed(0)
            model = make()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
            result = measure(
                lambda model=model, optimizer=optimizer, x=x, y=y, bf16=bf16: step.train_step(
                    model, optimizer, x, y, bf16
                ),
                s,
            )
            out.append(
                record(
                    f"{model_name} {'bf16 autocast' if bf16 else 'fp32'}",
                    result,
                    baseline=f"{model_name} fp32",
                    model=model_name,
                    loss_curve=curve,
                )
            )
    return out


@case("bf16_tricks", "bf16 habits: convert once, reductions in fp32")
def case_bf16_tricks(s: Settings) -> list[dict]:
    import torch

    tricks = snippets.load("mixed_precision/bf16_tricks")
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 256, generator=g)
    weights = [torch.randn(256, 256, generator=g) / 16 for _ in range(4)]
    weights_bf16 = [w.to(torch.bfloat16) for w in weights]
    logits, target = torch.randn(64, 8000, generator=g), torch.randint(0, 8000, (64,), generator=g)
    each, once = "4 layers, convert every op", "4 layers, convert once"
    loss16, loss32 = "cross-entropy in bf16", "cross-entropy in fp32"
    with torch.inference_mode():
        return [
            record(
                each,
                measure(lambda: tricks.layer_converting_each_step(x, weights), s),
                baseline=each,
            ),
            record(
                once,
                measure(lambda: tricks.layer_staying_in_bf16(x, weights_bf16), s),
                baseline=each,
            ),
            record(
                loss16, measure(lambda: tricks.loss_in_bf16(logits, target), s), baseline=loss16
            ),
            record(
                loss32, measure(lambda: tricks.loss_in_fp32(logits, target), s), baseline=loss16
            ),
        ]


@case("bf16_ops", "bf16 operators one by one, against fp32", quick=False)
def case_bf16_ops(s: Settings) -> list[dict]:
    """Each operator of snippets/mixed_precision/bf16_ops.py in fp32 and in bf16, on the same
    shapes; a bf16 variant is compared with the fp32 variant of its operator."""
    import torch

    ops = snippets.load("mixed_precision/bf16_ops")
    out = []
    with torch.inference_mode():
        for name in ops.SHAPES:
            for dtype, label in ((torch.float32, "fp32"), (torch.bfloat16, "bf16")):
                inputs = ops.make_inputs(name, dtype, scale=8 if s.quick else 1)
                result = measure(lambda name=name, inputs=inputs: ops.run(name, inputs), s)
                out.append(record(f"{name} {label}", result, baseline=f"{name} fp32"))
    return out
