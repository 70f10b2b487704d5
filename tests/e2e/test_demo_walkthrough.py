"""What a presenter sees: the code on HP Simulasi beside the form, on one screen, and the guide."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.drivers import Mouse
from tests.e2e.journey import Person, create_account


def _register(page, person: Person) -> None:
    page.goto("/buat-akun")
    create_account(Mouse(page), person)


def test_the_code_sits_beside_the_form_on_one_screen(page, server):
    _register(page, Person.new("Wulan Sari", server))
    form = page.locator(".demo-beside__form")
    phone = page.locator(".demo-beside__phone")
    sms = phone.locator(".sms").first
    expect(sms).to_contain_text(re.compile(r"\b\d{6}\b"))
    form_box, phone_box, sms_box = form.bounding_box(), phone.bounding_box(), sms.bounding_box()
    assert phone_box["x"] >= form_box["x"] + form_box["width"], "HP Simulasi is not beside the form"
    assert sms_box["y"] + sms_box["height"] <= page.viewport_size["height"], "the code is below the fold"

    code = re.search(r"\b(\d{6})\b", sms.inner_text()).group(1)
    page.get_by_label("Kode OTP", exact=True).fill(code)
    page.get_by_role("button", name="Aktivasi Sekarang").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/masuk"))


def test_on_a_phone_the_code_comes_under_the_form(open_browser, server):
    page = open_browser(width=360, height=640)
    _register(page, Person.new("Dian Puspita", server))
    form_box = page.locator(".demo-beside__form").bounding_box()
    phone_box = page.locator(".demo-beside__phone").bounding_box()
    assert phone_box["y"] >= form_box["y"] + form_box["height"]


def test_the_guide_opens_without_javascript_and_lists_eight_steps(open_browser):
    page = open_browser(javascript=False)
    page.goto("/")
    guide = page.locator(".demo-guide")
    expect(guide.locator("summary")).to_contain_text("Panduan Demo")
    guide.locator("summary").click()
    steps = guide.locator("ol > li")
    expect(steps).to_have_count(8)
    expect(steps.first).to_be_visible()
