"""Saving chapter: ONNX Runtime against eager on one exported model; loading a large state_dict
three ways."""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from sitetools import snippets
from sitetools.bench.measure import Settings, case, measure, record
from sitetools.paths import SNIPPETS


@case(
    "onnxruntime",
    "ONNX Runtime vs PyTorch eager on the same exported model",
    baseline="PyTorch eager",
)
def case_onnxruntime(s: Settings) -> list[dict]:
    import numpy as np
    import torch

    torch.manual_seed(0)
    work = snippets.load("intro/workloads")
    onnx_snippet = snippets.load("saving/onnx_export")
    model, x = work.TransformerMLP().eval(), work.mlp_inputs()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mlp.onnx"
        with contextlib.redirect_stdout(io.StringIO()):
            onnx_snippet.export_onnx(model, x, path)
        session = onnx_snippet.ort_session(path, threads=s.threads)
        feed = {"x": x.numpy()}
        with torch.inference_mode():
            eager = measure(lambda: model(x), s)
            reference = model(x).numpy()
        ort_result = measure(lambda: session.run(None, feed), s)
        error = float(np.abs(session.run(None, feed)[0] - reference).max())
    return [
        record("PyTorch eager", eager),
        record("ONNX Runtime", ort_result, max_abs_difference=error),
    ]


LOAD_WORKER = """
import json, sys, time, importlib.util
spec = importlib.util.spec_from_file_location("load_speed", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
from pathlib import Path
method, path, mb = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
peak, anon = m.peak_rss_mb(), m.anonymous_mb()
start = time.perf_counter()
loaders = {"torch.load": m.load_torch, "mmap=True": m.load_mmap, "safetensors": m.load_safetensors}
state = loaders[method](path)
model = m.into_meta_model(state, mb)
loaded = time.perf_counter() - start
peak_after_load = m.peak_rss_mb()
m.touch(model.state_dict())
used = time.perf_counter() - start
print(json.dumps({"load_s": loaded, "load_and_read_s": used,
                  "peak_after_load_mb": peak_after_load - peak,
                  "private_after_read_mb": m.anonymous_mb() - anon}))
"""


@case(
    "load", "Loading a large state_dict: torch.load vs mmap vs safetensors", baseline="torch.load"
)
def case_load(s: Settings) -> list[dict]:
    load = snippets.load("saving/load_speed")
    mb = 32 if s.quick else 256
    repeats = 1 if s.quick else 5  # each repeat starts three fresh processes
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        pt, st = load.save_both(load.make_model(mb), Path(tmp))
        for method, path in (("torch.load", pt), ("mmap=True", pt), ("safetensors", st)):
            runs = []
            for _ in range(repeats):  # a fresh process each time: peak memory is per process
                done = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        LOAD_WORKER,
                        str(SNIPPETS / "saving/load_speed.py"),
                        method,
                        str(path),
                        str(mb),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=600,
                    env=dict(os.environ, OMP_NUM_THREADS=str(s.threads)),
                )
                if done.returncode != 0:
                    raise RuntimeError(f"load worker failed: {done.stderr[-800:]}")
                runs.append(json.loads(done.stdout))
            times = sorted(r["load_and_read_s"] for r in runs)
            q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
            result = {
                "median_s": statistics.median(times),
                "iqr_s": q[2] - q[0],
                "min_s": times[0],
                "max_s": times[-1],
                "runs": len(times),
                "calls_per_run": 1,
                "load_only_median_s": statistics.median(r["load_s"] for r in runs),
                "peak_after_load_mb": statistics.median(r["peak_after_load_mb"] for r in runs),
                "private_after_read_mb": statistics.median(
                    r["private_after_read_mb"] for r in runs
                ),
            }
            out.append(
                record(
                    method,
                    result,
                    file_mb=path.stat().st_size / 2**20,
                    timing="time.perf_counter in a fresh process per run (warm page cache)",
                )
            )
    return out
