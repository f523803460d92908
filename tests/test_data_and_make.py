"""Version stamps, pins, the Makefile and the GitHub workflow (data files: test_data_schemas.py)."""

from __future__ import annotations

import re
import subprocess

import yaml
from helpers import ROOT

from sitetools import site_data


def test_tested_versions_come_from_the_lock_file():
    versions = dict(
        site_data.tested_versions([ROOT / "snippets" / "saving" / "state_dict_keys.py"])
    )
    assert versions["torch"] == site_data.locked_versions()["torch"] == "2.13.0"
    assert "Python" in versions


def test_requirements_pin_every_direct_dependency():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and line != "numpy":
            assert "==" in line, f"requirements.txt: pin {line} with =="
    lock = site_data.locked_versions()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            assert lock.get(name.lower()) == version, (
                f"requirements.lock disagrees with requirements.txt on {name}"
            )


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_says_what_is_missing_when_python_is_wrong():
    result = make("check-python", "PYTHON=/nonexistent/python3.11")
    assert result.returncode != 0
    assert "error:" in result.stdout + result.stderr


def test_second_make_run_skips_the_install():
    result = make("--dry-run", "test")
    assert result.returncode == 0
    assert "pytest" in result.stdout and "pip install" not in result.stdout, result.stdout


CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def dry_run(*args: str) -> list[str]:
    """The commands make would run (make -n), one per line."""
    result = make("--dry-run", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_test_runs_the_linter_before_the_suite():
    lines = dry_run("test")
    lint = next(i for i, line in enumerate(lines) if "ruff check ." in line)
    suite = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert lint < suite, "make test must run ruff check before pytest"
    assert any("ruff check ." in line for line in dry_run("lint"))


def test_make_test_installs_the_python_packages_and_the_browser_tools_at_once():
    """Both installs mostly wait on the network and the disk, so they overlap (issue 16)."""
    together = [line for line in dry_run("test") if "--jobs=2" in line]
    assert together and ".venv/.installed" in together[0] and "e2e-deps" in together[0], together


def test_torch_index_points_pip_at_the_cpu_wheels_only_when_set():
    installs = [line for line in dry_run("--always-make", "install") if "pip install" in line]
    assert installs and not any("index-url" in line for line in installs), (
        "pip must use only its default index unless TORCH_INDEX is set"
    )
    for target in ("install", "lock"):
        lines = dry_run("--always-make", target, f"TORCH_INDEX={CPU_INDEX}")
        installs = [line for line in lines if "pip install" in line]
        assert installs and all(f"--extra-index-url {CPU_INDEX}" in line for line in installs), (
            f"make {target} TORCH_INDEX=... must pass the index to every pip install"
        )


def test_clean_removes_every_generated_folder_and_keeps_what_is_installed():
    installed = {".venv/", "tests/e2e/node_modules/"}  # make clean keeps these (Makefile, README)
    commands = " ".join(dry_run("clean"))
    ignored = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for entry in ignored:
        if entry in installed:
            assert f"-path ./{entry.rstrip('/')}" in commands, f"make clean must keep {entry}"
            continue
        name = "__pycache__" if entry == "*.pyc" else entry.strip("/")
        assert name in commands, f"make clean leaves {entry} (listed in .gitignore) behind"
    assert ".ruff_cache" in commands


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text())


def test_workflow_grants_pages_rights_only_to_the_deploy_job():
    flow = workflow()
    assert flow["permissions"] == {"contents": "read"}
    for name, job in flow["jobs"].items():
        rights = job.get("permissions", {})
        if name == "deploy":
            assert rights == {"pages": "write", "id-token": "write"}
        else:
            assert "pages" not in rights and "id-token" not in rights, f"job {name}"


def test_workflow_installs_the_cpu_torch_with_a_pip_cache_on_the_lock():
    job = workflow()["jobs"]["test"]
    assert job["env"]["TORCH_INDEX"] == CPU_INDEX
    steps = job["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/pip"
    assert "hashFiles('requirements.lock'" in cache["with"]["key"]
    runs = [s.get("run", "") for s in steps]
    install = runs.index("make install")
    assert "+cpu" in runs[install + 1] and "nvidia-" in runs[install + 1], (
        "right after make install, a step must check that the CPU build of torch was installed"
    )
    assert runs.index("make test") > install + 1


def test_workflow_installs_the_node_version_the_readme_and_makefile_name():
    readme = set(re.findall(r"Node\.js (\d+)", (ROOT / "README.md").read_text(encoding="utf-8")))
    makefile = re.search(r"^NODE_VERSION := (\d+)$", (ROOT / "Makefile").read_text(), re.M)
    steps = workflow()["jobs"]["test"]["steps"]
    node = next(s for s in steps if s.get("uses", "").startswith("actions/setup-node@"))
    assert readme == {makefile.group(1)} == {str(node["with"]["node-version"])}
