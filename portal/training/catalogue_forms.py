"""The catalogue's search form: a GET form whose field names are the public query string.

Every check gives its own message (never WTForms' generic "Not a valid choice"), so a bad
address or a typo in a price is explained next to the field concerned.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from portal import labels
from portal.forms import PortalForm, max_length
from portal.models.catalogue import Category
from portal.regions import PROVINCES
from portal.services.catalogue import SORTS, SearchCriteria

SORT_LABELS = {
    "relevan": _l("Most relevant"),
    "termurah": _l("Lowest price"),
    "termahal": _l("Highest price"),
    "judul": _l("Title (A–Z)"),
    "penyedia": _l("Most providers"),
}
PRICE_CEILING = 999_999_999_999  # far above any training; keeps the number inside BIGINT
_AMOUNT = re.compile(r"^(?:rp\.?)?\s*(-?)\s*(\d{1,3}(?:\.\d{3})+|\d+)$", re.IGNORECASE)


def parse_rupiah(text: str) -> int:
    """`500000`, `500.000` or `Rp500.000` -> 500000; ValueError with a message otherwise."""
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise ValueError(_l("Enter a whole number of rupiah, for example 500000."))
    if match.group(1):
        raise ValueError(_l("A price cannot be negative."))
    amount = int(match.group(2).replace(".", ""))
    if amount > PRICE_CEILING:
        raise ValueError(_l("That amount is too large."))
    return amount


def _amount_or_none(field) -> int | None:
    text = (field.data or "").strip()
    return parse_rupiah(text) if text else None


class _OneOf:
    """The value must be one of the allowed choices (the empty "all" choice included)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(self.message)


class _Amount:
    def __call__(self, form, field):
        try:
            parse_rupiah(field.data)
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from None


class CatalogueForm(PortalForm):
    """Search and filters of `GET /pelatihan/`; empty fields mean "any"."""

    class Meta:
        csrf = False  # a GET search changes nothing, and its links must be shareable

    q = SearchField(_l("Search trainings"), [Optional(), max_length(100)])
    kategori = SelectField(_l("Category"), validators=[_OneOf(_l("Choose a category from the list."))],
                           validate_choice=False, default="")
    provinsi = SelectField(_l("Province"), validators=[_OneOf(_l("Choose a province from the list."))],
                           validate_choice=False, default="")
    metode = SelectField(_l("Mode"), validators=[_OneOf(_l("Choose a training mode from the list."))],
                         validate_choice=False, default="")
    prakerja = BooleanField(_l("Only offerings with the Kartu Prakerja label"))
    harga_min = StringField(_l("Minimum price (Rp)"), [Optional(), _Amount()])
    harga_max = StringField(_l("Maximum price (Rp)"), [Optional(), _Amount()])
    urut = SelectField(_l("Sort by"), validators=[_OneOf(_l("Choose an order from the list."))],
                       validate_choice=False, default="relevan")
    # Not rendered in the form (a new search starts at page 1); pagination links carry it.
    halaman = StringField(_l("Page"), default="1")

    def __init__(self, formdata, categories: list[Category]):
        super().__init__(formdata)
        self.kategori.choices = [("", _l("All categories"))] + [(c.slug, c.name) for c in categories]
        by_name = sorted(PROVINCES.items(), key=lambda item: item[1])
        self.provinsi.choices = [("", _l("All provinces"))] + by_name
        self.metode.choices = [("", _l("All modes"))] + list(labels.OFFERING_MODE.items())
        self.urut.choices = [(s, SORT_LABELS[s]) for s in SORTS]

    def validate_harga_max(self, field) -> None:
        try:
            low, high = _amount_or_none(self.harga_min), _amount_or_none(field)
        except ValueError:
            return  # the field's own check reports it
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("The maximum price must not be lower than the minimum price."))

    def validate_halaman(self, field) -> None:
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit() and text.strip("0")):
            raise ValidationError(_l("The page number must be a whole number from 1."))

    def criteria(self) -> SearchCriteria:
        """The validated search (call after `validate()` succeeded)."""
        return SearchCriteria(
            q=" ".join((self.q.data or "").split()),
            category=self.kategori.data or None,
            province=self.provinsi.data or None,
            mode=self.metode.data or None,
            prakerja_only=bool(self.prakerja.data),
            price_min=_amount_or_none(self.harga_min),
            price_max=_amount_or_none(self.harga_max),
            sort=self.urut.data or "relevan",
        )

    def page_number(self) -> int:
        text = self.halaman.data.strip()
        return int(text) if len(text) <= 9 else 10**9  # any huge page is simply past the end

    def query_args(self) -> dict[str, str]:
        """The filters as given, without empty or default values: pagination links keep them."""
        args = {name: (self[name].data or "").strip() for name in ("q", "kategori", "provinsi", "metode",
                                                                    "harga_min", "harga_max")}
        if self.prakerja.data:
            args["prakerja"] = "y"
        if self.urut.data and self.urut.data != "relevan":
            args["urut"] = self.urut.data
        return {name: value for name, value in args.items() if value}
