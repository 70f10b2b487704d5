"""Every page of each area, found by following its links: axe-core clean, and no sideways
scrolling at 360 px. One page per URL shape (/admin/program/7 stands for every programme)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.checks import axe_violations, sideways_overflow
from tests.e2e.journey import log_in

MAX_PAGES = 40
PHONE = {"width": 360, "height": 640}

AREAS = {
    # who, where to start, which paths belong to the area
    "publik": (None, "/", ("/", )),
    "peserta": ("dewi@demo.prakerja.id", "/portofolio/", ("/portofolio", "/sertifikat", "/pelatihan", "/demo")),
    "lembaga": ("lembaga@demo.prakerja.id", "/lembaga/", ("/lembaga",)),
    "admin": ("admin@demo.prakerja.id", "/admin/", ("/admin",)),
}


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(page, start: str, prefixes: tuple[str, ...]):
    """Yield each HTML page of the area once per URL shape, breadth first."""
    queue, seen = [start], {_shape(start)}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.pop(0)
        response = page.goto(url)
        if not response.ok or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        yield url
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            path = urlsplit(href).path
            if href.startswith(("/", "?")) and path.startswith(prefixes) and _shape(path) not in seen:
                seen.add(_shape(path))
                queue.append(href if href.startswith("/") else urlsplit(url).path + href)


@pytest.mark.parametrize("area", AREAS)
def test_every_page_of_the_area_is_accessible_and_fits_a_phone(open_browser, area):
    who, start, prefixes = AREAS[area]
    page = open_browser()
    if who:
        log_in(page, who)
    problems, visited = {}, []
    for url in crawl(page, start, prefixes):
        visited.append(url)
        found = axe_violations(page)
        page.set_viewport_size(PHONE)
        if (extra := sideways_overflow(page)) > 0:
            found.append(f"{extra}px sideways scrolling at 360px")
        page.set_viewport_size({"width": 1280, "height": 800})
        if found:
            problems[url] = found
    assert len(visited) >= 3, visited
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
