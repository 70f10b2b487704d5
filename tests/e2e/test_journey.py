"""The job seeker's journey in Chromium: with a mouse, keyboard only, on a phone with JavaScript off."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.checks import Checkpoints, Traffic
from tests.e2e.drivers import Keyboard, Mouse
from tests.e2e.journey import Person, log_in, walk


@pytest.fixture
def admin(open_browser):
    page = open_browser()
    log_in(page, "admin@demo.prakerja.id")
    return page


def test_journey_with_a_mouse_passes_axe_on_every_page(page, admin, screenshots):
    check = Checkpoints(page, axe=True, screenshot=screenshots, prefix="langkah-")
    walk(page, Mouse(page), Person.presenter(), check, admin)
    assert len(check.visited) == 16
    check.assert_clean()
    # The presenter's Panduan Demo has ticked off every step of the tutorial.
    expect(page.locator(".demo-guide summary")).to_contain_text("8 dari 8 langkah selesai")


def test_journey_on_a_phone_without_javascript(open_browser, admin, server):
    page = open_browser(width=360, height=640, javascript=False)
    check = Checkpoints(page, phone=True, traffic=Traffic(page, server.url))
    walk(page, Mouse(page), Person.new("Budi Santoso", server), check, admin)
    check.assert_clean()
    assert all(weight > 0 for weight in check.weights.values()), check.weights


def test_journey_with_the_keyboard_alone(page, admin, server):
    check = Checkpoints(page)
    walk(page, Keyboard(page), Person.new("Sari Lestari", server), check, admin)
    assert check.visited[-1] == "mulai-pelatihan"
