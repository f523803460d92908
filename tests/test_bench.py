"""The benchmark program: quick mode, per-machine records, merging, refusals, plots, the ladder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import ROOT

from sitetools import atomic, fingerprint, records, strings
from sitetools.bench import cli
from sitetools.bench import measure as measuring
from sitetools.bench.cases import cpu as cpu_cases
from sitetools.bench.cases import ladder as ladder_case
from sitetools.bench.ladder_levels import LEVELS, supported
from sitetools.bench.measure import CASES, Settings
from sitetools.errors import UsageError
from sitetools.paths import FIGURES, HOSTS

BENCH = [sys.executable, "-m", "sitetools.bench"]


def run_bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*BENCH, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


# The jobs' folders, removed when the session's interpreter exits.
_SCRATCH = tempfile.TemporaryDirectory(prefix="test-bench-")


def _scratch(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=_SCRATCH.name))


def _quick_run() -> tuple:
    """make bench QUICK=1 into a copy of the committed records, as a machine with a new fingerprint
    (one thread: no committed record has that identity)."""
    out = _scratch("quick-")
    shutil.copytree(HOSTS, out / "hosts")
    before = {p.name: p.read_bytes() for p in (out / "hosts").glob("*.json")}
    started = time.perf_counter()
    result = run_bench(
        "--quick",
        "--threads",
        "1",
        "--records",
        str(out / "hosts"),
        "--figures",
        str(out / "figures"),
    )
    return out, result, before, time.perf_counter() - started


def only(case: str, folder: Path) -> list[str]:
    """The arguments of a quick one-thread run of one case into folder, without plots."""
    return ["--quick", "--threads", "1", "--only", case, "--records", str(folder), "--no-plots"]


def _one_case_then_another() -> tuple:
    """A record of one case (--only bandwidth), then a second run (--only gemm) into a copy."""
    folder = _scratch("merge-")
    first = run_bench(*only("bandwidth", folder / "one"))
    if first.returncode:
        return folder, first, None
    shutil.copytree(folder / "one", folder / "two")
    second = run_bench(*only("gemm", folder / "two"))
    return folder, first, second


def _plots_only() -> tuple:
    folder = _scratch("plots-")
    return run_bench("--plots-only", "--figures", str(folder)), folder


# The benchmark runs that the fixtures of the same names wait for, each a separate process (the
# threads only wait). conftest starts the EARLY ones at collection (start_jobs), so that they run
# while the site and browser tests keep one core busy. The quick run starts when its first test
# needs it: beside the browser tests it took 203 s instead of 60, and its variants went over the
# per-call budget.
JOBS = {"quick_run": _quick_run, "merge_runs": _one_case_then_another, "drawn": _plots_only}
EARLY = {"merge_runs", "drawn"}
_pool = ThreadPoolExecutor(max_workers=len(JOBS), thread_name_prefix="bench-runs")
_started: dict[str, Future] = {}


def _start(name: str) -> Future:
    if name not in _started:  # each job runs once
        _started[name] = _pool.submit(JOBS[name])
    return _started[name]


def start_jobs(items) -> None:
    """Start the early jobs whose fixtures the selected items use."""
    for name in {f for item in items for f in item.fixturenames} & EARLY:
        _start(name)


def job(name: str):
    return _start(name).result()


@pytest.fixture(scope="module")
def quick_run():
    out, result, before, seconds = job("quick_run")
    assert result.returncode == 0, result.stderr[-3000:]
    new = [p for p in (out / "hosts").glob("*.json") if p.name not in before]
    assert len(new) == 1, "a machine with a new fingerprint must get a new record file"
    return out, result, before, records.read(new[0]), seconds


@pytest.fixture(scope="module")
def merge_runs():
    folder, first, second = job("merge_runs")
    assert first.returncode == 0, first.stderr[-2000:]
    assert second is not None and second.returncode == 0, second.stderr[-2000:]
    return folder


def test_quick_mode_writes_a_valid_record_with_a_fingerprint(quick_run):
    _, result, _, record, seconds = quick_run
    ident = record["identity"]
    assert ident["cpu"] and ident["cores"] >= 1 and ident["threads"] == 1 and ident["onednn_isa"]
    assert ident["versions"]["torch"].startswith("2.13.0")
    assert record["quick"] is True
    assert [c["name"] for c in record["cases"]] == [
        n for n, c in CASES.items() if c.quick and not c.gpu
    ]
    gemm = records.case(record, "gemm")
    fp32 = [r for r in gemm["records"] if r["variant"] == "fp32" and "median_s" in r]
    assert fp32 and all(r["ops_per_s"] > 1e8 for r in fp32), (
        "fp32 GEMM below 0.1 GFLOP/s: not a real measurement"
    )
    for entry in record["cases"]:
        for r in entry["records"]:
            if "median_s" in r:
                assert r["min_s"] <= r["median_s"] <= r["max_s"]
    assert "[" in result.stderr and "done" in result.stderr, "no progress bar on stderr"
    assert seconds < 120, f"the quick benchmark took {seconds:.0f} s"  # about 60 s on 2 cores


def test_a_new_machine_leaves_every_other_record_byte_identical(quick_run):
    out, _, before, _, _ = quick_run
    after = {p.name: p.read_bytes() for p in (out / "hosts").glob("*.json") if p.name in before}
    assert after == before


def test_the_site_renders_every_machine_including_a_new_one(quick_run, monkeypatch):
    out, _, _, record, _ = quick_run
    from sitetools import bench_tables, site_data

    monkeypatch.setattr(
        records,
        "committed",
        lambda folder=out / "hosts": tuple(records.read(p) for p in sorted(folder.glob("*.json"))),
    )
    for lang in ("zh", "en"):
        html = bench_tables.render_bench_table(site_data.Context(lang, ""), "bandwidth")
        measured = [r for r in records.committed() if records.case(r, "bandwidth")]
        assert record["slug"] in [r["slug"] for r in measured]
        for r in measured:
            assert bench_tables.machines.label(r, lang) in html


def test_quick_mode_draws_every_plot_of_the_machine_in_both_languages(quick_run):
    out, _, _, record, _ = quick_run
    names = {p.name for p in (out / "figures").glob("*.svg")}
    slug = record["slug"]
    assert {
        f"{f}-{slug}.{lang}.svg"
        for f in ("roofline", "gemm", "ladder", "training", "load")
        for lang in ("zh", "en")
    } <= names
    zh = (out / "figures" / f"roofline-{slug}.zh.svg").read_text()
    assert "<svg" in zh and "<dc:date>" not in zh


def test_the_quick_ladder_records_kernels_and_reuses_unchanged_levels(quick_run):
    _, _, _, record, _ = quick_run
    entry = records.case(record, "isa_ladder")
    levels = list(dict.fromkeys(r["level"] for r in entry["records"]))
    assert levels[-1] == "default" and len(levels) == 2
    for r in entry["records"]:
        assert r["kernels"] and any(k.startswith("ATen ") for k in r["kernels"]), r
    fp32 = [r for r in entry["records"] if r["workload"] == "GEMM fp32"]
    assert any("MKL" in k for r in fp32 for k in r["kernels"]), (
        "fp32 GEMM should show MKL's verbose line"
    )
    # the uncapped level runs the same ATen kernels as the highest cap for bf16/int8 on a machine
    # whose oneDNN is not used for them, or different ones; either way same_as names an earlier
    # level
    for r in entry["records"]:
        if "same_as" in r:
            assert r["same_as"] in levels[: levels.index(r["level"])]


@pytest.fixture(scope="module")
def drawn():
    result, folder = job("drawn")
    assert result.returncode == 0, result.stderr[-2000:]
    return folder


def test_plots_are_byte_identical_and_match_the_committed_figures(drawn):
    """make bench ARGS=--plots-only, run again into a temporary folder, draws every committed
    figure byte for byte: the figures are reproducible and drawn from the committed records."""
    figures = sorted(drawn.glob("*.svg"))
    assert [p.name for p in figures] == sorted(p.name for p in FIGURES.glob("*.svg")), (
        "docs/figures/ must hold exactly the figures drawn from the committed records: "
        "run make bench ARGS=--plots-only (and remove the figures of a deleted record)"
    )
    for path in figures:
        committed = FIGURES / path.name
        assert committed.is_file() and committed.read_bytes() == path.read_bytes(), (
            f"docs/figures/{path.name} is not drawn from the records: "
            "run make bench ARGS=--plots-only"
        )


def test_every_committed_record_is_valid_full_and_named_by_its_fingerprint():
    cpu_cases_all = {n for n, c in CASES.items() if not c.gpu}
    complete = []
    for record in records.committed():
        assert record["quick"] is False, f"{record['slug']}: a quick run was committed"
        assert record["slug"] == fingerprint.slug(record["identity"]), (
            f"{record['slug']}: name and identity differ"
        )
        complete.append(cpu_cases_all <= {c["name"] for c in record["cases"]})
    assert any(complete), "no committed record has every CPU case: run make bench"
    assert len(records.committed()) >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "no_such_case"], "unknown case no_such_case"),
        (["--threads", "0"], "--threads must be a whole number"),
        (["--threads", "two"], "--threads must be a whole number"),
        (["--threads", str((os.cpu_count() or 1) + 1)], "--threads must be a whole number"),
        (["--records", "/proc/no/hosts"], "is not writable"),
        (["--plots-only", "--records", "/nonexistent/hosts"], "has none"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, message):
    result = run_bench(*args, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in lines[0], result.stderr[-1000:]


def test_gpu_cases_need_a_gpu():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device, so --gpu does not refuse here")
    result = run_bench("--gpu", timeout=60)
    assert result.returncode == 2 and "needs a CUDA device" in result.stderr


def test_records_folder_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_bench("--only", "bandwidth", "--records", str(blocker), timeout=60)
    assert result.returncode == 2 and "is a file" in result.stderr
    assert blocker.read_text() == "x"


@pytest.fixture(scope="module")
def one_case_record(merge_runs):
    folder = merge_runs / "one"
    (path,) = folder.glob("*.json")
    return folder, path


def test_only_merges_into_the_same_machine_and_keeps_its_other_cases(merge_runs):
    (before_path,) = (merge_runs / "one").glob("*.json")
    before = records.read(before_path)
    after = records.read(merge_runs / "two" / before_path.name)
    assert [c["name"] for c in after["cases"]] == ["gemm", "bandwidth"]  # the registry's order
    assert records.case(after, "bandwidth") == records.case(before, "bandwidth")
    assert records.case(after, "gemm")["command"] == 'make bench QUICK=1 ARGS="--only gemm"'


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda r: "{not json", "not valid JSON"),
        (lambda r: json.dumps({**r, "schema": 1}), "schema version 1"),
        (
            lambda r: json.dumps({**r, "identity": {**r["identity"], "cpu": "Other CPU"}}),
            "identity/cpu",
        ),
        (
            lambda r: json.dumps({**r, "cases": [{**r["cases"][0], "date": "yesterday"}]}),
            "cases/0/date",
        ),
    ],
)
def test_a_bad_record_is_refused_in_one_line_naming_file_and_field(
    one_case_record, tmp_path, damage, message, capsys
):
    folder, path = one_case_record
    work = tmp_path / "hosts"
    shutil.copytree(folder, work)
    text = damage(json.loads(path.read_text()))
    (work / path.name).write_text(text)
    # in this process: the record is refused before anything is measured, so the command line's
    # own process would spend its time importing torch
    assert cli.main(only("bandwidth", work)) == 2
    stderr = capsys.readouterr().err
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and path.name in lines[0] and message in lines[0], stderr[-1000:]
    assert (work / path.name).read_text() == text, "a refused record must not be rewritten"


def test_list_names_every_case():
    result = run_bench("--list", timeout=60)
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(CASES)


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "record.json"
    target.write_text("good")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(target, "half-written")
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target], "a temporary file was left behind"


def test_merge_refuses_a_record_of_another_machine(tmp_path):
    record = records.committed()[0]
    other = {
        **record,
        "identity": {**record["identity"], "threads": record["identity"]["threads"] + 1},
    }
    with pytest.raises(UsageError, match="identity/threads"):
        records.merge(record, other, list(CASES), tmp_path / f"{record['slug']}.json")


def test_without_amx_the_amx_off_case_is_skipped_with_a_reason(monkeypatch):
    monkeypatch.setattr(cpu_cases, "host_flags", lambda: {"sse2", "avx2"})
    result = cpu_cases.case_gemm_amx_off(Settings(quick=True, threads=1))
    assert result and all("no AMX" in r["skipped"] for r in result)


def test_theoretical_peak_uses_the_best_extension_present():
    peaks = fingerprint.theoretical_peaks({"fma", "avx2"}, threads=2, ghz=2.0)
    assert (
        peaks["fp32"]["per_core_per_cycle"] == 32 and peaks["fp32"]["ops_per_s"] == 32 * 2 * 2.0e9
    )
    assert "bf16" not in peaks
    amx = fingerprint.theoretical_peaks(
        {"fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8", "avx512_vnni"}, 1, 1.0
    )
    assert amx["fp32"]["extension"] == "AVX-512 F" and amx["bf16"]["per_core_per_cycle"] == 1024
    assert amx["int8"]["per_core_per_cycle"] == 2048


def test_slow_calls_are_skipped_with_the_estimate():
    result = measuring.measure(lambda: time.sleep(0.6), Settings(quick=True, threads=1))
    assert "skipped" in result and "0.6 s" in result["skipped"]
    assert "0.6 秒" in strings.skip_reason(result["skipped"], "zh")


@pytest.mark.parametrize(("iqr", "timings", "noisy"), [(0.5, 2, True), (0.01, 1, False)])
def test_a_noisy_variant_is_measured_again_then_flagged(monkeypatch, iqr, timings, noisy):
    calls = []

    def timed(fn, settings, estimate):
        calls.append(1)
        return {
            "median_s": 1.0,
            "iqr_s": iqr,
            "min_s": 0.5,
            "max_s": 2.0,
            "runs": 3,
            "calls_per_run": 1,
        }

    monkeypatch.setattr(measuring, "_timed", timed)
    result = measuring.measure(lambda: None, Settings(quick=True, threads=1))
    assert len(calls) == timings and result.get("noisy", False) is noisy


def test_ladder_levels_follow_the_flags():
    assert [lv["id"] for lv in supported({"sse4_1", "avx", "avx2", "fma"})] == [
        "sse41",
        "avx",
        "avx2",
        "default",
    ]
    amx = {
        "sse4_1",
        "avx",
        "avx2",
        "fma",
        "avx512f",
        "avx512bw",
        "avx512dq",
        "avx512vl",
        "avx512_vnni",
        "avx512_bf16",
        "amx_tile",
        "amx_bf16",
        "amx_int8",
    }
    ids = [lv["id"] for lv in supported(amx)]
    assert ids[-2:] == ["avx512_core_amx", "default"] and "avx2_vnni" not in ids
    assert all(
        set(lv["caps"]) <= {"ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS", "ATEN_CPU_CAPABILITY"}
        for lv in LEVELS
    )
    assert ladder_case.levels_for(Settings(quick=True, threads=1))[-1]["id"] == "default"


def test_kernels_of_names_the_onednn_convolution():
    import torch

    from sitetools.bench.ladder_worker import kernels_of

    conv, x = (
        torch.nn.Conv2d(64, 64, 3, padding=1),
        torch.randn(2, 64, 28, 28),
    )  # big enough for oneDNN
    with torch.no_grad():
        found = kernels_of(lambda: conv(x))
    assert any(k.startswith("oneDNN convolution ") and "src:f32" in k for k in found), found
    assert any(k.startswith("ATen ") for k in found)


def test_parse_kernels_reads_primitives_gemm_api_calls_and_mkl():
    """torch._int_mm reaches oneDNN as a gemm_api call, whose line has no implementation name and
    writes its descriptors "src_s8::..."; a ladder that missed it would list such a row as ATen
    alone, which the pages read as PyTorch's own loop."""
    from sitetools.bench.ladder_worker import parse_kernels

    lines = [
        "onednn_verbose,v1,primitive,exec,cpu,convolution,jit:avx2,forward_inference,"
        "src:f32::blocked:abcd::f0 wei:f32::blocked:abcd::f0 bia:undef::undef::: "
        "dst:f32::blocked:abcd::f0,,alg:convolution_direct,mb1_ic32oc32_ih28oh28kh3,0.1",
        "onednn_verbose,v1,primitive,exec,cpu,gemm_api,,undef,src_s8::blocked:ab::f0 "
        "wei_s8::blocked:ab::f0 dst_s32::blocked:ab::f0,,,512x512:512x512,0.1",
        "onednn_verbose,v1,info,cpu,isa:Intel AVX2",
        "MKL_VERBOSE SGEMM(N,N,512,512,512,0x7f,0x7f,512,0x7f,512,0x7f,0x7f,512) 1.2ms",
        "MKL_VERBOSE oneMKL 2024.0 Product build",
    ]
    assert parse_kernels(lines, "AVX2") == {
        "oneDNN convolution jit:avx2 src:f32 wei:f32 bia:undef dst:f32",
        "oneDNN gemm_api src:s8 wei:s8 dst:s32",
        "MKL SGEMM (AVX2)",
    }


def test_an_int8_ladder_row_whose_output_equals_fp32s_is_not_timed(monkeypatch):
    """A quantization that did not take effect (PT2E under torch 2.11 + torchao 0.18 left the CNN
    in fp32) is recorded as skipped, with the reason, not timed as int8."""
    import torch

    from sitetools.bench import ladder_worker

    model = torch.nn.Linear(8, 8).eval()
    x = torch.randn(4, 8)
    fake = [("MLP int8 torchao dynamic", {"reference": lambda: model(x)}, lambda: lambda: model(x))]
    monkeypatch.setattr(ladder_worker, "workloads", lambda quick: iter(fake))
    out = _scratch("int8-") / "not-quantized.json"
    ladder_worker.main(["avx2", "1", "0", "-", str(out)])
    (row,) = json.loads(out.read_text())
    assert row["skipped"].startswith("no quantization took effect") and "median_s" not in row


def test_a_gemm_api_row_is_timed_again_at_every_level(monkeypatch):
    """A gemm_api call names no implementation, so the same kernel list at the next level (VNNI,
    AMX) may be other code: the row is timed, not recorded as "same kernels as"."""
    from sitetools.bench import ladder_worker

    listed = ["ATen AVX512", "oneDNN gemm_api src:s8 wei:s8 dst:s32"]
    fake = [("GEMM int8", {}, lambda: lambda: None)]
    monkeypatch.setattr(ladder_worker, "workloads", lambda quick: iter(fake))
    monkeypatch.setattr(ladder_worker, "kernels_of", lambda fn: listed)
    previous = _scratch("gemm-api-") / "previous.json"
    previous.write_text(json.dumps({"GEMM int8": {"kernels": listed, "level": "avx512_core"}}))
    out = previous.with_name("out.json")
    ladder_worker.main(["avx512_core_bf16", "1", "1", str(previous), str(out)])
    (row,) = json.loads(out.read_text())
    assert "same_as" not in row and "median_s" in row
    assert ladder_worker.names_its_code(["ATen AVX512", "oneDNN matmul brg_matmul:avx2 src:f32"])


def test_a_crashed_ladder_level_is_recorded_as_skipped_not_hidden(monkeypatch):
    class Crashed:
        returncode, stdout, stderr = -6, "", "*** stack smashing detected ***: terminated\n"

    monkeypatch.setattr(ladder_case.subprocess, "run", lambda *a, **k: Crashed())
    monkeypatch.setattr(ladder_case, "levels_for", lambda s: [LEVELS[0]])
    out = ladder_case.case_isa_ladder(Settings(quick=False, threads=1))
    assert len(out) == 9 and all(
        "exited with status -6: *** stack smashing" in r["skipped"] for r in out
    )


def test_unknown_ladder_level_is_refused():
    result = run_bench("--levels", "avx9", timeout=60)
    assert result.returncode == 2 and "unknown ladder level avx9" in result.stderr


@pytest.mark.parametrize("quick", [True, False])
def test_the_worker_yields_the_workloads_a_crashed_level_records(quick):
    from sitetools.bench.ladder_worker import WORKLOADS, workloads

    names = [name for name, _, _ in workloads(quick)]
    assert names == (WORKLOADS[:3] if quick else WORKLOADS)


def test_the_fingerprint_flags_are_explained_by_the_table_and_fixed():
    """Every flag of a machine's identity has a row in the instruction-set table; rows added to the
    table later (CLMUL, POPCNT, ...) do not enter the identity, so no committed record is
    renamed."""
    from sitetools import site_data

    table = {f for e in site_data.isa_entries() for f in e["flags"]}
    assert fingerprint.FINGERPRINT_FLAGS <= table
    assert "popcnt" in table and "popcnt" not in fingerprint.FINGERPRINT_FLAGS
    for record in records.committed():
        assert set(record["identity"]["isa_flags"]) <= fingerprint.FINGERPRINT_FLAGS


@pytest.mark.parametrize(
    ("variant", "error", "reason"),
    [
        ("int8 PT2E + freezing", 2e-7, "no quantization took effect"),
        ("int8 PT2E, no freezing", 86.2, "the output is wrong"),
        ("fp32 compiled + freezing", 2e-7, None),
        ("int8 torchao dynamic", 0.0093, None),
        ("bf16 autocast", 0.0031, None),
    ],
)
def test_a_variant_whose_output_belies_its_name_is_not_timed(variant, error, reason):
    found = measuring.invalid(variant, error)
    assert (found is None) if reason is None else (reason in found)
    if found:  # the Chinese pages say it in Chinese
        assert re.search(r"[\u4e00-\u9fff]", strings.skip_reason(found, "zh"))


def test_every_skip_reason_has_its_chinese():
    """The skip reasons of the committed records and the other texts the benchmark writes (its
    budget and crash messages) each match one skip_reasons entry of strings.yml; a reason without
    one stops the build of the Chinese pages."""
    reasons = {
        rec["skipped"]
        for record in records.committed()
        for case in record["cases"]
        for rec in case["records"]
        if "skipped" in rec
    }
    reasons |= {
        "predicted 20 s per call from n=1024, over the 5 s budget",
        "this level's process exited with status -9: Killed",
        "fp8 matmul needs compute capability 8.9 or newer, this GPU is (8, 0)",
        "RuntimeError: could not create a primitive",
        "torchmultimodal does not import: No module named 'torchvision'",
    }
    for reason in reasons:
        zh = strings.skip_reason(reason, "zh")
        assert re.search(r"[\u4e00-\u9fff]", zh) and "{" not in zh, (reason, zh)
    with pytest.raises(KeyError, match="no skip_reasons entry"):
        strings.skip_reason("a reason nobody wrote down", "zh")
