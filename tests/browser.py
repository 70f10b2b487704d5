"""Fill in the real forms the way a person does: find a form by its button, type by label.

A small stand-in for a browser over Flask's test client. It reads the page's HTML with the
shared parser (tests/support/forms.py), keeps hidden fields (the CSRF token among them), and posts
to the form's action.
"""
from __future__ import annotations

from urllib.parse import urljoin

from tests.support.forms import Button, Field, HtmlForm, parse


class Form:
    def __init__(self, client, page_url: str, form: HtmlForm, labels: dict[str, str], button: Button):
        self.client, self.page_url, self._form, self._labels = client, page_url, form, labels
        self._button = button

    def _by_label(self, label: str) -> Field:
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
        data = {name: value for name, value in self._form.fields().items() if name not in drop}
        if self._button.name:  # the pressed button is part of what a browser sends
            data[self._button.name] = self._button.value or ""
        action = urljoin(self.page_url, self._form.action or self.page_url)
        if self._form.method == "post":
            return self.client.post(action, data=data, follow_redirects=follow_redirects, **client_kwargs)
        return self.client.get(action, query_string=data, follow_redirects=follow_redirects, **client_kwargs)


def form(client, response, button: str, url: str | None = None) -> Form:
    """The form on `response`'s page whose button reads `button`."""
    page = parse(response.get_data(as_text=True))
    found = page.with_button(button)
    if found is None:
        raise AssertionError(f"no form with button {button!r}; buttons: {page.buttons()}")
    return Form(client, url or response.request.path, found[0], page.labels, found[1])


def form_posting_to(client, response, action: str) -> Form:
    """The form on `response`'s page that posts to `action` (for button-only forms)."""
    page = parse(response.get_data(as_text=True))
    found = page.posting_to(action)
    if found is None:
        raise AssertionError(f"no form posting to {action}; actions: {[f.action for f in page.forms]}")
    return Form(client, response.request.path, found, page.labels, found.buttons[0])
