"""The PMO's forms: recycling revoked quota into a new wave, the demo clock, issuing cards,
categories and programmes, the label buttons, and the records' filters."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SearchField, SelectField, StringField, SubmitField, TelField, TextAreaField
from wtforms.validators import Optional, StopValidation, ValidationError

from portal import clock, labels
from portal.forms import PortalForm, choices, max_length, required
from portal.services.card_import import MAX_NAME
from portal.services.catalogue_admin import (
    MAX_CATEGORY_NAME,
    MAX_DESCRIPTION,
    MAX_HOURS,
    MAX_SLUG,
    MAX_TITLE,
    MIN_HOURS,
    ProgrammeFields,
)
from portal.services.waves import WaveFigures

MAX_WAVE_NUMBER = 9999  # well inside an INTEGER column; the programme ran about 30 waves

# The demo clock's buttons (their words and their order).
CLOCK_STEP_LABELS = labels.DEMO_CLOCK_CONTROL


class WholeNumberField(IntegerField):
    """A whole number from `low` to `high` in plain digits, with one clear message for anything
    else (a fraction, a letter, a negative, too many). A blank field means `blank` (None: required)."""

    def __init__(self, label=None, validators=None, low: int = 0, high: int = 0, blank: int | None = None,
                 message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high, self.blank, self.message = low, high, blank, message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if raw == "":
            self.data = self.blank
        elif re.fullmatch(r"-?[0-9]+", raw):
            self.data = int(raw)
        else:
            self.data = None

    def pre_validate(self, form):
        if self.data is None or not self.low <= self.data <= self.high:
            raise StopValidation(self.message)


class RecycleForm(PortalForm):
    """Buka gelombang baru dari kuota pencabutan. One `from_wave_N` field per source wave is added
    by `recycle_form`, because the sources and their limits change as cards are revoked."""

    number = WholeNumberField(
        _l("New wave number"), low=1, high=MAX_WAVE_NUMBER,
        message=_l("Enter a wave number from 1 to %(max)d.", max=MAX_WAVE_NUMBER),
        render_kw={"min": 1, "max": MAX_WAVE_NUMBER, "inputmode": "numeric"},
    )
    accepted_on = DateField(
        _l("Participants accepted on (WIB, optional)"), [Optional()],
        description=_l("The deadline is 23:59 WIB on the 30th day after. Blank: today."),
    )
    submit = SubmitField(_l("Open a new wave from revoked quota"))

    sources: list[tuple[WholeNumberField, WaveFigures]]

    def places(self) -> dict[int, int]:
        """Source wave number → places to take, as the service wants them."""
        return {figure.number: field.data or 0 for field, figure in self.sources}


def source_field_name(wave_number: int) -> str:
    return f"from_wave_{wave_number}"


def recycle_form(figures: list[WaveFigures], posted: set[str] | frozenset[str] = frozenset(),
                 **defaults) -> RecycleForm:
    """The recycling form for the waves as they are now: a field per wave with places left to
    recycle, proposing all of them, and a field for any wave a (stale) page posted, so asking too
    much is answered next to it."""

    class Form(RecycleForm):
        pass

    sources = [f for f in figures if f.recyclable > 0 or source_field_name(f.number) in posted]
    for figure in sources:
        setattr(Form, source_field_name(figure.number), WholeNumberField(
            _l("Places from wave %(n)d", n=figure.number), low=0, high=figure.recyclable, blank=0,
            default=figure.recyclable,
            message=_l("Enter a whole number from 0 to %(max)d.", max=figure.recyclable),
            render_kw={"min": 0, "max": figure.recyclable, "inputmode": "numeric"},
        ))
    form = Form(**defaults)
    form.sources = [(getattr(form, source_field_name(f.number)), f) for f in sources]
    return form


class DemoClockForm(PortalForm):
    """The demo clock's buttons all post `step`; only the fixed steps are accepted."""

    step = SelectField(choices=choices(CLOCK_STEP_LABELS.items()))


class WaveDeadlineClockForm(PortalForm):
    """Put the portal's time at 23.59.30 WIB on a wave's deadline day: the waves whose day is ahead."""

    wave = SelectField(_l("Wave"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("To 23.59.30 WIB on its deadline day"))

    def offer(self, waves: list[tuple[int, str]]) -> WaveDeadlineClockForm:
        self.wave.choices = waves
        return self


_TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class WibDateTimeField(StringField):
    """A wall-clock time in WIB (`2021-03-10 10:00`, or a datetime-local input), held in UTC.
    Blank means "now"."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw, self.data = raw, None
        for fmt in _TIME_FORMATS:
            try:
                self.data = datetime.strptime(raw, fmt).replace(tzinfo=clock.WIB).astimezone(UTC)
                break
            except ValueError:
                continue

    def pre_validate(self, form):
        if getattr(self, "raw", "") and self.data is None:
            raise ValidationError(_l("Enter a date and time as YYYY-MM-DD HH:MM (WIB), e.g. 2021-03-10 10:00."))

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return clock.to_wib(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""


def _wave_field():
    return SelectField(_l("Wave"), validate_choice=False)


def _accepted_field():
    return WibDateTimeField(_l("Accepted at (WIB, optional)"), render_kw={"type": "datetime-local"})


class _WaveChoice:
    def wave_number(self) -> int | None:
        raw = (self.wave.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 6 else None

    def validate_wave(self, field):
        if self.wave_number() is None:
            raise ValidationError(_l("Choose a wave from the list."))


class IssueCardForm(_WaveChoice, PortalForm):
    nik = StringField("NIK", [required(), max_length(40)], render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField(_l("Full name"), [required(), max_length(MAX_NAME)], render_kw={"autocomplete": "off"})
    phone = TelField(_l("Mobile number"), [required(), max_length(20)], render_kw={"autocomplete": "off"})
    mother = StringField(_l("Mother's maiden name"), [Optional(), max_length(MAX_NAME)],
                         render_kw={"autocomplete": "off"})
    wave = _wave_field()
    accepted_at = _accepted_field()
    submit = SubmitField(_l("Issue card"))


class UploadCardsForm(_WaveChoice, PortalForm):
    wave = _wave_field()
    accepted_at = _accepted_field()
    file = FileField(_l("CSV file"), [FileRequired(message=_l("Choose a CSV file to upload."))],
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Upload CSV"))


class CategoryForm(PortalForm):
    name = StringField(_l("Category name"), [required(), max_length(MAX_CATEGORY_NAME)])
    submit = SubmitField(_l("Add category"))


class RenameCategoryForm(PortalForm):
    name = StringField(_l("New name"), [required(), max_length(MAX_CATEGORY_NAME)])
    submit = SubmitField(_l("Rename"))


class ProgrammeForm(PortalForm):
    title = StringField(_l("Title"), [required(), max_length(MAX_TITLE)])
    category = SelectField(_l("Category"), validate_choice=False)
    hours = WholeNumberField(
        _l("Hours of study"), low=MIN_HOURS, high=MAX_HOURS,
        message=_l("Enter the hours as a whole number from %(low)d to %(high)d.", low=MIN_HOURS, high=MAX_HOURS),
        render_kw={"min": MIN_HOURS, "max": MAX_HOURS, "inputmode": "numeric"},
    )
    description = TextAreaField(_l("Description"), [required(), max_length(MAX_DESCRIPTION)], render_kw={"rows": 6})
    slug = StringField(_l("Address (slug)"), [Optional(), max_length(MAX_SLUG)])
    submit = SubmitField(_l("Save programme"))

    def fields(self) -> ProgrammeFields:
        raw = self.category.data or ""
        return ProgrammeFields(title=self.title.data, category_id=int(raw) if raw.isdigit() else None,
                               hours=self.hours.data, description=self.description.data, slug=self.slug.data or "")


class LabelForm(PortalForm):
    """The Berikan / Cabut buttons: nothing but the CSRF token."""


class _FilterForm(PortalForm):
    class Meta:
        csrf = False  # a GET filter changes nothing, and its links must be shareable


class LedgerFilter(_FilterForm):
    jenis = SelectField(_l("Kind"), choices=choices(labels.LEDGER_KIND.items(), blank=_l("All kinds")),
                        validate_choice=False)


class AuditFilter(_FilterForm):
    aksi = SelectField(_l("Action"), validate_choice=False)


class BlacklistFilter(_FilterForm):
    nik = SearchField("NIK", [Optional(), max_length(40)], render_kw={"inputmode": "numeric"})
