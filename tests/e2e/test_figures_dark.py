"""Figures under the theme's colour toggle, in a real headless Chromium: on the light scheme they
are shown as drawn, on the slate scheme (switched with the toggle, not the system setting) they
get the stylesheet's dark rendering, and every figure links to its own file, which loads."""

from __future__ import annotations

import shutil

import pytest
import serve  # tests/e2e/serve.py
from conftest import free_port  # tests/conftest.py

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed: run `make e2e` (apt-get install chromium)"
)
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
def page(built_site):
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: run make e2e"
    )
    port = free_port()
    server = serve.serve(built_site, port)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 390, "height": 844})
        tab.base = f"http://127.0.0.1:{port}/"
        yield tab
        browser.close()
    server.shutdown()


FILTER = "getComputedStyle(document.querySelector('.bench-figure img')).filter"


@pytest.mark.parametrize("path", ["introduction/", "en/mixed-precision/"])
def test_the_theme_toggle_gives_figures_their_dark_rendering(page, path):
    page.goto(page.base + path)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    if page.evaluate(scheme) != "default":  # start from the light scheme
        page.locator("label[for^=__palette]:not([hidden])").first.click()
    assert page.evaluate(scheme) == "default"
    assert page.evaluate(FILTER) == "none", "figures are altered on the light scheme"
    page.locator("label[for^=__palette]:not([hidden])").first.click()
    assert page.evaluate(scheme) == "slate"
    assert "invert" in page.evaluate(FILTER), "figures keep their light rendering on slate"
    page.locator("label[for^=__palette]:not([hidden])").first.click()  # back for the next test


def test_tapping_a_figure_opens_it_full_size(page):
    page.goto(page.base + "en/introduction/")
    link = page.locator(".bench-figure a").first
    href = link.get_attribute("href")
    assert href == page.locator(".bench-figure img").first.get_attribute("src")
    link.scroll_into_view_if_needed()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(".svg"), page.url
    assert page.evaluate("document.documentElement.tagName.toLowerCase()") == "svg"
