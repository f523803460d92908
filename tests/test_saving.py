"""snippets/saving: state_dict, whole-model pickles, ONNX export, loading large files."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from helpers import load_snippet, run_snippet
from torch import nn

keys = load_snippet("saving/state_dict_keys")
onnx_export = load_snippet("saving/onnx_export")
load_speed = load_snippet("saving/load_speed")


def test_state_dict_names_follow_resnet(tmp_path):
    torch.manual_seed(0)
    model = keys.TinyResNet()
    state = keys.save_and_load(model, tmp_path / "m.pth")
    names = list(state)
    assert names[:6] == [
        "conv1.weight",
        "bn1.weight",
        "bn1.bias",
        "bn1.running_mean",
        "bn1.running_var",
        "bn1.num_batches_tracked",
    ]
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
    assert model[0].weight.device.type == "cpu" and torch.equal(
        model[0].weight, reference["0.weight"]
    )


# ---- checkpoints, safety, bad input ------------------------------------------------------------

checkpoint = load_snippet("saving/checkpoint")
unsafe = load_snippet("saving/unsafe_pickle")
bad = load_snippet("saving/bad_files")


def test_resumed_training_reproduces_the_uninterrupted_run_exactly(tmp_path):
    straight = checkpoint.run(6, None, tmp_path)
    resumed = checkpoint.run(6, 2, tmp_path)
    assert resumed == straight


def test_resuming_without_the_rng_state_diverges(tmp_path, monkeypatch):
    """The exactness above depends on restoring the RNG state: without it the runs differ."""
    straight = checkpoint.run(6, None, tmp_path)
    monkeypatch.setattr(checkpoint.torch, "set_rng_state", lambda state: None)
    assert checkpoint.run(6, 2, tmp_path) != straight


def test_checkpoint_loads_with_weights_only(tmp_path):
    model, optimizer, scheduler = checkpoint.make_run()
    checkpoint.save_checkpoint(tmp_path / "c.pt", model, optimizer, scheduler, epoch=4)
    assert torch.load(tmp_path / "c.pt", weights_only=True)["epoch"] == 4


def test_malicious_pickle_runs_only_without_weights_only(tmp_path):
    path, marker = tmp_path / "evil.pt", tmp_path / "marker"
    unsafe.write_malicious_checkpoint(path, marker)
    assert unsafe.try_load(path, weights_only=True).startswith("refused") and not marker.exists()
    assert unsafe.try_load(path, weights_only=False) == "loaded" and marker.exists()


def test_safe_globals_allow_exactly_the_named_class(tmp_path):
    path = tmp_path / "config.pt"
    torch.save({"config": unsafe.TrainConfig(lr=0.5, epochs=1)}, path)
    assert unsafe.try_load(path, weights_only=True).startswith("refused")
    with torch.serialization.safe_globals([unsafe.TrainConfig]):
        assert torch.load(path)["config"] == unsafe.TrainConfig(lr=0.5, epochs=1)


def test_safetensors_cannot_hold_an_object(tmp_path):
    from safetensors.torch import save_file

    with pytest.raises(ValueError, match="expected torch.Tensor"):
        save_file({"config": unsafe.TrainConfig(lr=0.1, epochs=1)}, tmp_path / "x.safetensors")


def test_bad_files_fail_with_the_documented_errors(tmp_path):
    assert bad.not_a_checkpoint(tmp_path).startswith(
        ("IndexError", "UnpicklingError", "RuntimeError")
    )
    assert "central directory" in bad.truncated(tmp_path)
    strict, loose = bad.mismatched_keys()
    assert "Missing key(s)" in strict and "'fc.weight'" in loose and "'0.weight'" in loose
    assert bad.mismatched_shape().startswith("size mismatch for weight")


def test_zip_archive_holds_pickle_and_storages(tmp_path):
    import zipfile

    path = tmp_path / "m.pth"
    torch.save(nn.Linear(2, 2).state_dict(), path)
    names = zipfile.ZipFile(path).namelist()
    assert any(n.endswith("data.pkl") for n in names) and any("/data/0" in n for n in names)


def test_zip_members_lists_one_storage_per_tensor_of_the_state_dict():
    """snippets/saving/zip_members.py: the pickle, then one file per tensor storage."""
    result = run_snippet("saving/zip_members")  # the same run as the page's code-block test
    assert result.returncode == 0, result.stderr[-2000:]
    sizes = dict(line.rsplit(None, 2)[:2] for line in result.stdout.splitlines())
    storages = sorted(n for n in sizes if "/data/" in n and not n.startswith("model/.data"))
    state = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3)).state_dict()
    assert "model/data.pkl" in sizes and len(storages) == len(state) == 7
    assert sizes["model/data/0"] == str(4 * 3 * 4), "the 3x4 fp32 weight is 48 bytes"
