"""The site as readers use it: a real headless Chromium against the built site served on 127.0.0.1.

Needs Debian's chromium and, for the page budgets, Lighthouse from tests/e2e/package.json;
`make e2e` (part of `make test`) installs both. Without them the tests skip and say what is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import serve  # tests/e2e/serve.py
import yaml
from conftest import LIGHTHOUSE_SUMMARY, SITE_PATH, SITE_PORT, SITE_URL  # tests/conftest.py
from helpers import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LIGHTHOUSE = ROOT / "tests" / "e2e" / "node_modules" / ".bin" / "lighthouse"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUDGET = 0.95
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed: run `make e2e` (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def site(built_site):
    """The session's one site build (tests/conftest.py), served at the URL it was built for:
    SITE_URL, a free port on 127.0.0.1 and a sub-path, as on GitHub Pages (absolute URLs must
    match the server; a link that only works at the server's root fails)."""
    server = serve.serve(built_site, SITE_PORT, SITE_PATH)
    yield SITE_URL, built_site
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: run make e2e"
    )
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def page_urls(base: str, folder: Path, notebooks_per_language: int | None = None) -> list[str]:
    """Every page's URL; with notebooks_per_language, only the first that many notebook pages of
    each language (they share one template, made by mkdocs-jupyter)."""
    rels = [p.parent.relative_to(folder).as_posix() for p in sorted(folder.rglob("index.html"))]
    if notebooks_per_language is not None:
        kept = []
        for lang in ("notebooks/", "en/notebooks/"):
            notebooks = [r for r in rels if r.startswith(lang)]
            kept += notebooks[:notebooks_per_language]
        rels = [r for r in rels if "notebooks/" not in r or r in kept]
    return [base if rel == "." else f"{base}{rel}/" for rel in rels]


# Requests to any host but the test server: recorded and blocked. Only these go through Python;
# the site's own requests are not intercepted.
OTHER_HOSTS = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")


def new_page(browser):
    """A fresh page that records console errors and blocks (and records) requests to other hosts."""
    context = browser.new_context()
    page = context.new_page()
    page.errors, page.external = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def block(r):
        page.external.append(r.request.url)
        return r.abort()

    page.route(OTHER_HOSTS, block)
    return page


def open_page(browser, url: str):
    page = new_page(browser)
    page.goto(url, wait_until="load")
    return page


def test_every_page_loads_clean_and_makes_no_third_party_request(site, browser, request):
    """Every chapter page, and one notebook page per language: the notebook pages share one
    template, and loading all of them took a minute of the suite's time. The built HTML of every
    page, notebooks included, is checked for third-party requests in tests/test_site.py.

    In make test the Lighthouse runs (test_page_budgets) start now and run beside this test."""
    if LIGHTHOUSE.exists():
        request.getfixturevalue("lighthouse_runs").start_early()
    base, folder = site
    urls = page_urls(base, folder, notebooks_per_language=1)
    assert len(urls) >= 30 and sum("/notebooks/" in u for u in urls) == 2
    problems = []
    batch = 6  # pages loading at once: the browser spreads them over both cores
    for start in range(0, len(urls), batch):
        pages = []
        for url in urls[start : start + batch]:
            page = new_page(browser)
            page.goto(url, wait_until="commit")
            pages.append((url, page))
        for _, page in pages:
            page.wait_for_load_state("load")
            page.evaluate("Array.from(document.images).forEach(i => { i.loading = 'eager'; })")
            page.wait_for_function(
                "Array.from(document.images).every(i => i.complete)", timeout=10000
            )
        pages[-1][1].wait_for_timeout(300)  # late console errors (the language selector's fetches)
        for url, page in pages:
            broken_images = page.evaluate(
                "Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)"
            )
            if page.errors or page.external or broken_images:
                problems.append(
                    f"{url}: errors {page.errors}, third-party {page.external}, "
                    f"broken images {broken_images}"
                )
            page.context.close()
    assert not problems, "\n".join(problems)


def test_every_plot_loads(site, browser):
    base, _ = site
    for path in (
        "introduction/",
        "en/introduction/",
        "cpu/amx/",
        "en/cpu/amx/",
        "quantization/",
        "en/saving/",
    ):
        page = open_page(browser, base + path)
        count = page.evaluate("document.querySelectorAll('.bench-figure img').length")
        for i in range(
            count
        ):  # lazy images load once near the viewport: bring each there, one at a time
            page.evaluate(
                "i => document.querySelectorAll('.bench-figure img')[i].scrollIntoView()", i
            )
            page.wait_for_function(
                "i => document.querySelectorAll('.bench-figure img')[i].complete", arg=i
            )
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.bench-figure img')).map(i => i.naturalWidth)"
        )
        assert widths and all(w > 0 for w in widths), f"{path}: plot widths {widths}"
        page.context.close()


@pytest.mark.parametrize(
    ("start", "lang", "target"),
    [
        ("quantization/", "en", "en/quantization/"),
        ("en/quantization/", "zh", "quantization/"),
        ("cpu/onednn/", "en", "en/cpu/onednn/"),
        ("en/saving/onnx/", "zh", "saving/onnx/"),
    ],
)
def test_language_switcher_keeps_the_chapter(site, browser, start, lang, target):
    base, _ = site
    page = open_page(browser, base + start)
    page.hover(".md-header__option .md-select")
    page.click(f'.md-select__link[hreflang="{lang}"]')
    page.wait_for_url(base + target)
    assert page.url == base + target
    page.context.close()


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [("", "量化", "quantization/"), ("en/", "quantization", "en/quantization/")],
)
def test_search_lists_the_quantization_chapter_first(site, browser, start, query, expected):
    base, _ = site
    page, results = search_results(browser, base + start, query)
    first = results[0] if results else None
    assert first is not None, f"no search results for {query}"
    assert urlsplit(first).path == SITE_PATH + expected, f"first result for {query} is {first}"
    page.context.close()


def test_copy_button_copies_exactly_the_code(site, browser):
    base, _ = site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "saving/", wait_until="networkidle")
    block = page.locator("div.highlight").first
    block.hover()
    block.locator("xpath=..").locator("button[data-md-type=copy]").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    source = (ROOT / "snippets" / "saving" / "state_dict_keys.py").read_text(encoding="utf-8")
    assert copied.rstrip("\n") == source.rstrip("\n")
    context.close()


def test_instruction_set_table_renders_every_row_and_filters(site, browser):
    base, _ = site
    entries = yaml.safe_load((ROOT / "docs" / "data" / "isa.yml").read_text(encoding="utf-8"))
    page = open_page(browser, base + "en/cpu/")
    rows = page.locator("table.isa tbody tr")
    assert rows.count() == len(entries)
    page.fill(".isa-filter", "amx")
    visible = page.locator("table.isa tbody tr:not([hidden])")
    assert 5 <= visible.count() < len(entries)
    assert all("amx" in t.lower() for t in visible.all_inner_texts())
    page.fill(".isa-filter", "")
    page.select_option(".isa-family", "AVX-512")
    assert visible.count() == sum(e["family"] == "AVX-512" for e in entries)
    page.click("table.isa th >> nth=0")
    assert page.get_attribute("table.isa th >> nth=0", "aria-sort") == "ascending"
    page.context.close()


@pytest.mark.parametrize("path", ["quantization/", "en/quantization/"])
def test_glossary_tooltip_appears_on_hover(site, browser, path):
    base, _ = site
    page = open_page(browser, base + path)
    abbr = page.locator("article abbr[title]").first
    page.wait_for_timeout(300)
    abbr.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5000)
    assert tooltip.inner_text().strip()
    page.context.close()


# ---- page budgets --------------------------------------------------------------------------------


def heaviest_chapter(folder: Path, lang: str) -> str:
    """The chapter page (not the home page) with the most bytes of HTML and images."""
    root = folder / "en" if lang == "en" else folder
    sizes = {}
    for html in root.rglob("index.html"):
        rel = html.parent.relative_to(root).as_posix()
        if rel == "." or (lang == "zh" and rel.startswith("en")):
            continue
        text = html.read_text(encoding="utf-8")
        images = sum(
            (html.parent / src).stat().st_size
            for src in re.findall(r'<img src="([^"]+)"', text)
            if (html.parent / src).exists()
        )
        sizes[rel + "/"] = len(text.encode()) + images
    return max(sizes, key=sizes.get)


# Lighthouse's phone profile (simulated slow 4G, 4x CPU slowdown) scales the main-thread time it
# observes, so on this shared 2-core machine one page's performance score moves by up to 0.1
# between identical runs (accessibility, best practices and SEO do not move). Lighthouse's advice
# for that is several runs and the median: when this session judges performance (marker
# performance_budget, make e2e), five runs per home page and three per chapter; otherwise one run
# per page, for the other three categories.
HOME_RUNS = 5
CHAPTER_RUNS = 3
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


JUDGED_ALWAYS = ("accessibility", "best-practices", "seo")


def lighthouse(url: str, report: Path, categories: tuple[str, ...]) -> dict:
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(categories)}",
            "--chrome-flags=--headless=new " + " ".join(FLAGS),
        ],
        env=dict(os.environ, CHROME_PATH=CHROMIUM),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(report.read_text())


def median_run(runs: list[dict], category: str) -> dict:
    return sorted(runs, key=lambda r: r["categories"][category]["score"])[len(runs) // 2]


class LighthouseRuns:
    """The Lighthouse runs of this session's budgeted pages, started once (start) and collected
    (reports). In make test they judge no performance, so they may start early, beside the other
    browser tests (start_early); make e2e starts them only when their test comes, on an idle
    machine, since a performance score depends on the load."""

    def __init__(self, base: str, folder: Path, out: Path, judged: bool) -> None:
        self.judged = judged
        zh, en = heaviest_chapter(folder, "zh"), heaviest_chapter(folder, "en")
        self.run_count = {
            "zh home": HOME_RUNS if judged else 1,
            "en home": HOME_RUNS if judged else 1,
            f"zh {zh}": CHAPTER_RUNS if judged else 1,
            f"en {en}": CHAPTER_RUNS if judged else 1,
        }
        targets = {"zh home": "", "en home": "en/", f"zh {zh}": zh, f"en {en}": "en/" + en}
        if not judged:  # make test: one home page and one chapter, one in each language
            targets = {name: targets[name] for name in ("zh home", f"en {en}")}
        self.targets = targets
        # make test judges only the three categories that do not move between runs, and leaves
        # out the performance audits (a throttled page-load trace per page, the slowest part).
        self.categories = ("performance", *JUDGED_ALWAYS) if judged else JUDGED_ALWAYS
        self.jobs = {
            (name, run): (base + path, out / f"{i}-{run}.json")
            for i, (name, path) in enumerate(targets.items())
            for run in range(self.run_count[name])
        }
        # Without the performance audit nothing a run scores depends on the CPU's load, so two
        # run at once; judged performance runs go one at a time.
        self.pool = ThreadPoolExecutor(max_workers=1 if judged else 2)
        self.done: dict | None = None

    def start(self) -> None:
        if self.done is None:
            self.done = {
                key: self.pool.submit(lighthouse, url, report, self.categories)
                for key, (url, report) in self.jobs.items()
            }

    def start_early(self) -> None:
        if not self.judged:
            self.start()

    def reports(self) -> dict[str, list[dict]]:
        self.start()
        reports = {
            name: [self.done[(name, run)].result() for run in range(self.run_count[name])]
            for name in self.targets
        }
        self.pool.shutdown()
        return reports


@pytest.fixture(scope="module")
def lighthouse_runs(site, tmp_path_factory, request):
    if not LIGHTHOUSE.exists():
        pytest.skip("lighthouse is not installed: run `make e2e` (npm ci in tests/e2e)")
    base, folder = site
    judged = any(item.get_closest_marker("performance_budget") for item in request.session.items)
    return LighthouseRuns(base, folder, tmp_path_factory.mktemp("lighthouse"), judged)


@pytest.fixture(scope="module")
def lighthouse_reports(lighthouse_runs, request):
    judged = lighthouse_runs.judged
    reports = lighthouse_runs.reports()
    summary = {}
    for name, runs in reports.items():
        summary[name] = {
            "median": {
                c: median_run(runs, c)["categories"][c]["score"] for c in runs[0]["categories"]
            },
            "benchmark_index": [round(r["environment"]["benchmarkIndex"]) for r in runs],
        }
        if judged:
            summary[name] |= {
                "performance_runs": [r["categories"]["performance"]["score"] for r in runs],
                "median_performance_metrics": {
                    m: round(median_run(runs, "performance")["audits"][m]["numericValue"], 3)
                    for m in METRICS
                },
                "transfer_kib": round(
                    runs[0]["audits"]["total-byte-weight"]["numericValue"] / 1024
                ),
            }
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "lighthouse-summary.json").write_text(json.dumps(summary, indent=1))
    request.config.stash[LIGHTHOUSE_SUMMARY] = summary
    print("\nLighthouse, median of the runs:", json.dumps(summary, indent=1))
    return reports


def budget_failures(reports: dict, pages: list[str], categories: list[str]) -> list[str]:
    failures = []
    for name in pages:
        runs = reports[name]
        for category in categories:
            report = median_run(runs, category)
            score = report["categories"][category]["score"]
            if score < BUDGET:
                failing = [
                    ref["id"]
                    for ref in report["categories"][category]["auditRefs"]
                    if ref.get("weight")
                    and report["audits"][ref["id"]].get("score") is not None
                    and report["audits"][ref["id"]]["score"] < 1
                ]
                runs_scores = [r["categories"][category]["score"] for r in runs]
                failures.append(
                    f"{name}: {category} median {score:.2f} < {BUDGET} over runs {runs_scores} "
                    f"(failing audits in the median run: {failing})"
                )
    return failures


def test_page_budgets(lighthouse_reports):
    """Accessibility, best practices and SEO of the home page and the heaviest chapter, in both
    languages (`make e2e`); `make test` judges the Chinese home page and the heaviest English
    chapter, to stay within its time budget."""
    failures = budget_failures(
        lighthouse_reports, list(lighthouse_reports), ["accessibility", "best-practices", "seo"]
    )
    assert not failures, "\n".join(failures)


@pytest.mark.performance_budget
def test_performance_budget(lighthouse_reports):
    """Performance of the same pages: `make e2e` judges it; `make test` leaves it out. On the 2-core
    AMD EPYC (Lighthouse benchmark index 1100-1900) on 2026-11-26, with the light/dark toggle off
    Material's script (docs/assets/palette.js): home pages 0.90-0.96 (medians 0.93 and 0.94), the
    mixed-precision chapter 0.72-0.84 (median 0.78 in both languages); the same chapter without
    Material's script scored 0.96-0.98 (issue 18). A CI gate at 0.95 would also fail at random
    (CONTRIBUTING.md)."""
    failures = budget_failures(lighthouse_reports, list(lighthouse_reports), ["performance"])
    assert not failures, "\n".join(failures)


# ---- reader experience: search and language per page, outputs, tables on a phone (issue 18) ----

PHONE = {"width": 390, "height": 844}


def open_at(browser, url: str, viewport: dict):
    """open_page at a given window size."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page


def search_results(browser, url: str, query: str):
    """(page, hrefs of the search results for query) on the page at url. The search worker builds
    its index in the background, which takes several seconds for the Chinese index on a busy
    2-core machine: retype until it answers. The session's first search has gone unanswered in
    clean-clone runs under load, so a page that never answers is replaced by a fresh one."""
    for _ in range(3):
        page = open_page(browser, url)
        page.click("input.md-search__input")
        links = page.locator(".md-search-result__link")
        for _ in range(40):
            page.fill("input.md-search__input", "")
            page.keyboard.type(query, delay=30)
            for _ in range(10):  # up to a second for the answer, looked for every 100 ms
                page.wait_for_timeout(100)
                if links.count():
                    return page, [links.nth(i).get_attribute("href") for i in range(links.count())]
        page.context.close()
    return open_page(browser, url), []


@pytest.mark.parametrize(
    ("start", "query"),
    [("", "torch.compile"), ("en/", "torch.compile"), ("", "量化"), ("en/cpu/", "AMX")],
)
def test_search_returns_only_pages_of_the_readers_language(site, browser, start, query):
    base, _ = site
    page, results = search_results(browser, base + start, query)
    assert results, f"no search results for {query} on {start or 'the home page'}"
    en_root = urlsplit(base + "en/").path
    paths = [urlsplit(href).path for href in results]
    if start.startswith("en/"):
        assert all(p.startswith(en_root) for p in paths), f"non-English results: {paths}"
    else:
        assert all(p.startswith(SITE_PATH) and not p.startswith(en_root) for p in paths), paths
    page.context.close()


@pytest.mark.parametrize(
    ("start", "lang", "target"),
    [
        ("notebooks/quantization/", "en", "en/notebooks/quantization/"),
        ("en/notebooks/cpu-onednn/", "zh", "notebooks/cpu-onednn/"),
        ("en/no/such/page/", "en", "en/404.html"),
    ],
)
def test_language_switcher_from_a_notebook_and_the_404_page(site, browser, start, lang, target):
    """From a notebook to its twin; from the 404 page (served for any missing URL, here under en/:
    the host serves the site's root 404 page, in Chinese) to the other language's 404 page."""
    base, _ = site
    page = open_page(browser, base + start)
    page.hover(".md-header__option .md-select")
    page.click(f'.md-select__link[hreflang="{lang}"]')
    page.wait_for_url(base + target)
    assert page.url == base + target
    assert page.get_attribute("html", "lang") == lang
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
@pytest.mark.parametrize("path", ["saving/", "en/saving/"])
def test_outputs_are_labelled_set_apart_and_have_no_copy_button(site, browser, path, viewport):
    from sitetools import strings

    base, _ = site
    page = open_at(browser, base + path, viewport)
    lang = "en" if path.startswith("en/") else "zh"
    outputs = page.locator("article .highlight.output")
    assert outputs.count() >= 3
    for i in range(outputs.count()):
        block = outputs.nth(i)
        block.scroll_into_view_if_needed()
        block.hover()
        assert block.locator("button[data-md-type=copy]").count() == 0, "a copy button on an output"
        label = block.locator(".filename")
        assert label.is_visible() and label.inner_text().strip() == strings.text(
            "output_label", lang
        )
    style = """e => { const s = getComputedStyle(e.querySelector('pre > code'));
        return [s.backgroundColor, s.borderLeftWidth]; }"""
    code = page.locator("article .highlight:not(.output)").first.evaluate(style)
    output = outputs.first.evaluate(style)
    assert output != code and output[1] != "0px", f"output {output} looks like code {code}"
    # the selector finds Material's copy buttons: code blocks have them
    assert page.locator("article .highlight:not(.output) button[data-md-type=copy]").count() > 0
    page.context.close()


def test_instruction_set_table_order_dates_and_missing_values_last(site, browser):
    base, _ = site
    page = open_at(browser, base + "cpu/", {"width": 1280, "height": 900})
    heads = page.locator("table.isa thead th")
    assert heads.nth(1).inner_text().strip().startswith("对深度学习的意义")
    one_line = """cells => cells.filter(c => !c.hasAttribute('data-missing')).every(c => {
        const lh = parseFloat(getComputedStyle(c).lineHeight) || 20;
        const r = document.createRange(); r.selectNodeContents(c);
        return r.getBoundingClientRect().height < 1.5 * lh; })"""
    assert page.locator("table.isa td.isa-date").evaluate_all(one_line), "a date wraps"
    announced = 4  # the column "公布"
    for _ in range(2):  # ascending, then descending: the rows without a date stay last
        heads.nth(announced).click()
        missing = page.locator("table.isa tbody tr").evaluate_all(
            f"rows => rows.map(r => r.cells[{announced}].hasAttribute('data-missing'))"
        )
        assert any(missing) and missing == sorted(missing), "rows without a date are not last"
        dates = page.locator("table.isa tbody tr").evaluate_all(
            f"rows => rows.map(r => r.cells[{announced}])"
            ".filter(c => !c.hasAttribute('data-missing')).map(c => c.textContent.trim())"
        )
        order = heads.nth(announced).get_attribute("aria-sort")
        assert dates == sorted(dates, reverse=order == "descending"), order
    page.context.close()


@pytest.mark.parametrize(
    "path", ["cpu/", "en/cpu/", "glossary/", "en/glossary/", "quantization/", "en/quantization/"]
)
def test_tables_are_readable_on_a_phone(site, browser, path):
    """At 390 px the page does not scroll sideways; the instruction-set table, the glossary and the
    benchmark tables (three or more columns) are cards, each cell under its column's name."""
    base, _ = site
    page = open_at(browser, base + path, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tables = page.locator("article table.isa, article table.doc-table:has(th:nth-child(3))")
    assert tables.count() >= 1
    report = tables.evaluate_all(
        """ts => ts.map(t => {
            const cell = t.querySelector('tbody td:nth-child(3)');
            return {rows: getComputedStyle(t.querySelector('tbody tr')).display,
                    right: t.getBoundingClientRect().right, wide: t.scrollWidth > t.clientWidth + 1,
                    label: getComputedStyle(cell, '::before').content,
                    expected: JSON.stringify(cell.dataset.label || '')}; })"""
    )
    for table in report:
        assert table["rows"] == "block" and not table["wide"], table
        assert table["right"] <= PHONE["width"] and table["label"] == table["expected"], table
    page.context.close()


# ---- the light/dark toggle (docs/assets/palette.js, in place of Material's palette component) ----

SCHEME = "document.body.getAttribute('data-md-color-scheme')"
TOGGLE = "form[data-palette-toggle] label:not([hidden])"


@pytest.mark.parametrize(
    ("path", "title"), [("fusion/", "切换到深色模式"), ("en/fusion/", "Switch to dark mode")]
)
def test_the_toggle_switches_the_scheme_and_the_next_page_keeps_it(site, browser, path, title):
    """One label shows, named for the scheme it switches to; a click switches, the browser's
    colour scheme follows (meta color-scheme), and the next page opens in the chosen scheme."""
    base, _ = site
    page = open_page(browser, base + path)
    assert page.evaluate(SCHEME) == "default"
    assert page.locator(TOGGLE).count() == 1
    assert page.locator(TOGGLE).get_attribute("title") == title
    page.locator(TOGGLE).click()
    assert page.evaluate(SCHEME) == "slate"
    assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == "dark"
    page.goto(base + path.replace("fusion/", "pruning/"), wait_until="load")
    assert page.evaluate(SCHEME) == "slate", "the choice was not kept"
    assert page.locator(TOGGLE).get_attribute("for") == "__palette_0"
    page.focus("#__palette_1")
    page.keyboard.press("Enter")
    assert page.evaluate(SCHEME) == "default", "Enter on the toggle did not switch back"
    assert not page.errors, page.errors
    page.context.close()


def test_a_reader_whose_system_is_dark_starts_on_the_dark_scheme(site, browser):
    base, _ = site
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base + "en/", wait_until="load")
    assert page.evaluate(SCHEME) == "slate"
    assert page.locator(TOGGLE).get_attribute("title") == "Switch to light mode"
    context.close()
