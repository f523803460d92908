from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT  # noqa: E402


def mkdocs_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", site_url: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SITE_URL", None)  # the tests expect mkdocs.yml's default, http://127.0.0.1:8000/
    if site_url:
        env["SITE_URL"] = site_url
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                           "--site-dir", str(site_dir)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built once per test session with --strict (any warning fails)."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return site


LIGHTHOUSE_SUMMARY = pytest.StashKey[dict]()  # set by tests/e2e/test_browser.py when it runs Lighthouse


def pytest_terminal_summary(terminalreporter, config):
    """Print the Lighthouse medians when this session measured them."""
    summary = config.stash.get(LIGHTHOUSE_SUMMARY, None)
    if summary is None:
        return
    terminalreporter.section("Lighthouse, phone profile, median of the runs")
    for name, page in summary.items():
        scores = " ".join(f"{k} {v:.2f}" for k, v in page["median"].items())
        terminalreporter.write_line(f"{name:<22} {scores} | performance runs {page['performance_runs']} | "
                                    f"{page['transfer_kib']} KiB")
