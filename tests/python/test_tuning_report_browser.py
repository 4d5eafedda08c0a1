"""scripts/tuning_report.py in a real headless browser: Debian's chromium driven by Playwright.

The report is built from the hand-computed fixture of test_tuning_reports.py (9 judged contacts,
3 converted, base rate 1/3; mql 40, sql 80; March 2026 flagged below trend), so every chart has
data and every takeaway is known in advance. The browser must be /usr/bin/chromium (scripts/test.sh
installs it); Playwright never downloads one. A missing chromium fails the tests, it does not skip
them. The full-page screenshot is kept as target/test-artifacts/tuning_report.png.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
from dbt_harness import REPO_ROOT
from playwright.sync_api import Browser, Page, Route, sync_playwright
from test_tuning_reports import VARS, make_tuning_project

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT = REPO_ROOT / "scripts" / "tuning_report.py"
ARTIFACTS = REPO_ROOT / "target" / "test-artifacts"
MARKS = "svg .mark:is(rect, path, circle)"

# chart container id -> (data-chart key, least number of marks, the takeaway, hand-computed)
CHARTS = {
    "chart-score-distribution": (
        "distribution",
        # shares per 20-point band: converted 0, 1/3, 0, 1/3, 1/3; the others 1/6, 1/6, 2/6,
        # 2/6, 0: 7 non-empty bars. Medians: converted 20, 70, 80; others 10, 20, 40, 50, 60, 70
        7,
        "Converted leads peaked at a median score of 70, above the 45 of the others.",
    ),
    "chart-funnel": (
        "funnel",
        6,  # judged contacts 9, leads 6, mqls 7, sqls 1, opportunities 4, customers 4
        "The biggest drop is MQL → SQL: 14.3% of MQLs became SQLs (median 2 days).",
    ),
    "chart-score-bands": (
        "score_bands",
        5,  # 0, 20, 40, 60, 80; pooled from 80: 1 of 1 converted = 3.0x the base rate 1/3
        "Leads scoring 80+ convert at 3.0\u00d7 the average rate (100% vs 33.3%).",
    ),
    "chart-grades": (
        "grades",
        4,  # A1 2/2, A2 1/1, B1 0/4, B2 0/2 (ties: the grade with more leads)
        "Grade A1 converts best (100%, 3.0\u00d7 the average); B1 the worst (0%).",
    ),
    "chart-threshold-curve": (
        "thresholds",
        18,  # 3 lines + 3 x 5 points (thresholds 0, 20, 40, 60, 80)
        "Raising the MQL threshold from 40 to 60 would lift F1 from 0.44 to 0.57 "
        "(precision 33.3% → 50%, recall 66.7% → 66.7%).",
    ),
    "chart-rule-lift": (
        "rules",
        3,  # big, demo, visit have a log-odds ratio; never never fired
        "The clearest signal is big: leads matching it convert at 3.0\u00d7 the average; "
        "1 rule never fired (never); no rule's points have the wrong sign.",
    ),
    "chart-cohort-trend": (
        "cohorts",
        6,  # 2 lines + Jan, Feb, Mar, Jun
        "MQLs of Mar 2026 moved to SQL at 0%, well below the 25% of the months before.",
    ),
}


def load_script() -> ModuleType:
    """scripts/tuning_report.py as a module, to render hand-modified report data."""
    spec = importlib.util.spec_from_file_location("tuning_report", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project of test_tuning_reports.py, built once."""
    project = make_tuning_project(tmp_path_factory.mktemp("report") / "project")
    project.build(vars=VARS)
    return project.db_path


def run_report(database: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--database", str(database), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def report_html(report_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "reports" / "tuning_report.html"
    completed = run_report(report_db, out)
    assert completed.returncode == 0, completed.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium "
        "(apt-get install -y --no-install-recommends chromium)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Console errors, uncaught page errors and every request a page makes."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))


def open_page(browser: Browser, html_path: Path, width: int = 1280) -> tuple[Page, PageProblems]:
    """A page with every request routed: file:// goes through, anything else is aborted."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = PageProblems(page)

    def route(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            problems.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.goto(html_path.as_uri())
    return page, problems


def chart_state(page: Page) -> dict:
    return page.evaluate(
        """(marks) => Object.fromEntries([...document.querySelectorAll('[data-chart]')].map(
            (container) => {
                const svg = container.querySelector('svg');
                const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                return [container.id, {
                    chart: container.dataset.chart,
                    drawn: container.dataset.drawn,
                    marks: container.querySelectorAll(marks).length,
                    width: box.width,
                    height: box.height,
                    takeaway: container.querySelector('.takeaway').textContent,
                    text: container.textContent,
                }];
            }))""",
        MARKS,
    )


def test_every_chart_is_drawn_with_its_takeaway(browser: Browser, report_html: Path) -> None:
    page, problems = open_page(browser, report_html)
    try:
        state = chart_state(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "tuning_report.png"), full_page=True)
        assert problems.errors == []
        assert set(state) == set(CHARTS)
        for chart_id, (key, least_marks, takeaway) in CHARTS.items():
            chart = state[chart_id]
            assert chart["chart"] == key
            assert chart["drawn"] == "true", chart_id
            assert chart["marks"] >= least_marks, (chart_id, chart["marks"])
            assert chart["width"] > 0 and chart["height"] > 0, chart_id
            assert chart["takeaway"] == takeaway
        # the flags: March below trend, the rule 'never' never fired; the threshold markers
        assert page.locator("#chart-cohort-trend svg circle.flagged").count() == 1
        assert "below trend" in state["chart-cohort-trend"]["text"]
        assert page.locator('#chart-rule-lift [data-flag="never fired"]').count() == 1
        markers = page.locator("#chart-threshold-curve svg").text_content()
        for label in ("MQL now 40", "best F1 · SQL capacity 60", "SQL now 80"):
            assert label in markers
        assert "Average 33.3%" in state["chart-score-bands"]["text"]
        # header: as of, config version, counts and what "converted" means
        header = page.locator("header").inner_text()
        assert "2026-07-01" in header and "00:00 UTC" in header
        assert re.search(r"CONTACTS\s+11\s+1 excluded", header, re.IGNORECASE)
        assert re.search(r"JUDGED\s+9", header, re.IGNORECASE)
        assert re.search(r"CONVERTED\s+3\s+33.3% of judged", header, re.IGNORECASE)
        assert "became a customer within 90 days of being created" in header
        assert "40 / 80" in header
        table = page.locator("#threshold-recommendations").inner_text()
        assert "40: precision 33.3% · recall 66.7% · F1 0.44 · 0.2 a week" in table
        assert "0.1 a week" in table  # the sql capacity
    finally:
        page.context.close()


def test_header_shows_the_config_version_of_the_scores(
    browser: Browser, report_db: Path, report_html: Path
) -> None:
    with duckdb.connect(str(report_db), read_only=True) as connection:
        (config_version,) = connection.execute(
            "select distinct config_version from main.fct_lead_scores"
        ).fetchone()
    page, problems = open_page(browser, report_html)
    try:
        assert config_version in page.locator("header").inner_text()
        assert problems.errors == []
    finally:
        page.context.close()


def test_the_page_makes_no_network_request(browser: Browser, report_html: Path) -> None:
    page, problems = open_page(browser, report_html)
    try:
        page.wait_for_timeout(300)  # anything late (fonts, beacons) would show up here
        assert problems.blocked == []
        assert problems.requests == [report_html.as_uri()]
        assert problems.errors == []
    finally:
        page.context.close()
    html = report_html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)[^"']""", html)
    # the only URL in the file is the SVG namespace, a name rather than an address
    assert re.findall(r"https?://[^\s'\"<>)]*", html) == ["http://www.w3.org/2000/svg"]


def test_the_network_check_would_see_a_request(browser: Browser, tmp_path: Path) -> None:
    """The routing above is not vacuous: a page that loads something is caught."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<img src="http://example.invalid/pixel.png"><p>hi</p>')
    page, problems = open_page(browser, leaky)
    try:
        page.wait_for_timeout(300)
        assert problems.blocked == ["http://example.invalid/pixel.png"]
    finally:
        page.context.close()


def test_narrow_screen_keeps_the_page_within_its_width(browser: Browser, report_html: Path) -> None:
    """Opened wide, then narrowed like a phone: the charts are drawn again for the new width."""
    page, problems = open_page(browser, report_html, width=1280)
    try:
        wide = page.locator("#chart-cohort-trend svg").bounding_box()
        page.set_viewport_size({"width": 390, "height": 900})
        # polled from Python: wait_for_function evaluates a string in the page, which the
        # report's Content-Security-Policy (no unsafe-eval) rightly refuses
        for _ in range(100):
            width = page.evaluate(
                "document.querySelector('#chart-cohort-trend svg').getBoundingClientRect().width"
            )
            if width < 390:
                break
            page.wait_for_timeout(100)
        assert width < 390
        state = chart_state(page)
        assert wide and wide["width"] > 1000
        assert problems.errors == []
        assert all(chart["drawn"] == "true" for chart in state.values())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0  # wide charts scroll inside their card, the page does not
        page.screenshot(path=str(ARTIFACTS / "tuning_report_narrow.png"), full_page=True)
    finally:
        page.context.close()


def test_data_is_escaped_in_the_page(browser: Browser, report_db: Path, tmp_path: Path) -> None:
    """Rule ids, takeaways and JSON that contain markup stay text: nothing runs, nothing breaks."""
    tuning_report = load_script()
    report = tuning_report.load_report(report_db)
    evil = "</script><img src=x onerror=\"document.title='pwned'\"><!-- & \u2028"
    report["charts"]["rules"]["rules"][0]["rule_id"] = evil
    report["takeaways"]["rules"] = evil
    report["meta"]["config_version"] = evil
    html_path = tmp_path / "escaped.html"
    html_path.write_text(tuning_report.render_html(report), encoding="utf-8")
    page, problems = open_page(browser, html_path)
    try:
        assert problems.errors == []
        assert page.title() != "pwned"
        assert page.locator("img").count() == 0
        assert page.locator("#chart-rule-lift").get_attribute("data-drawn") == "true"
        assert page.locator("#chart-rule-lift .takeaway").text_content() == evil
        data = json.loads(page.locator("#report-data").text_content())
        assert data["charts"]["rules"]["rules"][0]["rule_id"] == evil
        labels = page.locator("#chart-rule-lift svg text").all_text_contents()
        assert any(label.startswith(evil) for label in labels)  # + its tooltip <title>
    finally:
        page.context.close()


def test_rule_flags_and_wrong_sign_takeaway(
    browser: Browser, report_db: Path, tmp_path: Path
) -> None:
    """The fixture's lifecycle model has no wrong-sign rule: mark one to see the flag drawn."""
    tuning_report = load_script()
    report = tuning_report.load_report(report_db)
    rules = {rule["rule_id"]: rule for rule in report["charts"]["rules"]["rules"]}
    rules["visit"]["is_sign_suspect"] = True
    report["takeaways"]["rules"] = tuning_report.rule_takeaway(report["charts"]["rules"])
    html_path = tmp_path / "flags.html"
    html_path.write_text(tuning_report.render_html(report), encoding="utf-8")
    page, problems = open_page(browser, html_path)
    try:
        assert problems.errors == []
        assert page.locator('#chart-rule-lift [data-flag="⚠ wrong sign"]').count() == 1
        assert page.locator("#chart-rule-lift .takeaway").text_content() == (
            "The clearest signal is big: leads matching it convert at 3.0\u00d7 the average; "
            "1 rule never fired (never); 1 rule has points of the wrong sign (visit)."
        )
    finally:
        page.context.close()


def test_empty_marts_draw_every_chart_with_a_message(
    browser: Browser, report_db: Path, tmp_path: Path
) -> None:
    empty_db = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty_db)) as connection:
        connection.execute(f"attach '{report_db}' as built (read_only)")
        for table in (
            "fct_lead_scores",
            "rpt_lead_outcomes",
            "rpt_conversion_by_score_band",
            "rpt_threshold_tuning",
            "rpt_threshold_recommendations",
            "rpt_rule_calibration",
            "rpt_lifecycle_funnel",
        ):
            connection.execute(
                f"create table main.{table} as select * from built.main.{table} limit 0"
            )
    out = tmp_path / "empty.html"
    completed = run_report(empty_db, out)
    assert completed.returncode == 0, completed.stderr
    page, problems = open_page(browser, out)
    try:
        state = chart_state(page)
        assert problems.errors == []
        assert all(chart["drawn"] == "true" for chart in state.values())
        assert all(chart["height"] > 0 for chart in state.values())
        assert "No judged contacts yet" in state["chart-score-distribution"]["text"]
        assert "No judged contacts in the funnel yet." in state["chart-funnel"]["text"]
        assert state["chart-cohort-trend"]["takeaway"] == "No cohorts yet."
    finally:
        page.context.close()


def test_missing_tables_or_database_stop_with_a_clear_message(tmp_path: Path) -> None:
    empty_db = tmp_path / "nothing.duckdb"
    duckdb.connect(str(empty_db)).close()
    out = tmp_path / "report.html"
    completed = run_report(empty_db, out)
    assert completed.returncode != 0
    assert "run dbt build first" in completed.stderr
    assert "main.rpt_lead_outcomes" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not out.exists()

    completed = run_report(tmp_path / "absent.duckdb", out)
    assert completed.returncode != 0
    assert "does not exist: run dbt build first" in completed.stderr
    assert not (tmp_path / "absent.duckdb").exists()


def test_rewrite_replaces_the_file_atomically(report_html: Path, report_db: Path) -> None:
    """A second run replaces the file by a rename and leaves no temp file behind."""
    before = report_html.stat().st_ino
    completed = run_report(report_db, report_html)
    assert completed.returncode == 0, completed.stderr
    assert report_html.stat().st_ino != before
    assert [path.name for path in report_html.parent.iterdir()] == [report_html.name]
