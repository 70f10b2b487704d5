"""Browser tests: Debian's Chromium driven by Playwright against a real gunicorn-served portal.

`make test` runs them when Chromium is installed and says plainly when it skips them; with CI=true
(or E2E_REQUIRED=1) a missing browser is a failure, not a skip. Screenshots of each step go to
E2E_SCREENSHOTS (`make screenshots` points it at docs/screenshots), else to a temporary folder.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.server import live_server

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).parent
# As the machine's notes advise: no sandbox as root, and no background calls to Google's hosts,
# which this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -r requirements-dev.txt)"
    return None


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("E2E_REQUIRED") == "1"


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None or _required():
        return
    skipped = [item for item in items if HERE in Path(item.fspath).parents]
    for item in skipped:
        item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))
    config._e2e_skipped = (len(skipped), reason)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count, reason = getattr(config, "_e2e_skipped", (0, ""))
    if count:
        terminalreporter.write_sep("!", f"{count} browser tests SKIPPED: {reason}", yellow=True, bold=True)


def _fail_if_missing() -> None:
    reason = _missing()
    if reason:  # only reached when required (CI): absence is a failure there
        pytest.fail(f"browser tests are required here but {reason}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    _fail_if_missing()
    with live_server(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    _fail_if_missing()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_browser(browser, server):
    """New browser windows (contexts: own cookies) on the live server; closed after the test."""
    contexts = []

    def open_(*, width: int = 1280, height: int = 800, javascript: bool = True):
        context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height},
                                      java_script_enabled=javascript, locale="id-ID")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_browser):
    return open_browser()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    """`screenshots(page, "langkah-2-pelatihan")` saves a PNG of what the window shows (whole pages
    would make the README's pictures long and the repository heavy)."""
    folder = Path(os.environ["E2E_SCREENSHOTS"]) if os.environ.get("E2E_SCREENSHOTS") \
        else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled")
        return path

    return shoot
