"""The one HTML form parser: what a browser without JavaScript knows about a page's forms.

`parse(html)` gives each form (its action, method, fields and buttons), the labels (label text →
field id) and the messages the page shows (flashed alerts and field errors). A form's `fields()`
are the values a browser would send as they stand; `csrf_token` is the hidden token, if any.
Standard library only: the tests, .ci/ and bench/ use it alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import NamedTuple

CHOICES = ("checkbox", "radio")
MESSAGE_CLASSES = {"alert", "error"}  # base.html's flashed messages, the form macro's field errors


class Button(NamedTuple):
    text: str
    name: str | None
    value: str | None


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    id: str | None = None
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)


@dataclass
class HtmlForm:
    action: str
    method: str
    inputs: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def fields(self) -> dict[str, str]:
        """Name → value as a browser sends them now (an unchecked box or radio is left out)."""
        return {item.name: item.value for item in self.inputs
                if item.name and (item.kind not in CHOICES or item.checked)}

    def button(self, text: str) -> Button | None:
        return next((pressed for pressed in self.buttons if pressed.text == text), None)

    @property
    def csrf_token(self) -> str | None:
        """The hidden CSRF token (a prefixed form, one per row, names it `<prefix>-csrf_token`)."""
        return next((item.value for item in self.inputs if item.name.endswith("csrf_token")), None)


@dataclass
class ParsedPage:
    forms: list[HtmlForm]
    labels: dict[str, str]  # label text → the id of the field it is for
    messages: list[str]  # flashed alerts and field errors, in page order

    def with_button(self, text: str) -> tuple[HtmlForm, Button] | None:
        """The first form with a button reading `text`, and that button."""
        return next(((form, pressed) for form in self.forms for pressed in form.buttons if pressed.text == text), None)

    def posting_to(self, action: str) -> HtmlForm | None:
        return next((form for form in self.forms if form.action == action), None)

    def buttons(self) -> list[str]:
        return [pressed.text for form in self.forms for pressed in form.buttons]


def parse(html: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return ParsedPage(parser.forms, parser.labels, parser.messages)


def _words(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.labels: dict[str, str] = {}
        self.messages: list[str] = []
        self._form: HtmlForm | None = None
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None
        self._button: list | None = None
        self._message: list | None = None  # [tag, depth, text parts]

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        self._open_message(tag, a)
        if tag == "form":
            self._form = HtmlForm(action=a.get("action", ""), method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif tag == "label":
            self._label_for, self._label_text = a.get("for"), []
        elif self._form is not None:
            self._form_tag(tag, a)

    def _form_tag(self, tag: str, a: dict[str, str]) -> None:
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                self._form.buttons.append(Button(a.get("value", ""), a.get("name"), a.get("value")))
            elif a.get("name"):
                value = a.get("value", "on" if kind in CHOICES else "")
                self._form.inputs.append(Field(a["name"], kind, value, a.get("id"), "checked" in a))
        elif tag == "select":
            self._select = Field(a.get("name", ""), "select", "", a.get("id"))
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), [], "selected" in a]
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea", "", a.get("id"))
            self._form.inputs.append(self._textarea)
        elif tag == "button":
            self._button = [[], a.get("name"), a.get("value")]

    def _open_message(self, tag: str, a: dict[str, str]) -> None:
        if self._message is not None:
            if tag == self._message[0]:
                self._message[1] += 1
        elif MESSAGE_CLASSES & set(a.get("class", "").split()):
            self._message = [tag, 1, []]

    def handle_data(self, data):
        for collecting in (self._label_text if self._label_for is not None else None,
                           self._option[1] if self._option is not None else None,
                           self._button[0] if self._button is not None else None,
                           self._message[2] if self._message is not None else None):
            if collecting is not None:
                collecting.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if self._message is not None and tag == self._message[0]:
            self._message[1] -= 1
            if not self._message[1]:
                self.messages.append(_words(self._message[2]))
                self._message = None
        if tag == "label" and self._label_for is not None:
            self.labels[_words(self._label_text)] = self._label_for
            self._label_for = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None and self._form is not None:
            text, name, value = self._button
            self._form.buttons.append(Button(_words(text), name, value))
            self._button = None
        elif tag == "form":
            self._form = None

    def _close_option(self) -> None:
        value, text, selected = self._option
        text = _words(text)
        self._select.options.append((value if value is not None else text, text))
        if selected or len(self._select.options) == 1:  # the first option, until one says selected
            self._select.value = value if value is not None else text
        self._option = None
