"""CPU autocast computes losses in fp32: the dtype each loss returns on bf16 inputs."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)
logits = torch.randn(8, 10).to(torch.bfloat16)  # what a bf16 layer hands to the loss
log_probs = logits.float().log_softmax(-1).to(torch.bfloat16)
target = torch.randint(0, 10, (8,))
LOSSES = {
    "cross_entropy": lambda: F.cross_entropy(logits, target),
    "nll_loss": lambda: F.nll_loss(log_probs, target),
    "mse_loss": lambda: F.mse_loss(logits, torch.zeros_like(logits)),
    "l1_loss": lambda: F.l1_loss(logits, torch.zeros_like(logits)),
}


def loss_dtypes(autocast: bool) -> dict[str, torch.dtype]:
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        return {name: loss().dtype for name, loss in LOSSES.items()}


if __name__ == "__main__":
    inside, outside = loss_dtypes(autocast=True), loss_dtypes(autocast=False)
    print(f"{'bf16 input to':<14} {'inside autocast':<16} outside autocast")
    for name in LOSSES:
        print(f"{name:<14} {str(inside[name]):<16} {outside[name]}")
