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
# absolute links against it. Like the Pages site (https://<owner>.github.io/<repository>/), it lives
# under a sub-path, so a link that only works at the server's root fails the tests.
SITE_PORT = free_port()
SITE_PATH = "/dl-perf/"
SITE_URL = f"http://127.0.0.1:{SITE_PORT}{SITE_PATH}"
# The repository the test build links to (edit links, the header's source link), as the Pages
# workflow's REPO_URL does; a github.com URL, so that the browser tests catch any request the theme
# would make to GitHub's API for it.
REPO_URL = "https://github.com/example/dl-perf"


def mkdocs_build(
    site_dir: Path, config: Path = ROOT / "mkdocs.yml", site_url: str = SITE_URL
) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=site_url, REPO_URL=REPO_URL)
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
    (site.parent / f"{site.name}.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return site


def build_log(site: Path) -> str:
    """What MkDocs printed while building the session's site (INFO messages included)."""
    return (site.parent / f"{site.name}.log").read_text(encoding="utf-8")


def pytest_collection_modifyitems(config, items):
    """The tests that wait for a background block run go last, in their order: meanwhile the
    main thread runs the site, browser and benchmark tests on the other core, so the two cores
    work at once instead of taking turns."""
    waits = [i for i in items if getattr(i.module, "background_runs", None)]
    waiting = {id(i) for i in waits}
    items[:] = [i for i in items if id(i) not in waiting] + waits


def pytest_collection_finish(session):
    """Start the background work as soon as the tests are known: the selected code blocks' runs
    (a module's background_runs, run by helpers.start_runs) and a module's other long jobs
    (its start_jobs, such as the benchmark runs of tests/test_bench.py). They run while the
    browser and site tests use the other core."""
    modules = {}
    for item in session.items:
        module = getattr(item, "module", None)
        if hasattr(module, "background_runs") or hasattr(module, "start_jobs"):
            modules.setdefault(module, []).append(item)
    for module, items in modules.items():
        if hasattr(module, "start_jobs"):
            module.start_jobs(items)
        if hasattr(module, "background_runs"):
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
        if "performance_runs" in page:
            scores += f" | performance runs {page['performance_runs']} | {page['transfer_kib']} KiB"
        terminalreporter.write_line(f"{name:<22} {scores}")
