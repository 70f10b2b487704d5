"""Two ways through a page, both by what a person sees: the mouse, and the keyboard alone.

The journey is written once against this small interface; the keyboard driver reaches every
field, link and button with Tab only, and checks at each stop that focus is visible.
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page

MAX_TABS = 80  # more Tab presses than this to reach a control means it is not reachable in practice

# A focused element must show it: an outline, or a box-shadow ring (WCAG 2.4.7).
_FOCUS_VISIBLE = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""


class Mouse:
    def __init__(self, page: Page):
        self.page = page

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def press_button(self, name: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).first.click()

    def follow(self, link: Locator) -> None:
        with self.page.expect_navigation():
            link.click()


class Keyboard(Mouse):
    """Tab to each control (never click), type into it, press Enter or Space."""

    def _tab_to(self, target: Locator) -> None:
        handle = target.element_handle()
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate_handle("document.activeElement")
            if focused.evaluate("(el, t) => el === t", handle):
                assert focused.evaluate(_FOCUS_VISIBLE), f"focus is not visible on {target}"
                return
        raise AssertionError(f"{target} cannot be reached with Tab")

    def fill(self, label: str, value: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        self._tab_to(field)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(value)

    def choose(self, label: str, option: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        self._tab_to(field)
        self.page.keyboard.type(option)  # a focused <select> picks the option typed
        assert field.evaluate("el => el.options[el.selectedIndex].text") == option

    def press_button(self, name: str) -> None:
        self._tab_to(self.page.get_by_role("button", name=name, exact=True).first)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def follow(self, link: Locator) -> None:
        self._tab_to(link)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
