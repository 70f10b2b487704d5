"""Thin transports for the journey driver: a `Request` in, the `Page` it leads to out.

- `FlaskTransport`: Flask's test client (the tests), redirects followed by the client.
- `HttpTransport`: `requests` against a real server (.ci/multiprocess), a cookie jar, redirects
  followed here so that every hop can be looked at (`on_hop`) and each step timed (`on_step`).

bench/load.py has the asynchronous one (aiohttp), with the same `send`.
"""
from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

from tests.support.journey import Page, Request

REDIRECTS = (301, 302, 303)  # each answered with a GET, as a browser does


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class FlaskTransport:
    def __init__(self, client):
        self.client = client

    def send(self, request: Request) -> Page:
        if request.method == "GET":
            response = self.client.get(request.url, query_string=request.data, follow_redirects=True)
        else:
            response = self.client.post(request.url, data=request.data or {}, follow_redirects=True)
        query = response.request.query_string.decode()
        url = response.request.path + (f"?{query}" if query else "")
        return Page(url, response.status_code, response.get_data(as_text=True), response)


class HttpTransport:
    """One person's browser over `requests`: a cookie jar, redirects followed (at most 10)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, timeout: float = 60):
        import requests  # the portal's own dependency; imported here so the tests need it only when used

        self.base, self.timeout = base, timeout
        self.http = requests.Session()
        self.http.headers.update({"Accept-Language": "id", **(headers or {})})

    def on_hop(self, request: Request, method: str, url: str, response) -> None:
        """Look at each response on the way (a subclass checks cookies, for one)."""

    def on_step(self, request: Request, statuses: list[int], seconds: float) -> None:
        """The request is done: the status of each hop, and how long it all took."""

    def send(self, request: Request) -> Page:
        started, statuses = time.monotonic(), []
        method, url = request.method, urljoin(self.base, request.url)
        body = {"data": request.data} if method != "GET" else {"params": request.data}
        for _hop in range(10):
            response = self.http.request(method, url, allow_redirects=False, timeout=self.timeout, **body)
            statuses.append(response.status_code)
            self.on_hop(request, method, url, response)
            if response.status_code not in REDIRECTS or "Location" not in response.headers:
                break
            method, url, body = "GET", urljoin(url, response.headers["Location"]), {}
        self.on_step(request, statuses, time.monotonic() - started)
        return Page(_path(response.url), response.status_code, response.text, response)

    def close(self) -> None:
        self.http.close()
