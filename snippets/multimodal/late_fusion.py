# --8<-- [start:setup]
"""A small image + text classifier built from TorchMultimodal's modules: LateFusion,
ConcatFusionModule, EmbeddingEncoder and MLP. The data is generated so that neither
modality alone is enough: the image carries half of the label, the text the other half.
"""

import torch
from torch import nn
from torchmultimodal.models.late_fusion import LateFusion
from torchmultimodal.modules.encoders.embedding_encoder import EmbeddingEncoder
from torchmultimodal.modules.fusions.concat_fusion import ConcatFusionModule
from torchmultimodal.modules.layers.mlp import MLP

CLASSES, VOCAB, WORDS, SIZE = 10, 200, 12, 16


def make_pairs(n: int, seed: int = 0) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Label c: the image shows pattern c % 5 under noise; the text draws half its words
    from the 20-word topic c // 5, the other half at random."""
    g = torch.Generator().manual_seed(seed)
    patterns = torch.randn(
        5, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(1234)
    )
    labels = torch.randint(0, CLASSES, (n,), generator=g)
    images = patterns[labels % 5] + 1.5 * torch.randn(n, 3, SIZE, SIZE, generator=g)
    topic_words = (labels // 5).unsqueeze(1) * 20 + torch.randint(
        0, 20, (n, WORDS // 2), generator=g
    )
    noise_words = torch.randint(40, VOCAB, (n, WORDS - WORDS // 2), generator=g)
    text = torch.cat([topic_words, noise_words], dim=1)
    return {"image": images, "text": text}, labels


# --8<-- [end:setup]


# --8<-- [start:model]
def image_encoder(dim: int = 32) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, dim, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


def text_encoder(dim: int = 32) -> nn.Module:
    return EmbeddingEncoder(nn.Embedding(VOCAB, dim), pooling_type="mean")


def make_model(dim: int = 32) -> LateFusion:
    """Each modality has its own encoder; ConcatFusionModule concatenates the embeddings
    (sorted by key); an MLP head classifies the fused vector."""
    encoders = nn.ModuleDict({"image": image_encoder(dim), "text": text_encoder(dim)})
    return LateFusion(
        encoders,
        ConcatFusionModule(),
        MLP(2 * dim, CLASSES, hidden_dims=[64], dropout=0.0),
    )


def train(
    model: nn.Module,
    inputs: dict,
    labels: torch.Tensor,
    steps: int = 300,
    batch: int = 128,
) -> nn.Module:
    g = torch.Generator().manual_seed(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        idx = torch.randint(0, len(labels), (batch,), generator=g)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(
            model({k: v[idx] for k, v in inputs.items()}), labels[idx]
        )
        loss.backward()
        optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(run, inputs: dict, labels: torch.Tensor) -> float:
    return (run(inputs).argmax(1) == labels).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    train_x, train_y = make_pairs(8192)
    test_x, test_y = make_pairs(2048, seed=1)
    model = train(make_model(), train_x, train_y)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
    print(f"test accuracy: {accuracy(model, test_x, test_y):.1%}")
    shuffled = torch.randperm(len(test_y), generator=torch.Generator().manual_seed(2))
    # break one modality: the model must have learned to use both
    for name in ("image", "text"):
        broken = dict(test_x, **{name: test_x[name][shuffled]})
        print(f"with the {name}s shuffled: {accuracy(model, broken, test_y):.1%}")
# --8<-- [end:model]
