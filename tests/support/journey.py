"""The Sisnaker tutorial over HTTP, written once: Buat Akun → … → Mulai Pelatihan.

A step is a generator. It yields what it needs done and returns what it found:

- `Request(step, method, url, data)`: answered with the `Page` it leads to (redirects followed);
- `Mark(phone)`: answered with a marker of what the phone has received so far;
- `CodeAfter(step, phone, mark)`: answered with the code in the first SMS after that marker.

So the URLs, the form fields, the CSRF token (read from the form, sent back as a browser does),
where a code comes from and what proves each step succeeded live here only. A driver runs the
steps: `Journey` over a synchronous transport (tests/support/transports.py: Flask's test client,
`requests`), `AsyncJourney` over an asynchronous one (bench/load.py's aiohttp); the code source
is any object with `mark` and `code_after` (tests/support/codes.py, the SMS gateway stub). Each
driver keeps a `Visit`: the page it is on and the code markers, as a person's browser and phone.

    journey = Journey(FlaskTransport(client), MemoryCodes(app))
    journey.create_account(person); journey.activate(person); journey.login(person)
"""
from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from tests.support.forms import ParsedPage, parse

T = TypeVar("T")
SEATS_GONE = "Kursi pelatihan ini sudah habis"  # the Indonesian of "No seats are left in this training."


class JourneyError(AssertionError):
    """A step did not end where it should; `step` names it."""

    def __init__(self, step: str, detail: str):
        super().__init__(f"{step}: {detail}")
        self.step = step


# ---------------------------------------------------------------- what steps ask for
@dataclass(frozen=True)
class Request:
    step: str
    method: str
    url: str  # a path (and query); the transport knows the server
    data: dict[str, str] | None = None  # the form body of a POST, the query of a GET
    expect: int | None = 200  # the final status; None takes any


@dataclass(frozen=True)
class Mark:
    phone: str


@dataclass(frozen=True)
class CodeAfter:
    step: str
    phone: str
    mark: int


@dataclass
class Page:
    """Where a request ended, after its redirects."""

    url: str  # path and query
    status: int
    text: str
    response: Any = None  # the transport's own response, for a test that wants more

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @cached_property
    def parsed(self) -> ParsedPage:
        return parse(self.text)


Step = Generator[Request | Mark | CodeAfter, Any, T]


@dataclass(frozen=True)
class Person:
    """Someone who walks the tutorial. Buat Akun checks NIK, name and mother's maiden name against
    the population registry, so whoever runs the steps records the person first, where the portal's
    database is: `tests.factories.create_person` in-process, the seed of .ci/multiprocess for a real
    server (its `population` list, or the cards it issues), `flask population add` for the browser
    tests. Over HTTP alone there is no way to do it, as there is none to invent a citizen."""

    nik: str
    name: str
    phone: str  # E.164, as the SMS is addressed
    email: str
    password: str
    mother: str = "Sri Wahyuni"
    education: str = "sma"
    province: str = "32"  # Jawa Barat
    regency: str = "Kota Bandung"
    address: str = "Jl. Asia Afrika No. 8"

    @property
    def typed_phone(self) -> str:
        """The number as a person types it: 0812…"""
        return "0" + self.phone[3:]


class Holder(Protocol):
    """Whoever holds the card: only their phone matters to paying (the code goes there)."""

    phone: str


@dataclass
class Purchase:
    enrollment: int
    refused: Counter = field(default_factory=Counter)  # seats lost to others, at which step


@dataclass
class Visit:
    """A person's browser and phone, as far as the steps need them."""

    page: Page | None = None
    marks: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- reading a page
def get(step: str, url: str, expect: int | None = 200) -> Request:
    return Request(step, "GET", url, None, expect)


def submit(step: str, page: Page, button: str, values: dict[str, str], expect: int | None = 200) -> Request:
    """Press `button` on `page`'s form with `values` typed into fields that must be there."""
    found = page.parsed.with_button(button)
    if found is None:
        raise JourneyError(step, f"no button {button!r} on {page.path}; buttons: {page.parsed.buttons()}")
    form, pressed = found
    missing = set(values) - {item.name for item in form.inputs}
    if missing:
        raise JourneyError(step, f"the form of {button!r} has no field {sorted(missing)}")
    data = {**form.fields(), **values, **({pressed.name: pressed.value or ""} if pressed.name else {})}
    return Request(step, form.method.upper(), urljoin(page.url, form.action or page.url), data, expect)


def link(page: Page, pattern: str, step: str) -> str:
    match = re.search(pattern, page.text)
    if match is None:
        raise JourneyError(step, f"no link {pattern} on {page.path}")
    return match.group(1)


def expect_text(page: Page, text: str, step: str) -> None:
    if text not in page.text:
        raise JourneyError(step, f"{text!r} not on {page.path}; messages: {page.parsed.messages}")


def expect_path(page: Page, prefix: str, step: str) -> None:
    if not page.path.startswith(prefix):
        raise JourneyError(step, f"ended on {page.path}, not {prefix}; messages: {page.parsed.messages}")


# ---------------------------------------------------------------- the steps
def create_account(visit: Visit, person: Person) -> Step[Page]:
    """Beranda → Buat Akun → Daftar Sekarang: the account waits for its activation code."""
    page = yield get("beranda", "/")
    page = yield get("buat_akun", link(page, r'href="(/buat-akun)"', "beranda"))
    visit.marks[person.phone] = yield Mark(person.phone)
    page = yield submit("buat_akun", page, "Daftar Sekarang", {
        "nik": person.nik, "full_name": person.name, "mother_maiden_name": person.mother, "email": person.email,
        "phone": person.typed_phone, "password": person.password, "confirm": person.password})
    expect_path(page, "/aktivasi", "buat_akun")
    return page


def activate(visit: Visit, person: Person) -> Step[Page]:
    """Aktivasi Sekarang with the code the SMS brought; the portal asks to log in."""
    code = yield CodeAfter("aktivasi", person.phone, visit.marks[person.phone])
    page = yield submit("aktivasi", visit.page, "Aktivasi Sekarang", {"code": code})
    expect_path(page, "/masuk", "aktivasi")
    return page


def login(visit: Visit, person: Person) -> Step[Page]:
    """Masuk with the NIK and the password: the portal greets the person by name."""
    page = visit.page
    if page is None or page.path != "/masuk":
        page = yield get("masuk", "/masuk")
    page = yield submit("masuk", page, "Masuk", {"login": person.nik, "password": person.password})
    expect_text(page, f"Selamat datang, {person.name}.", "masuk")
    return page


def register_participant(visit: Visit, person: Person) -> Step[Page]:
    """Pelatihan → Daftar sebagai Peserta Pelatihan: the profile, then back to the catalogue."""
    yield get("pelatihan", "/pelatihan/")
    page = yield get("daftar_peserta", "/pelatihan/daftar-peserta")
    page = yield submit("daftar_peserta", page, "Simpan", {
        "education": person.education, "province": person.province, "regency": person.regency,
        "address": person.address})
    expect_path(page, "/pelatihan/", "daftar_peserta")
    return page


def open_programme(visit: Visit, search: str) -> Step[str]:
    """Cari `search` in the catalogue, open the first programme found; returns its address."""
    page = visit.page
    if page is None or page.parsed.with_button("Cari") is None:
        page = yield get("pelatihan", "/pelatihan/")
    page = yield submit("cari", page, "Cari", {"q": search})
    programme = link(page, r'href="(/pelatihan/program/[^"]+)"', "cari")
    page = yield get("program", programme)
    expect_text(page, "Kartu Prakerja", "program")
    return programme


def register_card(visit: Visit, person: Holder, card_number: str, daftar: str) -> Step[bool]:
    """Daftar → Nomor Kartu Prakerja → Kirim OTP; False when the seats were gone."""
    page = yield get("daftar", daftar)
    visit.marks[person.phone] = yield Mark(person.phone)
    page = yield submit("kirim_otp", page, "Kirim OTP", {"card_number": card_number})
    if SEATS_GONE in page.text:
        return False
    expect_path(page, "/prakerja/verifikasi/", "kirim_otp")
    return True


send_code = register_card


def verify_payment(visit: Visit, person: Holder) -> Step[int | None]:
    """Kode OTP → Verifikasi: the enrollment's id, or None when the last seat went to another."""
    code = yield CodeAfter("verifikasi", person.phone, visit.marks[person.phone])
    page = yield submit("verifikasi", visit.page, "Verifikasi", {"code": code})
    if page.path.startswith("/prakerja/berhasil/"):
        expect_text(page, "Pembayaran Berhasil", "verifikasi")
        return int(page.path.rstrip("/").rsplit("/", 1)[1])
    if SEATS_GONE in page.text:
        return None  # the guarded UPDATE: another buyer took the last seat first
    raise JourneyError("verifikasi", f"neither Pembayaran Berhasil nor a seat refusal on {page.path}; "
                                     f"messages: {page.parsed.messages}")


def buy(visit: Visit, person: Holder, card_number: str, tries: list[str]) -> Step[Purchase]:
    """Pay with the card at the first offering that still has a seat, as a person would.

    `tries`: Daftar addresses, or programme addresses (then the first labelled lembaga listed).
    """
    refused = Counter()
    for where in tries:
        daftar = where
        if where.startswith("/pelatihan/program/"):
            page = yield get("program", where)
            expect_text(page, "Kartu Prakerja", "program")
            daftar = link(page, r'href="(/prakerja/daftar/\d+)"', "program")
        if not (yield from register_card(visit, person, card_number, daftar)):
            refused["kirim_otp"] += 1
            continue
        enrollment = yield from verify_payment(visit, person)
        if enrollment is not None:
            return Purchase(enrollment, refused)
        refused["verifikasi"] += 1
    raise JourneyError("verifikasi", f"no seat after {len(tries)} tries ({dict(refused)})")


def portfolio(visit: Visit) -> Step[str]:
    """Cek Portofolio from the payment's page: the training, not started; returns its address."""
    page = yield get("portofolio", link(visit.page, r'href="(/portofolio/)"[^>]*>\s*Cek Portofolio', "berhasil"))
    expect_text(page, "Belum dimulai", "portofolio")
    return link(page, r'href="(/portofolio/pelatihan/\d+)"', "portofolio")


def start_training(visit: Visit, training: str) -> Step[Page]:
    """The training's page → Mulai Pelatihan: it is in progress."""
    page = yield get("pelatihan_saya", training)
    page = yield submit("mulai", page, "Mulai Pelatihan", {})
    expect_text(page, 'data-status="in_progress"', "mulai")
    expect_text(page, "Sedang berjalan", "mulai")
    return page


def tutorial(visit: Visit, person: Person, card_number: str, search: str, tries: int = 1) -> Step[Purchase]:
    """All eight steps for a person whose card is already issued; `tries` providers at most."""
    yield from create_account(visit, person)
    yield from activate(visit, person)
    yield from login(visit, person)
    yield from register_participant(visit, person)
    programme = yield from open_programme(visit, search)
    purchase = yield from buy(visit, person, card_number, [programme] * tries)
    training = yield from portfolio(visit)
    yield from start_training(visit, training)
    return purchase


# ---------------------------------------------------------------- the drivers
class _Drives:
    """A step as a driver's method: `driver.login(person)` runs `login(driver.visit, person)`."""

    def __init__(self, step):
        self.step = step
        self.__doc__ = step.__doc__

    def __get__(self, driver, owner=None):
        if driver is None:
            return self
        return lambda *args, **kwargs: driver.run(self.step(driver.visit, *args, **kwargs))


class _Driver:
    create_account, activate, login = _Drives(create_account), _Drives(activate), _Drives(login)
    register_participant, open_programme = _Drives(register_participant), _Drives(open_programme)
    register_card = send_code = _Drives(register_card)
    verify_payment, buy = _Drives(verify_payment), _Drives(buy)
    portfolio, start_training, tutorial = _Drives(portfolio), _Drives(start_training), _Drives(tutorial)

    def __init__(self, transport, codes):
        self.transport, self.codes, self.visit = transport, codes, Visit()

    def _arrived(self, request: Request, page: Page) -> Page:
        if request.expect is not None and page.status != request.expect:
            raise JourneyError(request.step, f"{request.method} {urlsplit(request.url).path} gave {page.status}")
        self.visit.page = page
        return page


def _code_failed(effect: CodeAfter, error: Exception) -> JourneyError:
    return error if isinstance(error, JourneyError) else JourneyError(effect.step, f"no code: {error}")


class Journey(_Driver):
    """Runs steps over a transport with `send(Request) -> Page`."""

    def run(self, step: Step[T]) -> T:
        reply = None
        while True:
            try:
                effect = step.send(reply)
            except StopIteration as done:
                return done.value
            if isinstance(effect, Request):
                reply = self._arrived(effect, self.transport.send(effect))
            elif isinstance(effect, Mark):
                reply = self.codes.mark(effect.phone)
            else:
                try:
                    reply = self.codes.code_after(effect.phone, effect.mark)
                except Exception as error:  # noqa: BLE001  (named after the step that needed it)
                    raise _code_failed(effect, error) from error


async def _maybe(result):
    return await result if inspect.isawaitable(result) else result


class AsyncJourney(_Driver):
    """The same steps over a transport with `async send(Request) -> Page`; the code source may be
    synchronous or asynchronous."""

    async def run(self, step: Step[T]) -> T:
        reply = None
        while True:
            try:
                effect = step.send(reply)
            except StopIteration as done:
                return done.value
            if isinstance(effect, Request):
                reply = self._arrived(effect, await self.transport.send(effect))
            elif isinstance(effect, Mark):
                reply = await _maybe(self.codes.mark(effect.phone))
            else:
                try:
                    reply = await _maybe(self.codes.code_after(effect.phone, effect.mark))
                except Exception as error:  # noqa: BLE001  (named after the step that needed it)
                    raise _code_failed(effect, error) from error
