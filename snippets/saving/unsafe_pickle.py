"""Why torch.load defaults to weights_only=True: a pickle can run code when it is
loaded.

The "malicious" file below only creates a marker file, but it could run anything.
"""

import dataclasses
import pickle
import tempfile
from pathlib import Path

import torch


class Payload:
    """Unpickling this object calls Path.touch(marker): code chosen by whoever wrote
    the file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def write_malicious_checkpoint(path: Path, marker: Path) -> None:
    torch.save({"model": {"weight": torch.zeros(2)}, "extra": Payload(marker)}, path)


def try_load(path: Path, weights_only: bool) -> str:
    try:
        torch.load(path, weights_only=weights_only)
        return "loaded"
    except pickle.UnpicklingError as exc:
        reason = next(
            (
                line.strip()
                for line in str(exc).splitlines()
                if "Unsupported global" in line
            ),
            str(exc),
        )
        return "refused: " + reason.split(". Please")[0]


@dataclasses.dataclass
class TrainConfig:
    """A harmless class of your own, stored in a checkpoint."""

    lr: float
    epochs: int


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        path, marker = Path(tmp) / "evil.pt", Path(tmp) / "marker"
        write_malicious_checkpoint(path, marker)
        print(
            "weights_only=True :",
            try_load(path, weights_only=True),
            "| code ran:",
            marker.exists(),
        )
        print(
            "weights_only=False:",
            try_load(path, weights_only=False),
            "| code ran:",
            marker.exists(),
        )

        config_path = Path(tmp) / "config.pt"
        torch.save({"config": TrainConfig(lr=0.1, epochs=3)}, config_path)
        print("own class, default :", try_load(config_path, weights_only=True))
        # allow exactly this class, nothing else
        with torch.serialization.safe_globals([TrainConfig]):
            print("own class, allowed :", torch.load(config_path)["config"])
