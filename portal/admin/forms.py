"""The PMO's forms: recycling revoked quota into a new wave, and the demo clock."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import StopValidation

from portal.forms import PortalForm, choices
from portal.services.waves import WaveFigures

MAX_WAVE_NUMBER = 9999  # well inside an INTEGER column; the programme ran about 30 waves

# The demo clock's steps, in the order of its buttons. `deadline` and `reset` are not fixed lengths.
CLOCK_STEPS: dict[str, timedelta | None] = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "deadline": None,
    "reset": None,
}
CLOCK_STEP_LABELS = {
    "1h": _l("+1 hour"),
    "1d": _l("+1 day"),
    "7d": _l("+7 days"),
    "30d": _l("+30 days"),
    "deadline": _l("Just past the next deadline"),
    "reset": _l("Back to real time"),
}


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
    recycle, and for any wave a (stale) page posted, so asking too much is answered next to it."""

    class Form(RecycleForm):
        pass

    sources = [f for f in figures if f.recyclable > 0 or source_field_name(f.number) in posted]
    for figure in sources:
        setattr(Form, source_field_name(figure.number), WholeNumberField(
            _l("Places from wave %(n)d", n=figure.number), low=0, high=figure.recyclable, blank=0, default=0,
            message=_l("Enter a whole number from 0 to %(max)d.", max=figure.recyclable),
            render_kw={"min": 0, "max": figure.recyclable, "inputmode": "numeric"},
        ))
    form = Form(**defaults)
    form.sources = [(getattr(form, source_field_name(f.number)), f) for f in sources]
    return form


class DemoClockForm(PortalForm):
    """The demo clock's buttons all post `step`; only the fixed steps are accepted."""

    step = SelectField(choices=choices(CLOCK_STEP_LABELS.items()))
