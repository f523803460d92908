# --8<-- [start:setup]
"""This site's techniques applied to the TorchMultimodal classifier: bf16 autocast,
torch.compile and int8 (torchao dynamic quantization of its Linear layers). Each must
keep the model's answers. The classifier and its data are those of
snippets/multimodal/late_fusion.py, repeated here so that this file runs on its own."""

import copy
import re

import torch
from torch import nn
from torchmultimodal.models.late_fusion import LateFusion
from torchmultimodal.modules.encoders.embedding_encoder import EmbeddingEncoder
from torchmultimodal.modules.fusions.concat_fusion import ConcatFusionModule
from torchmultimodal.modules.layers.mlp import MLP

# ---- the classifier and its data (as in late_fusion.py) ----------------------------

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


# --8<-- [end:setup]
# --8<-- [start:techniques]
def bf16_autocast(model: nn.Module):
    def run(inputs: dict) -> torch.Tensor:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(inputs).float()

    return run


def compiled(model: nn.Module, example: dict):
    """torch.compile traces through LateFusion's dict of inputs and its ModuleDict of
    encoders. A new batch size compiles again, so every call runs under the freezing
    patch: a compilation outside it would not freeze the weights. The code Inductor
    generated for `example` is kept as run.generated_code."""
    import torch._inductor.config as inductor_config
    from torch._inductor.utils import run_and_get_code

    fast = torch.compile(copy.deepcopy(model))

    def run(inputs: dict) -> torch.Tensor:
        with inductor_config.patch(freezing=True), torch.no_grad():
            return fast(inputs)

    _, code = run_and_get_code(run, example)
    run.generated_code = "\n".join(code)
    return run


def generated_steps(code: str) -> list[str]:
    """The steps of the generated call() in order: library calls (with the post-op
    fused into a oneDNN convolution) and Inductor's own fused C++ kernels."""
    steps = []
    body = code[code.index("def call(") :]
    for line in body.splitlines():
        library = re.search(r"= (torch\.ops\.\w+\.\w+)\.default\((.*)", line)
        kernel = re.match(r"\s*(cpp_fused_\w+)\(", line)
        if library:
            post_op = re.search(r"'(\w+)'", library[2])  # _convolution_pointwise's attr
            fused = f" + {post_op[1]}" if post_op and post_op[1] != "none" else ""
            steps.append(library[1] + fused)
        elif kernel:
            steps.append(kernel[1])
    return steps


def int8_dynamic(model: nn.Module) -> nn.Module:
    """quantize_ replaces every nn.Linear (the MLP head); convolutions and embeddings
    stay fp32."""
    from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

    model = copy.deepcopy(model)
    quantize_(model, Int8DynamicActivationInt8WeightConfig())
    return model


def variants(model: nn.Module, example: dict) -> dict:
    return {
        "fp32 eager": model,
        "bf16 autocast": bf16_autocast(model),
        "compiled + freezing": compiled(model, example),
        "int8 dynamic (torchao)": int8_dynamic(model),
    }


if __name__ == "__main__":
    torch.manual_seed(0)
    train_x, train_y = make_pairs(8192)
    test_x, test_y = make_pairs(2048, seed=1)
    model = train(make_model(), train_x, train_y)
    example = {k: v[:64] for k, v in test_x.items()}
    runs = variants(model, example)
    with torch.no_grad():
        reference = model(test_x)
        for name, run in runs.items():
            out = run(test_x).float()
            same = (out.argmax(1) == reference.argmax(1)).float().mean().item()
            print(
                f"{name:<23} accuracy {accuracy(run, test_x, test_y):.1%}, "
                f"same answer as fp32 {same:.1%}"
            )
    print("compiled + freezing, the steps of the code Inductor generated:")
    for step in generated_steps(runs["compiled + freezing"].generated_code):
        print(f"  {step}")
# --8<-- [end:techniques]
