"""Fill in the real forms the way a person does: find a form by its button, type by label.

A small stand-in for a browser over Flask's test client. It reads the page's HTML with the
standard library, keeps hidden fields (the CSRF token among them), and posts to the form's action.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class _Input:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    id: str | None = None
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)


@dataclass
class _Form:
    action: str
    method: str
    inputs: list[_Input] = field(default_factory=list)
    buttons: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # text, name, value


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[_Form] = []
        self.labels: dict[str, str] = {}  # label text -> for id
        self._form: _Form | None = None
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: _Input | None = None
        self._option: list | None = None
        self._textarea: _Input | None = None
        self._button: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = _Form(action=a.get("action", ""), method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif tag == "label":
            self._label_for, self._label_text = a.get("for"), []
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                self._form.buttons.append((a.get("value", ""), a.get("name"), a.get("value")))
            elif a.get("name"):
                self._form.inputs.append(
                    _Input(a["name"], kind, a.get("value", "" if kind not in ("checkbox", "radio") else "on"),
                           a.get("id"), "checked" in a)
                )
        elif tag == "select":
            self._select = _Input(a.get("name", ""), "select", "", a.get("id"))
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), [], "selected" in a]
        elif tag == "textarea":
            self._textarea = _Input(a.get("name", ""), "textarea", "", a.get("id"))
            self._form.inputs.append(self._textarea)
        elif tag == "button":
            self._button = [[], a.get("name"), a.get("value")]

    def handle_data(self, data):
        if self._label_for is not None:
            self._label_text.append(data)
        if self._option is not None:
            self._option[1].append(data)
        if self._textarea is not None:
            self._textarea.value += data
        if self._button is not None:
            self._button[0].append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for is not None:
            self.labels[" ".join("".join(self._label_text).split())] = self._label_for
            self._label_for = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            text = " ".join("".join(text).split())
            self._select.options.append((value if value is not None else text, text))
            if selected or len(self._select.options) == 1:
                self._select.value = value if value is not None else text
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None and self._form is not None:
            text, name, value = self._button
            self._form.buttons.append((" ".join("".join(text).split()), name, value))
            self._button = None
        elif tag == "form":
            self._form = None


class Form:
    def __init__(self, client, page_url: str, form: _Form, labels: dict[str, str], button: tuple):
        self.client, self.page_url, self._form, self._labels = client, page_url, form, labels
        self._button = button

    def _by_label(self, label: str) -> _Input:
        target = self._labels.get(label)
        if target is None:
            raise AssertionError(f"no label {label!r}; labels: {sorted(self._labels)}")
        for item in self._form.inputs:
            if item.id == target:
                return item
        raise AssertionError(f"label {label!r} is for #{target}, which is not in this form")

    def fill(self, label: str, value: str) -> Form:
        """Type `value` into the field labelled `label` (or choose it, for a select: by value or text)."""
        item = self._by_label(label)
        if item.kind == "select":
            for opt_value, text in item.options:
                if value in (opt_value, text):
                    item.value = opt_value
                    break
            else:
                raise AssertionError(f"{label!r} has no option {value!r}")
        elif item.kind in ("checkbox", "radio"):
            item.checked = bool(value)
        else:
            item.value = value
        return self

    def submit(self, follow_redirects: bool = True, drop: tuple[str, ...] = (), **client_kwargs):
        """Press the form's button; `drop` leaves named fields out (e.g. the CSRF token)."""
        data = {}
        for item in self._form.inputs:
            if item.name in drop or (item.kind in ("checkbox", "radio") and not item.checked):
                continue
            data[item.name] = item.value
        _, name, value = self._button
        if name:  # the pressed button is part of what a browser sends
            data[name] = value or ""
        action = urljoin(self.page_url, self._form.action or self.page_url)
        if self._form.method == "post":
            return self.client.post(action, data=data, follow_redirects=follow_redirects, **client_kwargs)
        return self.client.get(action, query_string=data, follow_redirects=follow_redirects, **client_kwargs)


def form(client, response, button: str, url: str | None = None) -> Form:
    """The form on `response`'s page whose button reads `button`."""
    parser = _PageParser()
    parser.feed(response.get_data(as_text=True))
    page_url = url or response.request.path
    for candidate in parser.forms:
        for pressed in candidate.buttons:
            if pressed[0] == button:
                return Form(client, page_url, candidate, parser.labels, pressed)
    found = [text for f in parser.forms for text, _, _ in f.buttons]
    raise AssertionError(f"no form with button {button!r}; buttons: {found}")


def form_posting_to(client, response, action: str) -> Form:
    """The form on `response`'s page that posts to `action` (for button-only forms)."""
    parser = _PageParser()
    parser.feed(response.get_data(as_text=True))
    for candidate in parser.forms:
        if candidate.action == action:
            return Form(client, response.request.path, candidate, parser.labels, candidate.buttons[0])
    raise AssertionError(f"no form posting to {action}; actions: {[f.action for f in parser.forms]}")
