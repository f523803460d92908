"""TorchMultimodal's CLIP-style contrastive loss, the same loss written out by hand, and
its trap: it expects L2-normalised embeddings (CLIP's encoders normalise) and does not
normalise them itself."""

import math

import torch
from torch import nn
from torchmultimodal.modules.losses.contrastive_loss_with_temperature import (
    ContrastiveLossWithTemperature,
)


def clip_loss(a: torch.Tensor, b: torch.Tensor, logit_scale: float) -> torch.Tensor:
    """Row i of a belongs with row i of b. Similarities scaled by exp(logit_scale) are
    logits; the loss is the cross entropy of picking the right partner, averaged over
    both directions."""
    logits = math.exp(logit_scale) * a @ b.T
    target = torch.arange(len(a))
    return (
        nn.functional.cross_entropy(logits, target)
        + nn.functional.cross_entropy(logits.T, target)
    ) / 2


if __name__ == "__main__":
    g = torch.Generator().manual_seed(0)
    images = torch.randn(64, 32, generator=g)
    texts = {
        "matching pairs": images
        + 0.8 * torch.randn(64, 32, generator=g),  # the right partners, noisy
        "random pairs": torch.randn(64, 32, generator=g),
    }
    # learnable temperature, initialised to 1/0.07 as in CLIP
    loss_fn = ContrastiveLossWithTemperature()
    scale = loss_fn.logit_scale.item()
    print(
        f"temperature 1/{math.exp(-scale):.2f}, log-scale {scale:.4f} "
        "(an nn.Parameter, trained with the model)"
    )
    unit = lambda t: nn.functional.normalize(t, dim=1)
    with torch.no_grad():
        for name, text in texts.items():
            library, by_hand = (
                loss_fn(unit(images), unit(text)).item(),
                clip_loss(unit(images), unit(text), scale).item(),
            )
            print(f"{name:<14}: library {library:.4f}, by hand {by_hand:.4f}")
        print(f"chance level for 64 pairs: ln(64) = {math.log(64):.4f}")
        raw = loss_fn(images, texts["random pairs"]).item()
        print(f"random pairs, embeddings not normalised: {raw:.1f}")
