"""snippets/saving: state_dict, whole-model pickles, ONNX export, loading large files."""

from __future__ import annotations

import pickle

import numpy as np
import onnx
import pytest
import torch
from torch import nn

from helpers import load_snippet

keys = load_snippet("saving/state_dict_keys")
onnx_export = load_snippet("saving/onnx_export")
load_speed = load_snippet("saving/load_speed")


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


def test_onnx_export_has_a_dynamic_batch_and_matches_pytorch(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 3)).eval()
    proto = onnx_export.export_onnx(model, torch.randn(4, 16), tmp_path / "m.onnx")
    described = onnx_export.describe(proto)
    assert described[0].startswith("opset ") and "input  x ['batch', 16]" in described
    session = onnx_export.ort_session(tmp_path / "m.onnx", threads=1)
    x = torch.randn(7, 16)
    (out,) = session.run(None, {"x": x.numpy()})
    with torch.no_grad():
        assert np.allclose(out, model(x).numpy(), atol=1e-5)


def test_onnx_runtime_rejects_a_wrong_input_shape(tmp_path):
    model = nn.Linear(16, 3).eval()
    onnx_export.export_onnx(model, torch.randn(2, 16), tmp_path / "m.onnx")
    session = onnx_export.ort_session(tmp_path / "m.onnx", threads=1)
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        session.run(None, {"x": np.zeros((2, 15), dtype=np.float32)})
    with pytest.raises(Exception, match="(?i)type"):
        session.run(None, {"x": np.zeros((2, 16), dtype=np.float64)})


def test_all_three_loaders_give_identical_tensors(tmp_path):
    torch.manual_seed(0)
    pt, st = load_speed.save_both(load_speed.make_model(8), tmp_path)
    reference = load_speed.load_torch(pt)
    for loader, path in ((load_speed.load_mmap, pt), (load_speed.load_safetensors, st)):
        state = loader(path)
        assert state.keys() == reference.keys()
        assert all(torch.equal(state[k], reference[k]) for k in state)
    model = load_speed.into_meta_model(load_speed.load_mmap(pt), 8)
    assert model[0].weight.device.type == "cpu" and torch.equal(model[0].weight, reference["0.weight"])
