"""Hostile form posts: random and malicious values for every field a real form has.

`attack(client, page_url, action, data)` reads the form posting to `action` from the page (its
fields and a valid CSRF token), posts `data` over it, and checks what every form must do: no
server error, no payload rendered back unescaped, and when the form refuses (re-rendered, 4xx)
no row added or removed anywhere. A redirect (the form was accepted) is followed and the page
it leads to is checked the same way, so a stored value is checked where it is shown.
"""
from __future__ import annotations

import io

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from tests.support.forms import parse

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [
    SCRIPT, IMG, "' OR 1=1 --", "1'; DROP TABLE users; --", "%00", "\x00", "a\x00b", "{{ 7*7 }}", "${7*7}",
    "../../../etc/passwd", "-1", "0", "1.5", "1e309", "NaN", "99999999999999999999999999", "", " ", "\t\n",
    "true", "[]", "null", "０１２３", "٣٤٥", "Ｒｐ１０００", "\u202egnp.exe", "😀" * 50, "ẞ" * 300,
]
# No shrinking: a failure is reported as found, and a slow form (scrypt at Masuk) stays fast when it fails.
FORM_SETTINGS = settings(max_examples=25, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any Unicode but surrogates, which Werkzeug refuses to encode before the app ever sees them.
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


class Huge(str):
    """A long repeated string that reports itself briefly (Hypothesis warns about, and fails on, huge reprs)."""

    def __new__(cls, n: int, unit: str):
        made = super().__new__(cls, (unit * (n // len(unit) + 1))[:n])
        made.unit = unit
        return made

    def __repr__(self) -> str:
        return f"Huge({len(self)}, {self.unit!r})"


_huge = st.builds(Huge, st.integers(10_000, 100_000), st.sampled_from(["A", "é", "9", SCRIPT, "' OR 1=1 -- "]))
_numbers = st.one_of(st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(str))
value = st.one_of(st.sampled_from(PAYLOADS), _text, _numbers, _huge)
# A field is left out, sent once, or sent two or three times.
_field = st.one_of(st.none(), value, value, value, st.lists(value, min_size=2, max_size=3))


def form_data(names: list[str], extra: bool = True):
    """Hostile values for `names`; sometimes fields no form has, as well."""
    fields = st.fixed_dictionaries({name: _field for name in names})
    extras = st.dictionaries(st.sampled_from(["id", "user_id", "role", "provider_id", "balance", "is_admin"]),
                             value, max_size=2) if extra else st.just({})
    return st.builds(lambda f, e: {**e, **{k: v for k, v in f.items() if v is not None}}, fields, extras)


def csv_file():
    """What an upload field may carry: text or bytes of any kind, under a hostile name, or nothing."""
    content = st.one_of(_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=2000),
                        st.sampled_from([b"nik,name,phone\n" + SCRIPT.encode() + b",x,y\n", b"\xff\xfe\x00\x00"]))
    name = st.one_of(st.sampled_from(["kartu.csv", SCRIPT + ".csv", "../../x.csv", ""]), _text)
    return st.one_of(st.none(), st.tuples(content, name))


def form_fields(client, url: str, action: str) -> list[str]:
    """The names of the fields of the form on `url` that posts to `action` (the CSRF token aside)."""
    form = _form(client.get(url), action)
    return [item.name for item in form.inputs if not item.name.endswith("csrf_token")]


def _form(page, action: str):
    assert page.status_code == 200, (page.request.path, page.status_code)
    parsed = parse(page.get_data(as_text=True))
    found = parsed.posting_to(action)
    if found is None:
        raise AssertionError(f"no form posting to {action} on {page.request.path}: {[f.action for f in parsed.forms]}")
    return found


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def assert_safe(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code)
    body = response.get_data(as_text=True)
    assert SCRIPT not in body, f"{what}: <script> rendered back unescaped"
    assert IMG not in body, f"{what}: <img onerror> rendered back unescaped"


def attack(client, url: str, action: str, data: dict, method: str = "post", files: dict | None = None,
           may_write_on_refusal: frozenset[str] = frozenset()):
    """Post `data` (with the page's CSRF token) to the form on `url` posting to `action`; check the answer."""
    form = _form(client.get(url), action)
    # A prefixed form (one per row) names its token `<prefix>-csrf_token`.
    token = next(((item.name, item.value) for item in form.inputs if item.name.endswith("csrf_token")), None)
    assert token or method == "get", f"the form posting to {action} has no CSRF token"
    before = row_counts()
    if method == "get":
        response = client.get(action, query_string=data)
    else:
        payload = {**data, **({token[0]: token[1]} if token else {})}
        for name, upload in (files or {}).items():
            if upload is not None:
                payload[name] = (io.BytesIO(upload[0]), upload[1])
        response = client.post(action, data=payload, content_type="multipart/form-data" if files else None)
    assert_safe(response, f"{method.upper()} {action}")
    if 300 <= response.status_code < 400:
        location = response.headers["Location"]
        assert_safe(client.get(location), f"{action} → {location}")
    elif method == "post":  # refused: re-rendered with an error, or a 4xx
        after = row_counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t] and t not in may_write_on_refusal}
        assert not changed, f"{action} refused ({response.status_code}) but rows changed: {changed}"
    return response
