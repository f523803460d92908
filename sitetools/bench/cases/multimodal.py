"""TorchMultimodal chapter: a late-fusion classifier in fp32, bf16, compiled and int8."""

from __future__ import annotations

from sitetools import snippets
from sitetools.bench.cases.quantization import classifier_record
from sitetools.bench.measure import Settings, case, record


@case(
    "multimodal",
    "TorchMultimodal late-fusion classifier: fp32, bf16, compiled, int8",
    quick=False,
    baseline="fp32 eager",
)
def case_multimodal(s: Settings) -> list[dict]:
    import torch
    import torch._dynamo

    try:
        fusion, techniques = (
            snippets.load("multimodal/late_fusion"),
            snippets.load("multimodal/techniques"),
        )
    except ImportError as exc:  # torchmultimodal is installed by make (requirements-nodeps.txt)
        return [record("all", {"skipped": f"torchmultimodal does not import: {exc}"})]
    torch.manual_seed(0)
    train_x, train_y = fusion.make_pairs(8192)
    test_x, test_y = fusion.make_pairs(2048, seed=1)
    model = fusion.train(fusion.make_model(), train_x, train_y)
    torch._dynamo.reset()
    with torch.no_grad():
        reference = model(test_x)
        batch = {k: v[:64] for k, v in test_x.items()}
        return [
            classifier_record(variant, run, test_x, test_y, reference, fusion.accuracy, s)
            for variant, run in techniques.variants(model, batch).items()
        ]
