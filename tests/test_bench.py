"""The benchmark program: quick mode, schema, deterministic plots, argument errors, atomic writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import ROOT

import bench  # scripts/bench.py
import plots

BENCH = [sys.executable, str(ROOT / "scripts" / "bench.py")]
COMMITTED = ROOT / "docs" / "data" / "bench" / "results.json"


def run_bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*BENCH, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = run_bench("--quick", "--output", str(out / "results.json"), "--figures", str(out / "figures"))
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def test_quick_mode_writes_a_valid_stamped_results_file(quick_run):
    out, result = quick_run
    results = json.loads((out / "results.json").read_text())
    bench.validate(results)
    host = results["host"]
    assert host["cpu"] and host["cores"] >= 1 and host["threads"] >= 1
    assert host["versions"]["torch"].startswith("2.13.0")
    assert results["quick"] is True and set(results["cases"]) == {n for n, c in bench.CASES.items() if c.quick}
    fp32 = [r for r in results["records"] if r["case"] == "gemm" and r["variant"] == "fp32" and "median_s" in r]
    assert fp32 and all(r["ops_per_s"] > 1e8 for r in fp32), "fp32 GEMM below 0.1 GFLOP/s: not a real measurement"
    for r in results["records"]:
        if "median_s" in r:
            assert r["min_s"] <= r["median_s"] <= r["max_s"] and r["runs"] >= 1
    assert "[" in result.stderr and "done" in result.stderr, "no progress bar on stderr"


def test_quick_mode_draws_every_plot_in_both_languages(quick_run):
    out, _ = quick_run
    names = {p.name for p in (out / "figures").glob("*.svg")}
    assert {f"{f}.{lang}.svg" for f in ("formats", "roofline", "gemm", "inference", "training", "load") for lang in ("zh", "en")} <= names
    zh = (out / "figures" / "roofline.zh.svg").read_text()
    assert "<svg" in zh and "<dc:date>" not in zh


def test_plots_are_byte_identical_and_match_the_committed_figures(tmp_path):
    results = json.loads(COMMITTED.read_text())
    first = plots.draw_all(results, tmp_path / "a")
    second = plots.draw_all(results, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    for path in first:
        committed = ROOT / "docs" / "figures" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"docs/figures/{path.name} is not drawn from results.json: run make bench ARGS=--plots-only"


def test_committed_results_come_from_a_full_run():
    results = json.loads(COMMITTED.read_text())
    bench.validate(results)
    assert results["quick"] is False
    assert set(results["cases"]) == set(bench.CASES), "the committed results miss cases: run make bench"


@pytest.mark.parametrize(("args", "message"), [
    (["--only", "no_such_case"], "unknown case no_such_case"),
    (["--threads", "0"], "--threads must be a whole number"),
    (["--threads", "two"], "--threads must be a whole number"),
    (["--threads", str((os.cpu_count() or 1) + 1)], "--threads must be a whole number"),
    (["--output", "/proc/no/results.json"], "is not writable"),
    (["--plots-only", "--output", "/nonexistent/results.json"], "does not exist"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, message):
    result = run_bench(*args, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in lines[0], result.stderr[-1000:]


def test_output_that_is_a_directory_is_refused(tmp_path):
    result = run_bench("--only", "bandwidth", "--output", str(tmp_path), timeout=60)
    assert result.returncode == 2 and "is a directory" in result.stderr


def test_output_below_a_file_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_bench("--only", "bandwidth", "--output", str(blocker / "results.json"), timeout=60)
    assert result.returncode == 2 and "is not writable" in result.stderr
    assert blocker.read_text() == "x"


def test_list_names_every_case():
    result = run_bench("--list", timeout=60)
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(bench.CASES)


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text("good")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench.write_atomically(target, "half-written")
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target], "a temporary file was left behind"


def test_without_amx_the_amx_off_case_is_skipped_with_a_reason(monkeypatch):
    monkeypatch.setattr(bench, "host_flags", lambda: {"sse2", "avx2"})
    records = bench.case_gemm_amx_off(bench.Settings(quick=True, threads=1))
    assert records and all("no AMX" in r["skipped"] for r in records)


def test_theoretical_peak_uses_the_best_extension_present():
    peaks = bench.theoretical_peaks({"fma", "avx2"}, cores=2, ghz=2.0)
    assert peaks["fp32"]["per_core_per_cycle"] == 32 and peaks["fp32"]["ops_per_s"] == 32 * 2 * 2.0e9
    assert "bf16" not in peaks
    amx = bench.theoretical_peaks({"fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8", "avx512_vnni"}, 1, 1.0)
    assert amx["fp32"]["extension"] == "AVX-512 F" and amx["bf16"]["per_core_per_cycle"] == 1024
    assert amx["int8"]["per_core_per_cycle"] == 2048


def test_slow_calls_are_skipped_with_the_estimate():
    import time
    result = bench.measure(lambda: time.sleep(0.6), bench.Settings(quick=True, threads=1))
    assert "skipped" in result and "0.6 s" in result["skipped"]
