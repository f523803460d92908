"""This site's techniques applied to the TorchMultimodal classifier: bf16 autocast,
torch.compile and int8 (torchao dynamic quantization of its Linear layers). Each must keep
the model's answers."""

import copy
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from late_fusion import accuracy, make_model, make_pairs, train


def bf16_autocast(model: nn.Module):
    def run(inputs: dict) -> torch.Tensor:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(inputs).float()

    return run


def compiled(model: nn.Module, example: dict) -> nn.Module:
    """torch.compile traces through LateFusion's dict of inputs and its ModuleDict of encoders."""
    import torch._inductor.config as inductor_config

    fast = torch.compile(copy.deepcopy(model))
    with inductor_config.patch(freezing=True), torch.no_grad():
        fast(example)
    return fast


def int8_dynamic(model: nn.Module) -> nn.Module:
    """quantize_ replaces every nn.Linear (the MLP head); convolutions and embeddings stay fp32."""
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
    with torch.no_grad():
        reference = model(test_x)
        for name, run in variants(
            model, {k: v[:64] for k, v in test_x.items()}
        ).items():
            out = run(test_x).float()
            same = (out.argmax(1) == reference.argmax(1)).float().mean().item()
            print(
                f"{name:<23} accuracy {accuracy(run, test_x, test_y):.1%}, same answer as fp32 {same:.1%}"
            )
