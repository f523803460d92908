from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import helpers
import pytest
from helpers import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The one site build of a test session is made for this URL, so that tests/e2e can serve it there
# (absolute URLs such as hreflang alternates must point at the server) and the site tests resolve
# absolute links against it.
SITE_PORT = free_port()
SITE_URL = f"http://127.0.0.1:{SITE_PORT}/"


def mkdocs_build(
    site_dir: Path, config: Path = ROOT / "mkdocs.yml", site_url: str = SITE_URL
) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=site_url)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built once per test session with --strict (any warning fails), for SITE_URL.

    Every test that reads the built site uses this fixture, the browser tests too (they serve it on
    SITE_PORT); only tests that must break the build on purpose build a copy of their own."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(site)
    assert result.returncode == 0, (
        f"mkdocs build --strict failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return site


def pytest_collection_finish(session):
    """Start the selected code blocks' runs in the background as soon as the tests are known (helpers.start_runs):
    the snippets then run while the browser and site tests use the other core."""
    modules = {}
    for item in session.items:
        if hasattr(getattr(item, "module", None), "background_runs"):
            modules.setdefault(item.module, []).append(item)
    for module, items in modules.items():
        helpers.start_runs(module.background_runs(items))


def pytest_sessionfinish(session):
    helpers.stop_runs()


LIGHTHOUSE_SUMMARY = pytest.StashKey[
    dict
]()  # set by tests/e2e/test_browser.py when it runs Lighthouse


def pytest_terminal_summary(terminalreporter, config):
    """Print the Lighthouse medians when this session measured them."""
    summary = config.stash.get(LIGHTHOUSE_SUMMARY, None)
    if summary is None:
        return
    terminalreporter.section("Lighthouse, phone profile, median of the runs")
    for name, page in summary.items():
        scores = " ".join(f"{k} {v:.2f}" for k, v in page["median"].items())
        terminalreporter.write_line(
            f"{name:<22} {scores} | performance runs {page['performance_runs']} | "
            f"{page['transfer_kib']} KiB"
        )
