"""Which of TorchMultimodal's modules import beside this CPU build of torch (no
torchvision, no torchaudio)."""

import importlib
import logging
import pkgutil
from collections import Counter

import torchmultimodal


def import_every_module() -> tuple[list[str], dict[str, str]]:
    ok, failed = [], {}
    for info in pkgutil.walk_packages(torchmultimodal.__path__, "torchmultimodal."):
        try:
            importlib.import_module(info.name)
            ok.append(info.name)
        except ImportError as exc:
            failed[info.name] = exc.name or str(exc)  # the missing package
    return ok, failed


if __name__ == "__main__":
    # torch.onnx logs that torchvision is absent; it is, by design here
    logging.disable(logging.WARNING)
    ok, failed = import_every_module()
    print(f"{len(ok)} modules import, {len(failed)} do not")
    for missing, count in Counter(failed.values()).most_common():
        print(f"  missing {missing}: {count} modules")
    for name in (
        "models.late_fusion",
        "models.two_tower",
        "modules.fusions.concat_fusion",
        "modules.losses.contrastive_loss_with_temperature",
        "models.clip.model",
        "models.flava.model",
    ):
        result = "imports" if "torchmultimodal." + name in ok else "fails"
        print(f"  torchmultimodal.{name}: {result}")
