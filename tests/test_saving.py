"""snippets/saving: what a state_dict holds and how it loads."""

from __future__ import annotations

import pickle

import pytest
import torch

from helpers import load_snippet

keys = load_snippet("saving/state_dict_keys")


def test_state_dict_names_follow_resnet(tmp_path):
    torch.manual_seed(0)
    model = keys.TinyResNet()
    state = keys.save_and_load(model, tmp_path / "m.pth")
    names = list(state)
    assert names[:6] == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                         "bn1.num_batches_tracked"]
    assert "layer1.0.conv1.weight" in names and "layer1.0.downsample.0.weight" in names
    assert state["layer1.0.conv1.weight"].shape == (64, 64, 1, 1)
    for name, tensor in model.state_dict().items():
        assert torch.equal(state[name], tensor), name


def test_loaded_state_dict_restores_the_same_outputs(tmp_path):
    torch.manual_seed(0)
    model = keys.TinyResNet().eval()
    state = keys.save_and_load(model, tmp_path / "m.pth")
    fresh = keys.TinyResNet().eval()
    fresh.load_state_dict(state)
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(model(x), fresh(x))


def test_pickled_whole_model_is_refused_by_default(tmp_path):
    """torch.save(model) pickles the object; torch.load's default weights_only=True refuses it."""
    path = tmp_path / "whole.pth"
    torch.save(keys.TinyResNet(), path)
    with pytest.raises(pickle.UnpicklingError, match="weights_only"):
        torch.load(path)
    assert isinstance(torch.load(path, weights_only=False), keys.TinyResNet)
