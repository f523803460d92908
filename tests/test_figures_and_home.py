"""Figures (labels that cross no line, every roof visible, the loss difference, captions, links to
the full-size file, transparent backgrounds with a dark rendering, no URLs inside), the home page's
start-here path and headline results, and the "tested with" line under each chapter's title."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from helpers import DOCS, ROOT, all_pages

from sitetools import records, site_data, strings, tested_with
from sitetools.paths import FIGURES, HOSTS
from sitetools.plots import machine_figure, style

RECORDS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HOSTS.glob("*.json"))]
LANGS = ("zh", "en")


def with_case(name: str) -> list[dict]:
    return [r for r in RECORDS if any(c["name"] == name for c in r["cases"])]


def case_of(record: dict, name: str) -> dict:
    return next(c for c in record["cases"] if c["name"] == name)


# ---- geometry, independent of sitetools.plots.labels -----------------------------------------


def drawn_lines(ax) -> list:
    return [ln for ln in ax.lines if ln.get_linestyle() not in ("None", "", " ")]


def display_points(line, samples: int = 400) -> list[tuple[float, float]]:
    """Points along a line, evenly spaced in display coordinates."""
    xy = line.get_transform().transform(line.get_xydata())
    out = []
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
        out += [
            (x0 + (x1 - x0) * k / samples, y0 + (y1 - y0) * k / samples) for k in range(samples)
        ]
    return out + [tuple(xy[-1])]


def distance_to_line(point, line) -> float:
    (px, py), xy = point, line.get_transform().transform(line.get_xydata())
    best = math.inf
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
        dx, dy = x1 - x0, y1 - y0
        k = (
            0.0
            if dx == dy == 0
            else max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)))
        )
        best = min(best, math.hypot(px - x0 - k * dx, py - y0 - k * dy))
    return best


def final_figure(record: dict, name: str, lang: str):
    """The figure as saved: drawn, stamped, laid out (style.save only adds the SVG writing)."""
    fig = machine_figure(record, name, lang)
    if fig is not None:
        style.layout(fig)
    return fig


# ---- the roofline ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("record", with_case("bandwidth"), ids=lambda r: r["slug"])
def test_roofline_labels_cross_no_line_and_stay_inside(record, lang):
    fig = final_figure(record, "roofline", lang)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_text()]
    assert len(texts) >= 3, "the roofline lost its point labels"
    for text in texts:
        box = text.get_window_extent(renderer)
        assert (
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        ), f"label {text.get_text()!r} sticks out of the axes"
        for line in drawn_lines(ax):
            crossing = [p for p in display_points(line) if box.contains(*p)]
            assert not crossing, f"label {text.get_text()!r} crosses the line {line.get_label()!r}"
        for other in texts:
            if other is not text:
                assert not box.overlaps(other.get_window_extent(renderer)), (
                    f"labels {text.get_text()!r} and {other.get_text()!r} overlap"
                )
    plt.close(fig)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("record", with_case("bandwidth"), ids=lambda r: r["slug"])
def test_every_roof_of_the_roofline_is_visible(record, lang):
    """Each measured GEMM peak (and the bandwidth slope) is a line of its own, 90 % of it at least
    3 pixels from every other line: no roof hides under another."""
    peaks: dict[str, float] = {}
    for r in case_of(record, "gemm")["records"]:
        if "ops_per_s" in r:
            peaks[r["variant"]] = max(peaks.get(r["variant"], 0), r["ops_per_s"])
    fig = final_figure(record, "roofline", lang)
    ax = fig.axes[0]
    lines = drawn_lines(ax)
    for dtype, peak in peaks.items():
        assert any(
            len(set(ln.get_ydata())) == 1
            and math.isclose(ln.get_ydata()[0], peak / 1e9, rel_tol=1e-9)
            for ln in lines
        ), f"no roof line at the measured {dtype} peak"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == len(lines), "every line is named in the legend"
    for line in lines:
        points = display_points(line, 50)
        free = [
            p for p in points if all(distance_to_line(p, o) >= 3 for o in lines if o is not line)
        ]
        assert len(free) >= 0.9 * len(points), (
            f"the line {line.get_label()!r} is hidden under another"
        )
    plt.close(fig)


# ---- the loss curves -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("record", with_case("training"), ids=lambda r: r["slug"])
def test_loss_figure_plots_each_curves_relative_difference_from_fp32(record, lang):
    runs = [r for r in case_of(record, "training")["records"] if r.get("loss_curve")]
    fig = final_figure(record, "loss", lang)
    labels = {ax.get_ylabel(): ax for ax in fig.axes}
    checked = 0
    for base in (r for r in runs if r["variant"].endswith("fp32")):
        label = strings.table()["plots"]["loss_relative"][lang].format(
            base=strings.variant(base["variant"], lang)
        )
        assert label in labels, f"no difference axis for {base['variant']}"
        ax = labels[label]
        assert any(set(ln.get_ydata()) == {0} for ln in ax.lines), "the zero line is missing"
        for run in runs:
            if run["model"] == base["model"] and run is not base:
                expected = [
                    (a - b) / b for a, b in zip(run["loss_curve"], base["loss_curve"], strict=True)
                ]
                assert any(
                    list(ln.get_ydata()) == pytest.approx(expected, abs=1e-12) for ln in ax.lines
                ), f"{run['variant']}: its difference from {base['variant']} is not drawn"
                checked += 1
    assert checked, "no loss curve was compared with fp32"
    plt.close(fig)


# ---- the SVG files ---------------------------------------------------------------------------

NAMESPACE = re.compile(r'\sxmlns(?::\w+)?="[^"]*"')


def committed_svgs() -> list[Path]:
    return sorted(FIGURES.glob("*.svg"))


@pytest.mark.parametrize("path", committed_svgs(), ids=lambda p: p.name)
def test_figures_have_a_transparent_background_and_no_url(path):
    svg = path.read_text(encoding="utf-8")
    background = re.search(r'<g id="patch_1">\s*<path d="[^"]*"\s*style="([^"]*)"', svg)
    assert background and "fill: none" in background.group(1), (
        f"{path.name}: the figure background is not transparent (it would glare in dark mode)"
    )
    rest = NAMESPACE.sub("", svg)
    assert not re.search(r"https?:|@font-face|@import|<image|<script|<!DOCTYPE", rest), (
        f"{path.name} refers to a URL, a font or an image"
    )
    assert not re.search(r"url\((?!#)", rest) and not re.search(r'href="(?!#)', rest), (
        f"{path.name} refers to something outside itself"
    )


def test_the_stylesheet_gives_figures_a_dark_rendering_under_the_slate_scheme():
    css = (DOCS / "assets" / "site.css").read_text(encoding="utf-8")
    rule = re.search(r'\[data-md-color-scheme="slate"\]\s*\.bench-figure img\s*\{([^}]*)\}', css)
    assert rule and re.search(r"filter:\s*invert\(", rule.group(1)), (
        "docs/assets/site.css has no dark rendering of the figures under Material's slate scheme"
    )
    plain = re.search(r"(?<![\]\w-])\.bench-figure img\s*\{([^}]*)\}", css)
    assert plain and "background" not in plain.group(1), "figures must not get a white background"


def test_plots_only_redraws_a_record_into_the_committed_figures(tmp_path):
    """`python -m sitetools.bench --plots-only` draws from the records (one small record here)."""
    record = min(RECORDS, key=lambda r: len(r["cases"]))
    hosts = tmp_path / "hosts"
    hosts.mkdir()
    (hosts / f"{record['slug']}.json").write_text(json.dumps(record), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitetools.bench",
            "--plots-only",
            "--records",
            str(hosts),
            "--figures",
            str(tmp_path / "figures"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    drawn = sorted((tmp_path / "figures").glob(f"*-{record['slug']}.*.svg"))
    assert drawn, "no figure drawn"
    for path in drawn:
        assert path.read_bytes() == (FIGURES / path.name).read_bytes(), f"{path.name} differs"


def test_plot_modules_do_one_job_each_under_300_lines():
    modules = sorted((ROOT / "sitetools" / "plots").glob("*.py"))
    assert len(modules) >= 4 and not (ROOT / "sitetools" / "plots.py").exists()
    for path in modules:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines < 300, f"{path.relative_to(ROOT)} has {lines} lines"


# ---- the built pages: figures ----------------------------------------------------------------


class Figures(HTMLParser):
    """Every <img> with the <figure>, <a> and <figcaption> around it."""

    def __init__(self, text: str):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.images: list[dict] = []
        self.figure: dict | None = None
        self.in_caption = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure":
            self.figure = {"caption": "", "images": []}
        if tag == "figcaption":
            self.in_caption = True
        if tag == "img":
            link = next((x for t, x in reversed(self.stack) if t == "a"), None)
            image = {
                "src": a.get("src"),
                "alt": a.get("alt"),
                "href": link and link.get("href"),
                "figure": self.figure,
            }
            self.images.append(image)
        if tag not in ("img", "br", "meta", "link", "input", "hr", "source"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if tag == "figcaption":
            self.in_caption = False
        if tag == "figure":
            self.figure = None

    def handle_data(self, data):
        if self.in_caption and self.figure is not None:
            self.figure["caption"] += data


def article(html: str) -> str:
    start = html.find("<article")
    return html[start : html.find("</article>", start)] if start != -1 else ""


def test_every_figure_has_a_caption_and_opens_full_size(built_site):
    seen = 0
    for page in sorted(built_site.rglob("index.html")):
        for image in Figures(article(page.read_text(encoding="utf-8"))).images:
            where = f"{page.relative_to(built_site)}: <img src={image['src']}>"
            assert image["figure"] is not None, f"{where} is not in a <figure>"
            assert image["figure"]["caption"].strip(), f"{where} has no caption"
            assert image["alt"], f"{where} has no alt text"
            assert image["href"] == image["src"], f"{where} does not link to its full-size file"
            target = (page.parent / image["src"]).resolve()
            assert target.is_file(), f"{where}: the file is missing"
            seen += 1
    figures_on_pages = len(
        re.findall(
            r"<!--\s*render:figure ", "".join(p.read_text(encoding="utf-8") for p in all_pages())
        )
    )
    assert seen >= figures_on_pages > 0


# ---- the home page ---------------------------------------------------------------------------


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", article(html)))


def home(built_site: Path, lang: str) -> str:
    return (built_site / ("" if lang == "zh" else "en") / "index.html").read_text(encoding="utf-8")


NOT_CHAPTERS = {"index", "glossary", "machines", "references"}
CHAPTERS = [  # URL of every chapter, relative to a home page
    p.relative_to(DOCS).as_posix().rsplit(".", 2)[0].removesuffix("/index") + "/"
    for p in sorted(DOCS.rglob("*.zh.md"))
    if p.name.rsplit(".", 2)[0] not in NOT_CHAPTERS or p.parent != DOCS
]


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_has_a_start_here_path_and_runs_the_examples(built_site, lang):
    html = home(built_site, lang)
    for anchor in ("start-here", "audience", "prerequisites", "reading-order", "run-examples"):
        assert f'id="{anchor}"' in html, f"the home page has no #{anchor} section"
    order = html[html.index('id="reading-order"') : html.index('id="headlines"')]
    for chapter in CHAPTERS:
        assert f'href="{chapter}"' in order, f"the reading order does not link {chapter}"
    text = text_of(html)
    assert "pip install -r requirements.txt" in text and "python snippets/" in text
    assert "make serve" not in text, "building the site belongs in CONTRIBUTING.md"
    assert "make serve" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def level_ms(entry: dict, workload: str) -> list[float]:
    """Milliseconds of a workload per ladder level; "same kernels as X" takes X's figure."""
    rows = entry["records"]
    out = []
    for level in dict.fromkeys(r["level"] for r in rows):
        rec = next((r for r in rows if r["level"] == level and r["workload"] == workload), None)
        while rec is not None and "same_as" in rec:
            rec = next(
                r for r in rows if r["level"] == rec["same_as"] and r["workload"] == workload
            )
        if rec is not None and "median_s" in rec:
            out.append(rec["median_s"] * 1e3)
    return out


def paragraphs(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p))
        for p in re.findall(r"<p>(.*?)</p>", article(html), re.S)
    ]


def clause(text: str, label: str, labels: list[str]) -> str:
    """The part of a headline about one machine: from its label to the next machine's label."""
    start = text.index(label)
    ends = [text.find(other, start + 1) for other in labels if other != label]
    return text[start : min([e for e in ends if e != -1], default=len(text))]


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_headlines_are_the_records_numbers(built_site, lang):
    from sitetools import machines

    paras = paragraphs(home(built_site, lang))
    labels = [machines.label(r, lang) for r in RECORDS]
    ladders = with_case("isa_ladder")
    assert ladders, "no record has an instruction-set ladder"
    for record in ladders:
        ms = level_ms(case_of(record, "isa_ladder"), "CNN fp32")
        text = next((p for p in paras if all(f"{v:.3g} ms" in p for v in ms)), None)
        assert text, f"no headline gives the CNN fp32 times of the ladder: {ms}"
        part = clause(text, machines.label(record, lang), labels)
        positions = [part.index(f"{v:.3g} ms") for v in ms]
        assert positions == sorted(positions), "the levels are not in ladder order"
        assert f"{ms[0] / ms[-1]:.2f}×" in part
    for record in with_case("quantization"):
        entry = case_of(record, "quantization")
        base = next(r for r in entry["records"] if r["variant"] == entry["baseline"])
        int8 = sorted(
            (r for r in entry["records"] if r["variant"].startswith("int8") and "median_s" in r),
            key=lambda r: r["median_s"],
        )
        fastest = strings.variant(int8[0]["variant"], lang)
        text = next((p for p in paras if fastest in p and "%" in p), None)
        assert text, "no headline names the fastest int8 path"
        part = clause(text, machines.label(record, lang), labels)
        assert fastest in part
        assert f"{base['median_s'] / int8[0]['median_s']:.2f}×" in part
        assert f"{base['median_s'] / int8[-1]['median_s']:.2f}×" in part
        assert f"{int8[0]['accuracy']:.1%}" in part and f"{base['accuracy']:.1%}" in part


# ---- "tested with" under each chapter's title ------------------------------------------------


def pages_with_code() -> list[Path]:
    return [
        p for p in all_pages() if re.search(r'--8<-- "snippets/', p.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: str(p.relative_to(DOCS)))
def test_each_chapter_with_code_has_the_tested_with_line_under_its_title(page):
    text = page.read_text(encoding="utf-8")
    assert re.search(r"^# .*\n\n<!-- render:tested-with -->\n", text, re.M), (
        f"docs/{page.relative_to(DOCS)}: put <!-- render:tested-with --> right under the title"
    )


def locked() -> dict[str, str]:
    return site_data.locked_versions()


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: str(p.relative_to(DOCS)))
def test_tested_with_names_the_locked_versions_and_the_machines(built_site, page):
    lang = page.name.split(".")[-2]
    stem = page.relative_to(DOCS).as_posix().rsplit(".", 2)[0].removesuffix("index")
    url = ("" if lang == "zh" else "en/") + (
        stem + "/" if stem and not stem.endswith("/") else stem
    )
    html = (built_site / url / "index.html").read_text(encoding="utf-8")
    body = article(html)
    line = re.search(r'<p class="tested-with">(.*?)</p>', body, re.S)
    assert line, f"{url}: no tested-with line"
    between = body[body.index("</h1>") : line.start()]
    assert "<h2" not in between and "<p>" not in between, (
        f"{url}: the tested-with line is not right under the title"
    )
    text = re.sub(r"<[^>]+>", "", line.group(1))
    pins = locked()
    pairs = re.findall(r"([A-Za-z][\w.-]*) (\d+(?:\.[\w+]+)*)", text.split("。")[0].split(". ")[0])
    assert ("torch", pins["torch"]) in pairs, f"{url}: {text}"
    for name, version in pairs:
        if name != "Python":
            assert pins.get(name.lower().replace("_", "-")) == version, (
                f"{url}: {name} {version} is not the version in requirements.lock"
            )
    cases = tested_with.BENCH_HOST.findall(page.read_text(encoding="utf-8"))
    measured = {c for group in cases for c in group.split()}
    expected = {r["slug"] for r in records.committed() if any(records.case(r, c) for c in measured)}
    linked = set(re.findall(r'href="[^"]*machines/#([\w-]+)"', line.group(1)))
    assert linked == expected, f"{url}: machines linked {linked}, records with its cases {expected}"
    machines_page = built_site / ("" if lang == "zh" else "en/") / "machines" / "index.html"
    ids = set(re.findall(r'id="([\w-]+)"', machines_page.read_text(encoding="utf-8")))
    assert linked <= ids, f"{url}: links to machines that are not on the Machines page"


def ladder_row(workload: str, level: str, kernels: list[str], **measured) -> dict:
    return {
        "workload": workload,
        "level": level,
        "level_label": level.upper(),
        "kernels": kernels,
        "caps": {"ONEDNN_MAX_CPU_ISA": level.upper()},
        **measured,
    }


def test_the_ladder_table_and_steps_say_what_the_record_says():
    """Figures in plain digits (1540, not 1.54e+03); a workload whose kernel names did not change
    but which was timed again (oneDNN gemm_api names no kernel) gets its own clause, not "kernels
    changed"; "= X" rows are not compared."""
    from sitetools import ladder_pages

    gemm_api = "oneDNN gemm_api src:s8 wei:s8 dst:s32"
    conv = "oneDNN convolution jit:avx512_core src:f32 wei:f32 bia:undef dst:f32"
    entry = {
        "records": [
            ladder_row(
                "GEMM int8",
                "avx512_core",
                ["ATen AVX512", gemm_api],
                median_s=0.2,
                ops_per_s=1543.2e9,
            ),
            ladder_row("CNN fp32", "avx512_core", ["ATen AVX512", conv], median_s=0.004),
            ladder_row("MLP fp32", "avx512_core", ["ATen AVX512"], median_s=0.001),
            ladder_row(
                "GEMM int8",
                "avx512_core_vnni",
                ["ATen AVX512", gemm_api],
                median_s=0.1,
                ops_per_s=3086.4e9,
            ),
            ladder_row(
                "CNN fp32",
                "avx512_core_vnni",
                ["ATen AVX512", conv.replace("jit:", "brg:")],
                median_s=0.002,
            ),
            ladder_row("MLP fp32", "avx512_core_vnni", ["ATen AVX512"], same_as="avx512_core"),
        ]
    }
    for lang, unnamed in (
        ("en", "timed again because gemm_api names no kernel"),
        ("zh", "照样重测"),
    ):
        table = ladder_pages.table(entry, lang)
        assert "| 1540 |" in table and "| 3090 |" in table and "e+" not in table, table
        step = ladder_pages.steps(entry, lang)[1]
        cnn, gemm = (f"{strings.variant(w, lang)} 2.00×" for w in ("CNN fp32", "GEMM int8"))
        assert cnn in step and gemm in step and strings.variant("MLP fp32", lang) not in step
        assert step.index(unnamed) < step.index(gemm) and step.index(cnn) < step.index(unnamed)


def test_no_committed_ladder_reuses_a_gemm_api_time():
    """A "same kernels as" row is never one whose kernels include a oneDNN gemm_api call (see
    ladder_worker.names_its_code): such a row is measured at every level."""
    from sitetools.bench.ladder_worker import names_its_code

    for record in with_case("isa_ladder"):
        for rec in case_of(record, "isa_ladder")["records"]:
            assert "same_as" not in rec or names_its_code(rec["kernels"]), (
                f"{record['slug']}: {rec['workload']} @ {rec['level']} reuses {rec['same_as']}'s "
                'time though gemm_api names no kernel; run make bench ARGS="--only isa_ladder"'
            )


def test_table_times_are_written_as_g_writes_them_but_never_in_exponent_form():
    """A 1.5 s step is "1510" ms in a bench table, not "1.51e+03"; below 1000 nothing changes."""
    from sitetools.bench_tables import milliseconds, significant

    assert milliseconds(1.5128) == "1510" and milliseconds(0.3604, 2) == "360"
    for value in (0.000123456, 0.0456, 1.8, 12.0, 99.4, 123.456, 999.4):
        assert significant(value) == f"{value:.3g}"
        if value < 99.5:  # below 100, two digits need no exponent either
            assert significant(value, 2) == f"{value:.2g}"
