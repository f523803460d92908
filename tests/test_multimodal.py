"""snippets/multimodal and the way torchmultimodal-nightly is installed."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from helpers import load_snippet

fusion = load_snippet("multimodal/late_fusion")
techniques = load_snippet("multimodal/techniques")
contrastive = load_snippet("multimodal/contrastive")
what_imports = load_snippet("multimodal/what_imports")


def test_pip_check_reports_exactly_the_two_documented_conflicts():
    """docs/torchmultimodal.*.md: installed with --no-deps, its DALL-E and attrs pins stay unmet,
    nothing else."""
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    lines = sorted(line for line in done.stdout.splitlines() if line.strip())
    assert len(lines) == 2, lines
    assert lines[0].startswith("torchmultimodal-nightly 2024.4.1 has requirement attrs==23.1.0")
    assert lines[1].lower().startswith("torchmultimodal-nightly 2024.4.1 requires dall-e")


def test_what_imports_and_what_needs_torchvision():
    ok, failed = what_imports.import_every_module()
    for name in (
        "models.late_fusion",
        "models.two_tower",
        "modules.fusions.concat_fusion",
        "modules.encoders.embedding_encoder",
        "modules.losses.contrastive_loss_with_temperature",
    ):
        assert f"torchmultimodal.{name}" in ok
    assert "torchmultimodal.models.clip.model" in failed
    assert set(failed.values()) <= {"torchvision", "torchaudio"}, failed


def test_contrastive_loss_matches_the_hand_written_one_on_normalised_embeddings():
    g = torch.Generator().manual_seed(0)
    a = torch.nn.functional.normalize(torch.randn(16, 8, generator=g), dim=1)
    b = torch.nn.functional.normalize(a + 0.5 * torch.randn(16, 8, generator=g), dim=1)
    loss_fn = contrastive.ContrastiveLossWithTemperature()
    with torch.no_grad():
        library = loss_fn(a, b)
        assert torch.allclose(
            library, contrastive.clip_loss(a, b, loss_fn.logit_scale.item()), atol=1e-5
        )
        shuffled = b[torch.randperm(16, generator=g)]
        assert loss_fn(a, shuffled) > library, "wrong pairs must cost more than right ones"


@pytest.fixture(scope="module")
def trained():
    torch.manual_seed(0)
    train_x, train_y = fusion.make_pairs(8192)
    test_x, test_y = fusion.make_pairs(2048, seed=1)
    return fusion.train(fusion.make_model(), train_x, train_y), test_x, test_y


def test_late_fusion_model_learns_and_needs_both_modalities(trained):
    model, test_x, test_y = trained
    assert fusion.accuracy(model, test_x, test_y) > 0.9
    order = torch.randperm(len(test_y), generator=torch.Generator().manual_seed(2))
    for name, ceiling in (("image", 0.3), ("text", 0.6)):  # text alone carries 1/5, the image 1/2
        broken = dict(test_x, **{name: test_x[name][order]})
        assert fusion.accuracy(model, broken, test_y) < ceiling, name


def test_every_technique_keeps_the_answers(trained):
    model, test_x, test_y = trained
    base = fusion.accuracy(model, test_x, test_y)
    runs = techniques.variants(model, {k: v[:64] for k, v in test_x.items()})
    assert set(runs) == {
        "fp32 eager",
        "bf16 autocast",
        "compiled + freezing",
        "int8 dynamic (torchao)",
    }
    for name, run in runs.items():
        assert abs(fusion.accuracy(run, test_x, test_y) - base) < 0.01, name
    steps = techniques.generated_steps(runs["compiled + freezing"].generated_code)
    assert steps.count("torch.ops.mkldnn._convolution_pointwise + relu") == 2, steps
    assert steps.count("torch.ops.mkl._mkl_linear") == 2, steps
    quantized = runs["int8 dynamic (torchao)"]
    assert model.head_module.model[0].weight.dtype == torch.float32, (
        "the original model must not change"
    )
    weight = quantized.head_module.model[0].weight
    assert "int8" in repr(weight).lower() or "Int8" in type(weight).__name__
