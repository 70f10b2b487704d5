"""What every page is checked for on the way: accessibility, phone width, weight, other hosts.

A `Checkpoints` object follows one browser page; at each step it runs the checks it was asked
for and collects what failed, so one run reports every page that breaks a rule, not only the first.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Request

PAGE_BUDGET = 100 * 1024  # bytes per page over the wire: HTML, CSS, images, fonts
BLOCKING = ("serious", "critical")  # axe impacts that fail the build

_axe = Axe()


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of the page, one line each."""
    results = _axe.run(page, options={"resultTypes": ["violations"]}).response
    return [f"{v['id']} ({v['impact']}): {', '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
            for v in results["violations"] if v["impact"] in BLOCKING]


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


class Traffic:
    """The requests of the page on screen (reset at each top-level navigation), with no browser cache,
    so every page is weighed as a first visit."""

    def __init__(self, page: Page, origin: str):
        self.origin = urlsplit(origin).netloc
        self.current: list[Request] = []
        self.foreign: list[str] = []
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.on("request", self._seen)
        page.on("requestfinished", self._finished)

    def _finished(self, request: Request) -> None:
        self.current.append(request)

    def _seen(self, request: Request) -> None:
        if urlsplit(request.url).netloc != self.origin and not request.url.startswith(("data:", "about:")):
            self.foreign.append(request.url)
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.current.clear()

    def page_bytes(self) -> int:
        total = 0
        for request in self.current:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total


class Checkpoints:
    def __init__(self, page: Page, *, axe: bool = False, phone: bool = False, traffic: Traffic | None = None,
                 screenshot: Callable | None = None, prefix: str = ""):
        self.page = page
        self.axe, self.phone, self.traffic, self.screenshot, self.prefix = axe, phone, traffic, screenshot, prefix
        self.problems: dict[str, list[str]] = {}
        self.weights: dict[str, int] = {}
        self.visited: list[str] = []

    def __call__(self, name: str, step: str | None = None) -> None:
        self.page.wait_for_load_state("load")
        self.visited.append(name)
        found: list[str] = []
        if self.axe:
            found += axe_violations(self.page)
        if self.phone and (extra := sideways_overflow(self.page)) > 0:
            found.append(f"{extra}px sideways scrolling at {self.page.viewport_size['width']}px")
        if self.traffic:
            self.weights[name] = weight = self.traffic.page_bytes()
            if weight > PAGE_BUDGET:
                found.append(f"{weight} bytes transferred (budget {PAGE_BUDGET})")
        if found:
            self.problems[f"{name} {self.page.url}"] = found
        if self.screenshot and step:  # a picture per tutorial step, for the README
            self.screenshot(self.page, f"{self.prefix}{step}-{name}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(f"{page}: {found}" for page, found in self.problems.items())
        if self.traffic:
            assert not self.traffic.foreign, f"requests to other hosts: {self.traffic.foreign}"
