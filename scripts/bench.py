"""The benchmark program: every speed figure on the site comes from here.

    python scripts/bench.py                 # every case (about 10 minutes on 2 cores)
    python scripts/bench.py --quick         # a reduced set for CI (under a minute)
    python scripts/bench.py --list          # the cases
    python scripts/bench.py --only gemm     # one case (repeatable, or comma-separated)
    python scripts/bench.py --plots-only    # redraw the plots from an existing results file

It writes one results file (JSON, written atomically) stamped with the host's fingerprint,
then redraws every plot from it (scripts/plots.py). Tables are rendered from the same file
when the site is built. Timings use torch.utils.benchmark (warm-up, blocked autorange,
median and interquartile range); ratios are computed only between cases of the same run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

DEFAULT_OUTPUT = ROOT / "docs" / "data" / "bench" / "results.json"
QUICK_OUTPUT = ROOT / "build" / "bench" / "results.json"
SCHEMA_VERSION = 1


class UsageError(Exception):
    """Bad arguments: reported as one line, exit status 2."""


# ---- snippets: the code under test is the chapters' own -------------------------------

_snippets: dict[str, ModuleType] = {}


def snippet(name: str) -> ModuleType:
    """Import snippets/<name>.py once (the same files the pages show)."""
    if name not in _snippets:
        path = ROOT / "snippets" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"snippet_{name.replace('/', '_')}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        _snippets[name] = module
    return _snippets[name]


# ---- measuring ---------------------------------------------------------------------------

@dataclass
class Settings:
    quick: bool
    threads: int

    @property
    def min_run_time(self) -> float:
        return 0.2 if self.quick else 1.0

    @property
    def max_call_seconds(self) -> float:
        """A variant whose single call takes longer than this is skipped, with the estimate as reason."""
        return 0.5 if self.quick else 5.0


def measure(fn: Callable[[], object], settings: Settings) -> dict:
    """Median and spread of fn() with torch.utils.benchmark; at least 3 timed blocks after a warm-up."""
    import torch.utils.benchmark as benchmark
    fn()  # warm-up: first-call costs (allocation, lazy initialization, compilation)
    start = time.perf_counter()
    fn()
    estimate = time.perf_counter() - start
    if estimate > settings.max_call_seconds:
        return {"skipped": f"one call takes about {estimate:.1f} s, over the {settings.max_call_seconds:g} s "
                           f"budget per call of {'quick' if settings.quick else 'full'} mode"}
    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn}, num_threads=settings.threads)
    m = timer.blocked_autorange(min_run_time=max(settings.min_run_time, 3.2 * estimate))
    times = sorted(m.times)
    return {"median_s": m.median, "iqr_s": m.iqr, "min_s": times[0], "max_s": times[-1], "runs": len(times),
            "calls_per_run": m.number_per_run}


def record(case: str, variant: str, result: dict, **extra) -> dict:
    return {"case": case, "variant": variant, **extra, **result}


# ---- cases -------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    title: str
    run: Callable[[Settings], list[dict]]
    quick: bool = True  # part of the quick set


CASES: dict[str, Case] = {}


def case(name: str, title: str, quick: bool = True):
    def register(fn):
        CASES[name] = Case(name, title, fn, quick)
        return fn
    return register


def host_flags() -> set[str]:
    try:
        return snippet("cpu/detect_isa").cpu_flags(Path("/proc/cpuinfo").read_text())
    except OSError:
        return set()


@case("gemm", "GEMM fp32 / bf16 / int8 over sizes")
def case_gemm(s: Settings) -> list[dict]:
    gemm = snippet("cpu/gemm")
    sizes = (128, 256, 512) if s.quick else (256, 512, 1024, 2048)
    out = []
    for dtype in gemm.DTYPES:
        previous = None  # (n, median seconds) of the last measured size
        for n in sizes:
            predicted = previous[1] * (n / previous[0]) ** 3 if previous else 0.0  # GEMM time grows as n^3
            if predicted > s.max_call_seconds:
                out.append(record("gemm", dtype, {"skipped": f"predicted {predicted:.0f} s per call from n={previous[0]}, "
                                                            f"over the {s.max_call_seconds:g} s budget"}, n=n))
                continue
            a, b = gemm.gemm_operands(n, dtype)
            result = measure(lambda: gemm.gemm(a, b), s)
            if "median_s" in result:
                result["ops_per_s"] = gemm.gemm_ops(n) / result["median_s"]
                previous = (n, result["median_s"])
            out.append(record("gemm", dtype, result, n=n))
    return out


@case("gemm_amx_off", "GEMM with AMX capped off through ONEDNN_MAX_CPU_ISA", quick=False)
def case_gemm_amx_off(s: Settings) -> list[dict]:
    if "amx_tile" not in host_flags():
        reason = "this CPU has no AMX (no amx_tile flag): there is nothing to cap off"
        return [record("gemm_amx_off", d, {"skipped": reason}) for d in ("bf16", "int8")]
    env = dict(os.environ, ONEDNN_MAX_CPU_ISA="AVX512_CORE_BF16")
    cmd = [sys.executable, str(Path(__file__)), "--worker", "gemm", "--threads", str(s.threads)]
    if s.quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"AMX-off worker failed: {done.stderr[-1000:]}")
    records = json.loads(done.stdout)
    for r in records:
        r["case"] = "gemm_amx_off"
    return [r for r in records if r["variant"] in ("bf16", "int8")]


@case("bandwidth", "Memory bandwidth: STREAM-like triad")
def case_bandwidth(s: Settings) -> list[dict]:
    triad = snippet("cpu/triad")
    n = 1 << (23 if s.quick else 25)  # 32 MiB or 128 MiB per array, far beyond the caches
    a, b, c = triad.triad_arrays(n)
    result = measure(lambda: triad.triad(a, b, c), s)
    result["bytes_per_s"] = triad.triad_bytes(n) / result["median_s"]
    return [record("bandwidth", "triad", result, n=n, bytes=triad.triad_bytes(n))]


def _relative_error(out, reference) -> float:
    return float((out.float() - reference).norm() / reference.norm())


def _inference_variants(model, x, full_variants: bool) -> list[tuple[str, Callable, Callable]]:
    """(variant, build, run) triples; build returns the callable to time."""
    import torch
    bf16 = snippet("mixed_precision/bf16_inference")
    int8 = snippet("quantization/int8_inference")
    import copy
    variants = [
        ("fp32 eager", lambda: model, lambda m: m(x)),
        ("bf16 eager", lambda: bf16.cast_to_bf16(copy.deepcopy(model)), lambda m: m(x.to(torch.bfloat16))),
        ("bf16 autocast", lambda: model, lambda m: bf16.autocast_forward(m, x)),
        ("int8 torchao dynamic", lambda: int8.torchao_dynamic_int8(model), lambda m: m(x)),
    ]
    if x.dim() == 4:  # CNN: the NHWC memory layout oneDNN's convolutions prefer
        layout = snippet("mixed_precision/channels_last")
        variants += [
            ("fp32 channels_last", lambda: layout.to_channels_last(copy.deepcopy(model), x), lambda m: m[0](m[1])),
            ("bf16 autocast channels_last", lambda: layout.to_channels_last(copy.deepcopy(model), x),
             lambda m: bf16.autocast_forward(m[0], m[1])),
        ]
    if full_variants:
        calibration = [x]
        variants += [
            ("fp32 compiled", lambda: bf16.compile_frozen(copy.deepcopy(model), x), lambda m: m(x)),
            ("bf16 compiled + freezing",
             lambda: bf16.compile_frozen(bf16.cast_to_bf16(copy.deepcopy(model)), x.to(torch.bfloat16)),
             lambda m: m(x.to(torch.bfloat16))),
            ("int8 PT2E + freezing",
             lambda: int8.compile_int8(int8.pt2e_static_int8(copy.deepcopy(model), x, calibration), x, True),
             lambda m: m(x)),
            ("int8 PT2E, no freezing",
             lambda: int8.compile_int8(int8.pt2e_static_int8(copy.deepcopy(model), x, calibration), x, False),
             lambda m: m(x)),
        ]
    return variants


def _inference_case(name: str, model, x, s: Settings) -> list[dict]:
    import torch
    import torch._dynamo
    work = snippet("intro/workloads")
    model = model.eval()
    flops = work.count_flops(model, x)
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    with torch.inference_mode():
        reference = model(x)
    out = []
    for variant, build, run in _inference_variants(model, x, full_variants=not s.quick):
        torch._dynamo.reset()
        try:
            start = time.perf_counter()
            built = build()
            build_s = time.perf_counter() - start
            with torch.inference_mode():
                error = _relative_error(run(built), reference)
                result = measure(lambda: run(built), s)
        except Exception as exc:  # a backend that cannot run here is recorded, not hidden
            result, build_s, error = {"skipped": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}, None, None
        out.append(record(name, variant, result, flops=flops, param_bytes=param_bytes,
                          input_bytes=x.numel() * x.element_size(), relative_error=error, build_s=build_s))
    return out


@case("mlp_inference", "Transformer-style MLP inference: fp32, bf16, int8")
def case_mlp_inference(s: Settings) -> list[dict]:
    import torch
    torch.manual_seed(0)
    work = snippet("intro/workloads")
    return _inference_case("mlp_inference", work.TransformerMLP(), work.mlp_inputs(), s)


@case("cnn_inference", "Small CNN inference: fp32, bf16, int8", quick=False)
def case_cnn_inference(s: Settings) -> list[dict]:
    import torch
    torch.manual_seed(0)
    work = snippet("intro/workloads")
    return _inference_case("cnn_inference", work.SmallCNN(), work.cnn_inputs(), s)


@case("training", "Training step: fp32 vs bf16 autocast")
def case_training(s: Settings) -> list[dict]:
    import torch
    work = snippet("intro/workloads")
    step = snippet("mixed_precision/train_step")
    out = []
    models = [("mlp", work.TransformerMLP, work.mlp_inputs)] + ([] if s.quick else [("cnn", work.SmallCNN, work.cnn_inputs)])
    for model_name, make, inputs in models:
        x = inputs()
        y = torch.randint(0, 10, (x.shape[0],), generator=torch.Generator().manual_seed(0))
        for bf16 in (False, True):
            curve = None
            if not s.quick:  # loss curve: the same model, data and seed from step 1
                torch.manual_seed(0)
                model = make()
                optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
                curve = [step.train_step(model, optimizer, x, y, bf16) for _ in range(LOSS_STEPS)]
            torch.manual_seed(0)
            model = make()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
            result = measure(lambda: step.train_step(model, optimizer, x, y, bf16), s)
            out.append(record("training", f"{model_name} {'bf16 autocast' if bf16 else 'fp32'}", result,
                              model=model_name, loss_curve=curve))
    return out


LOSS_STEPS = 15


@case("bf16_tricks", "bf16 habits: convert once, reductions in fp32")
def case_bf16_tricks(s: Settings) -> list[dict]:
    import torch
    tricks = snippet("mixed_precision/bf16_tricks")
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 256, generator=g)
    weights = [torch.randn(256, 256, generator=g) / 16 for _ in range(4)]
    weights_bf16 = [w.to(torch.bfloat16) for w in weights]
    logits, target = torch.randn(64, 8000, generator=g), torch.randint(0, 8000, (64,), generator=g)
    with torch.inference_mode():
        return [
            record("bf16_tricks", "4 layers, convert every op", measure(lambda: tricks.layer_converting_each_step(x, weights), s)),
            record("bf16_tricks", "4 layers, convert once", measure(lambda: tricks.layer_staying_in_bf16(x, weights_bf16), s)),
            record("bf16_tricks", "cross-entropy in bf16", measure(lambda: tricks.loss_in_bf16(logits, target), s)),
            record("bf16_tricks", "cross-entropy in fp32", measure(lambda: tricks.loss_in_fp32(logits, target), s)),
        ]


@case("onnxruntime", "ONNX Runtime vs PyTorch eager on the same exported model")
def case_onnxruntime(s: Settings) -> list[dict]:
    import torch
    torch.manual_seed(0)
    work = snippet("intro/workloads")
    onnx_snippet = snippet("saving/onnx_export")
    model, x = work.TransformerMLP().eval(), work.mlp_inputs()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mlp.onnx"
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            onnx_snippet.export_onnx(model, x, path)
        session = onnx_snippet.ort_session(path, threads=s.threads)
        feed = {"x": x.numpy()}
        with torch.inference_mode():
            eager = measure(lambda: model(x), s)
            reference = model(x).numpy()
        ort_result = measure(lambda: session.run(None, feed), s)
        import numpy as np
        error = float(np.abs(session.run(None, feed)[0] - reference).max())
    return [record("onnxruntime", "PyTorch eager", eager),
            record("onnxruntime", "ONNX Runtime", ort_result, max_abs_difference=error)]


@case("conv_bn_fold", "Folding BatchNorm into convolutions")
def case_conv_bn_fold(s: Settings) -> list[dict]:
    import copy
    import torch
    torch.manual_seed(0)
    work = snippet("intro/workloads")
    fold = snippet("fusion/conv_bn_fold")
    model, x = work.SmallCNN().eval(), work.cnn_inputs()
    folded = fold.fold_all(copy.deepcopy(model))
    with torch.inference_mode():
        error = _relative_error(folded(x), model(x))
        return [record("conv_bn_fold", "conv + bn", measure(lambda: model(x), s)),
                record("conv_bn_fold", "folded", measure(lambda: folded(x), s), relative_error=error)]


@case("compile_fusion", "torch.compile fusion: element-wise chain and a GEMM-bound MLP", quick=False)
def case_compile_fusion(s: Settings) -> list[dict]:
    import torch
    import torch._dynamo
    fusion = snippet("fusion/compile_fusion")
    g = torch.Generator().manual_seed(0)
    x, bias, scale = torch.randn(2048, 4096, generator=g), torch.randn(4096, generator=g), torch.randn(4096, generator=g)
    torch._dynamo.reset()
    fused = fusion.compiled_bias_gelu_scale()
    eager_r = measure(lambda: fusion.bias_gelu_scale(x, bias, scale), s)
    fused_r = measure(lambda: fused(x, bias, scale), s)
    eager_r["bytes_per_s"] = fusion.eager_bytes(x) / eager_r["median_s"]
    fused_r["bytes_per_s"] = fusion.fused_bytes(x) / fused_r["median_s"]
    eager_r["flops"] = fused_r["flops"] = 3 * x.numel()
    out = [record("compile_fusion", "element-wise eager", eager_r, bytes=fusion.eager_bytes(x)),
           record("compile_fusion", "element-wise compiled", fused_r, bytes=fusion.fused_bytes(x))]
    work = snippet("intro/workloads")
    model, xm = work.TransformerMLP().eval(), work.mlp_inputs()
    torch._dynamo.reset()
    compiled = torch.compile(model)
    with torch.inference_mode():
        out.append(record("compile_fusion", "MLP eager", measure(lambda: model(xm), s)))
        out.append(record("compile_fusion", "MLP compiled", measure(lambda: compiled(xm), s)))
    return out


def _classifier_record(case: str, variant: str, run, x, y, reference, accuracy, s: Settings) -> dict:
    """Time one way of running a trained classifier; record its accuracy and how far it is from fp32."""
    import torch
    with torch.no_grad():
        logits = run(x).float()
        result = measure(lambda: run(x), s)
    return record(case, variant, result, batch=len(y), accuracy=accuracy(run, x, y),
                  agreement=float((logits.argmax(1) == reference.argmax(1)).float().mean()),
                  relative_error=_relative_error(logits, reference))


@case("quantization", "Quantization paths on a trained classifier: speed, accuracy, error", quick=False)
def case_quantization(s: Settings) -> list[dict]:
    import torch
    quant, task = snippet("quantization/accuracy"), snippet("intro/toy_task")
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    with torch.no_grad():
        reference = model(x_test)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for variant, run in quant.all_paths(model, x_train, y_train, Path(tmp)).items():
            out.append(_classifier_record("quantization", variant, run, x_test, y_test, reference, task.accuracy, s))
    return out


@case("pruning", "Pruning: masked (unstructured) vs channels removed")
def case_pruning(s: Settings) -> list[dict]:
    import torch
    torch.manual_seed(0)
    work = snippet("intro/workloads")
    prune = snippet("pruning/prune_channels")
    model, x = work.TransformerMLP().eval(), work.mlp_inputs()
    out = []
    with torch.inference_mode():
        reference = model(x)
        for variant, m in (("dense", model), ("masked 50%", prune.mask_prune(model, 0.5)),
                           ("channels removed 50%", prune.shrink_mlp(model, 0.5))):
            result = measure(lambda: m(x), s)
            out.append(record("pruning", variant, result, size_bytes=prune.size_bytes(m),
                              relative_error=_relative_error(m(x), reference)))
    return out


@case("pruning_curve", "Pruning the toy classifier: accuracy and speed against the fraction removed", quick=False)
def case_pruning_curve(s: Settings) -> list[dict]:
    import torch
    curve, task = snippet("pruning/sparsity_curve"), snippet("intro/toy_task")
    prune = snippet("pruning/prune_channels")
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = task.make_task()
    model = task.train(task.make_classifier(), x_train, y_train)
    out = []
    for method, amount, pruned in curve.pruned_models(model, x_train, y_train):
        with torch.inference_mode():
            result = measure(lambda: pruned(x_test), s)
        out.append(record("pruning_curve", f"{method}, {amount:.0%}", result, method=method, sparsity=amount,
                          accuracy=task.accuracy(pruned, x_test, y_test), size_bytes=prune.size_bytes(pruned)))
    return out


@case("multimodal", "TorchMultimodal late-fusion classifier: fp32, bf16, compiled, int8", quick=False)
def case_multimodal(s: Settings) -> list[dict]:
    import torch
    import torch._dynamo
    try:
        fusion, techniques = snippet("multimodal/late_fusion"), snippet("multimodal/techniques")
    except ImportError as exc:  # torchmultimodal is installed by make (requirements-nodeps.txt)
        return [record("multimodal", "all", {"skipped": f"torchmultimodal does not import: {exc}"})]
    torch.manual_seed(0)
    train_x, train_y = fusion.make_pairs(8192)
    test_x, test_y = fusion.make_pairs(2048, seed=1)
    model = fusion.train(fusion.make_model(), train_x, train_y)
    torch._dynamo.reset()
    with torch.no_grad():
        reference = model(test_x)
        out = []
        for variant, run in techniques.variants(model, {k: v[:64] for k, v in test_x.items()}).items():
            out.append(_classifier_record("multimodal", variant, run, test_x, test_y, reference, fusion.accuracy, s))
    return out


LOAD_WORKER = """
import json, sys, time, importlib.util
spec = importlib.util.spec_from_file_location("load_speed", sys.argv[1]); m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
from pathlib import Path
method, path, mb = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
peak, anon = m.peak_rss_mb(), m.anonymous_mb()
start = time.perf_counter()
state = {"torch.load": m.load_torch, "mmap=True": m.load_mmap, "safetensors": m.load_safetensors}[method](path)
model = m.into_meta_model(state, mb)
loaded = time.perf_counter() - start
peak_after_load = m.peak_rss_mb()
m.touch(model.state_dict())
used = time.perf_counter() - start
print(json.dumps({"load_s": loaded, "load_and_read_s": used, "peak_after_load_mb": peak_after_load - peak,
                  "private_after_read_mb": m.anonymous_mb() - anon}))
"""


@case("load", "Loading a large state_dict: torch.load vs mmap vs safetensors")
def case_load(s: Settings) -> list[dict]:
    import statistics
    load = snippet("saving/load_speed")
    mb = 32 if s.quick else 256
    repeats = 2 if s.quick else 5
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        pt, st = load.save_both(load.make_model(mb), Path(tmp))
        for method, path in (("torch.load", pt), ("mmap=True", pt), ("safetensors", st)):
            runs = []
            for _ in range(repeats):  # a fresh process each time: peak memory is per process
                done = subprocess.run([sys.executable, "-c", LOAD_WORKER, str(ROOT / "snippets/saving/load_speed.py"),
                                       method, str(path), str(mb)], capture_output=True, text=True, timeout=600,
                                      env=dict(os.environ, OMP_NUM_THREADS=str(s.threads)))
                if done.returncode != 0:
                    raise RuntimeError(f"load worker failed: {done.stderr[-800:]}")
                runs.append(json.loads(done.stdout))
            times = sorted(r["load_and_read_s"] for r in runs)
            q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
            out.append(record("load", method, {
                "median_s": statistics.median(times), "iqr_s": q[2] - q[0], "min_s": times[0], "max_s": times[-1],
                "runs": len(times), "calls_per_run": 1,
                "load_only_median_s": statistics.median(r["load_s"] for r in runs),
                "peak_after_load_mb": statistics.median(r["peak_after_load_mb"] for r in runs),
                "private_after_read_mb": statistics.median(r["private_after_read_mb"] for r in runs)},
                file_mb=path.stat().st_size / 2**20, timing="time.perf_counter in a fresh process per run (warm page cache)"))
    return out


# ---- host fingerprint ----------------------------------------------------------------------

def clock_ghz() -> tuple[float | None, str]:
    """The nominal clock from /proc/cpuinfo ('cpu MHz'); turbo and throttling are not visible in a VM."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1]) / 1000, "nominal 'cpu MHz' of /proc/cpuinfo (no turbo accounted)"
    except OSError:
        pass
    return None, "unknown: /proc/cpuinfo has no 'cpu MHz'"


def theoretical_peaks(flags: set[str], cores: int, ghz: float | None) -> dict:
    """Best per-cycle peak per dtype among the extensions this CPU has (isa.yml 'peak'), times cores and clock."""
    import site_data
    peaks = {}
    for entry in site_data.isa_entries():
        if entry.get("peak") and entry["flags"] and set(entry["flags"]) <= flags:
            for dtype, per_cycle in entry["peak"].items():
                if per_cycle > peaks.get(dtype, {}).get("per_core_per_cycle", 0):
                    peaks[dtype] = {"per_core_per_cycle": per_cycle, "extension": entry["name"]}
    for p in peaks.values():
        p["ops_per_s"] = p["per_core_per_cycle"] * cores * ghz * 1e9 if ghz else None
    return peaks


def fingerprint(threads: int) -> dict:
    import site_data
    import torch
    detect = snippet("cpu/detect_isa")
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    flags = detect.cpu_flags(cpuinfo)
    table_flags = {f for e in site_data.isa_entries() for f in e["flags"]}
    ghz, clock_source = clock_ghz()
    versions = {}
    for name in ("torch", "torchao", "onnxruntime", "onnx", "numpy"):
        try:
            versions[name] = __import__(name).__version__
        except Exception as exc:  # noqa: BLE001
            versions[name] = f"unavailable ({type(exc).__name__})"
    cores = os.cpu_count() or 1
    return {
        "cpu": detect.cpu_model(cpuinfo) if cpuinfo else platform.processor() or platform.machine(),
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "cores": cores,
        "threads": threads,
        "isa_flags": sorted(flags & table_flags),
        "pytorch_capability": torch.backends.cpu.get_cpu_capability(),
        "onednn_isa": detect.onednn_isa(),
        "clock_ghz": ghz,
        "clock_source": clock_source,
        "theoretical_peak": theoretical_peaks(flags, threads, ghz),
        "python": platform.python_version(),
        "versions": versions,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---- results file --------------------------------------------------------------------------

RECORD_SCHEMA = {
    "type": "object",
    "required": ["case", "variant"],
    "properties": {
        "case": {"type": "string"}, "variant": {"type": "string"},
        "median_s": {"type": "number", "exclusiveMinimum": 0}, "iqr_s": {"type": "number", "minimum": 0},
        "min_s": {"type": "number"}, "max_s": {"type": "number"}, "runs": {"type": "integer", "minimum": 1},
        "skipped": {"type": "string", "minLength": 5},
    },
    "oneOf": [{"required": ["median_s", "iqr_s", "runs"]}, {"required": ["skipped"]}],
}
SCHEMA = {
    "type": "object",
    "required": ["schema", "quick", "command", "host", "cases", "case_dates", "records"],
    "properties": {
        "schema": {"const": SCHEMA_VERSION},
        "quick": {"type": "boolean"},
        "command": {"type": "string"},
        "host": {"type": "object", "required": ["cpu", "cores", "threads", "isa_flags", "onednn_isa", "versions",
                                                  "date", "theoretical_peak", "clock_source"]},
        "cases": {"type": "array", "items": {"type": "string"}},
        "case_dates": {"type": "object", "additionalProperties": {"type": "string"}},
        "records": {"type": "array", "items": RECORD_SCHEMA, "minItems": 1},
    },
}


def validate(results: dict) -> None:
    import jsonschema
    jsonschema.validate(results, SCHEMA)


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside path, then rename: an interrupted run leaves the old file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- command line --------------------------------------------------------------------------

class Progress:
    """One line on stderr: a bar, which case is running, how far along the run is."""

    def __init__(self, total: int):
        self.total, self.done, self.start = total, 0, time.perf_counter()

    def show(self, name: str) -> None:
        width = 24
        filled = int(width * self.done / self.total)
        elapsed = time.perf_counter() - self.start
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {name} ({elapsed:.0f} s)"
        end = "\r" if sys.stderr.isatty() else "\n"
        print(line.ljust(72), end=end, file=sys.stderr, flush=True)

    def step(self) -> None:
        self.done += 1


def check_writable(path: Path) -> None:
    """Fail before measuring, not after: the output's folder must exist (or be creatable) and take a file."""
    if path.is_dir():
        raise UsageError(f"--output {path} is a directory; give a file path such as {path / 'results.json'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise UsageError(f"--output {path} is not writable ({exc.strerror or exc}); choose another path with --output") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a reduced set for CI (default output under build/)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--only", action="append", default=[], metavar="CASE", help="run only these cases")
    parser.add_argument("--threads", type=str, default=None, help="threads to use (default: all cores)")
    parser.add_argument("--output", type=Path, default=None, help="results file to write")
    parser.add_argument("--figures", type=Path, default=None, help="folder for the plots")
    parser.add_argument("--plots-only", action="store_true", help="only redraw the plots from --output")
    parser.add_argument("--no-plots", action="store_true", help="do not draw plots")
    parser.add_argument("--worker", metavar="CASE", help=argparse.SUPPRESS)  # one case, records as JSON on stdout
    return parser.parse_args(argv)


def resolve_args(args: argparse.Namespace) -> tuple[list[str], int, Path, Path]:
    cores = os.cpu_count() or 1
    if args.threads is None:
        threads = cores
    else:
        if not re.fullmatch(r"\d+", args.threads) or not 1 <= int(args.threads) <= cores:
            raise UsageError(f"--threads must be a whole number from 1 to {cores} (this machine's cores), got '{args.threads}'")
        threads = int(args.threads)
    names = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise UsageError(f"unknown case {', '.join(unknown)}; known cases: {', '.join(CASES)} (see --list)")
    if not names:
        names = [n for n, c in CASES.items() if c.quick or not args.quick]
    output = args.output or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    figures = args.figures or (output.parent / "figures" if args.output or args.quick else ROOT / "docs" / "figures")
    return names, threads, output, figures


def run(names: list[str], settings: Settings) -> list[dict]:
    import torch
    torch.set_num_threads(settings.threads)
    progress = Progress(len(names))
    records = []
    for name in names:
        progress.show(name)
        records += CASES[name].run(settings)
        progress.step()
    progress.show("done")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return records


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.list:
            for c in CASES.values():
                print(f"{c.name:<15} {c.title}{'' if c.quick else '  (full run only)'}")
            return 0
        names, threads, output, figures = resolve_args(args)
        if args.worker:
            print(json.dumps(CASES[args.worker].run(Settings(args.quick, threads))))
            return 0
        if args.plots_only:
            if not output.is_file():
                raise UsageError(f"--plots-only needs an existing results file; {output} does not exist (run make bench)")
            results = json.loads(output.read_text(encoding="utf-8"))
            validate(results)
        else:
            check_writable(output)
            settings = Settings(args.quick, threads)
            command = "make bench" + (" QUICK=1" if args.quick else "")
            host = fingerprint(threads)
            records = run(names, settings)
            dates = {name: host["date"] for name in names}
            if args.only and output.is_file():  # keep the other cases of an earlier run on the same host
                earlier = json.loads(output.read_text(encoding="utf-8"))
                if earlier.get("host", {}).get("cpu") == host["cpu"] and earlier.get("quick") == args.quick:
                    kept = [c for c in earlier["cases"] if c not in names]
                    records = [r for r in earlier["records"] if r["case"] in kept] + records
                    dates = {**{c: earlier["case_dates"][c] for c in kept}, **dates}
                    names = [n for n in CASES if n in kept or n in names]  # the registry's order
                    records.sort(key=lambda r: names.index(r["case"]))  # stable: variants keep their order
            results = {"schema": SCHEMA_VERSION, "quick": args.quick, "command": command, "host": host,
                       "cases": names, "case_dates": dates, "records": records}
            validate(results)
            write_atomically(output, json.dumps(results, indent=1, sort_keys=True) + "\n")
            print(f"wrote {output}", file=sys.stderr)
        if not args.no_plots:
            import plots
            for path in plots.draw_all(results, figures):
                print(f"wrote {path}", file=sys.stderr)
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
