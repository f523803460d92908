"""Fold conv+bn in any model with torch.fx: trace the forward into a graph, find every
Conv2d whose only user is a BatchNorm2d, replace the pair by one folded Conv2d. Works
where the modules are not neighbours in an nn.Sequential (here: called one after the
other inside forward)."""

import copy

import torch
from torch import fx, nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


class Block(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv, self.bn = (
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.skip = nn.Conv2d(c_in, c_out, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x))) + self.skip(x)


def fuse_conv_bn(model: nn.Module) -> fx.GraphModule:
    model = copy.deepcopy(model).eval()
    traced = fx.symbolic_trace(model)
    modules = dict(traced.named_modules())
    for node in list(traced.graph.nodes):
        if node.op != "call_module" or not isinstance(
            modules[node.target], nn.BatchNorm2d
        ):
            continue
        source = node.args[0]
        if not (
            isinstance(source, fx.Node)
            and source.op == "call_module"
            and isinstance(modules[source.target], nn.Conv2d)
            and len(source.users) == 1
        ):
            # the conv's output is also used elsewhere: folding would change that use
            continue
        fused = fuse_conv_bn_eval(modules[source.target], modules[node.target])
        parent, _, name = source.target.rpartition(".")
        setattr(traced.get_submodule(parent) if parent else traced, name, fused)
        # the bn node's users now read the folded conv
        node.replace_all_uses_with(source)
        traced.graph.erase_node(node)
    traced.graph.lint()
    traced.delete_all_unused_submodules()
    traced.recompile()
    return traced


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(Block(3, 8), Block(8, 16)).eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1), m.running_var.uniform_(0.5, 2)
    fused = fuse_conv_bn(model)
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        difference = (fused(x) - model(x)).abs().max().item()
    count = lambda m: sum(isinstance(s, nn.BatchNorm2d) for s in m.modules())
    print(f"BatchNorm2d modules: {count(model)} before, {count(fused)} after")
    print(f"max abs difference to the original: {difference:.1e}")
    print("fused graph:")
    print(fused.code.strip())
