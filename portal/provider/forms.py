"""The provider portal's forms. They parse what was typed; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from portal import labels
from portal.forms import PortalForm, choices, max_length, required
from portal.regions import PROVINCES
from portal.services.completion import MAX_SCORE, MIN_SCORE
from portal.services.offerings import MAX_PRICE, MAX_SEATS, MAX_SESSIONS
from portal.services.providers import MAX_ADDRESS, MAX_CITY
from portal.training.catalogue_forms import parse_rupiah

_DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, for example 2021-04-01.")
_SEATS_MESSAGE = _l("Enter the number of seats as a whole number.")
_SCORE_MESSAGE = _l("Enter the score as a whole number.")


def _provinces():
    return choices(sorted(PROVINCES.items(), key=lambda item: item[1]), _l("Choose…"))


class _Given:
    """Stop with `message` when nothing usable came (a field left out of the post, or blank)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None:
            field.errors[:] = [self.message]
            raise StopValidation()


class ProfileForm(PortalForm):
    """The lembaga's profile: kind, accreditation, address (the name is set by the PMO)."""

    kind = SelectField(_l("Kind of institution"), [required()],
                       choices=choices(labels.PROVIDER_KIND.items(), _l("Choose…")))
    accreditation = SelectField(_l("Accreditation"), [required()],
                                choices=choices(labels.ACCREDITATION.items(), _l("Choose…")))
    address = TextAreaField(_l("Address"), [required(), max_length(MAX_ADDRESS)])
    city = StringField(_l("Regency/City"), [required(), max_length(MAX_CITY)])
    province = SelectField(_l("Province"), [required()], choices=_provinces())
    submit = SubmitField(_l("Save"))


class _Rupiah:
    def __call__(self, form, field):
        try:
            # A field filled from the offering holds an int until the form is posted.
            field.amount = parse_rupiah(str(field.data or ""))
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from None


class OfferingForm(PortalForm):
    """An offering's terms; its programme is chosen once, in `NewOfferingForm`."""

    price = StringField(_l("Price (Rp)"), [required(), _Rupiah()], render_kw={"inputmode": "numeric"},
                        description=_l("Whole rupiah from Rp0 to Rp%(max)s, e.g. 750000 or 750.000.",
                                       max=f"{MAX_PRICE:,}".replace(",", ".")))
    seats = IntegerField(_l("Seats"), [_Given(_SEATS_MESSAGE)], invalid_value_message=_SEATS_MESSAGE,
                         render_kw={"min": 1, "max": MAX_SEATS, "inputmode": "numeric"})
    mode = SelectField(_l("Mode"), [required()], choices=choices(labels.OFFERING_MODE.items(), _l("Choose…")))
    city = StringField(_l("Regency/City"), [required(), max_length(MAX_CITY)])
    province = SelectField(_l("Province"), [required()], choices=_provinces())
    start_date = DateField(_l("Start date"), [_Given(_DATE_MESSAGE)], invalid_value_message=_DATE_MESSAGE)
    end_date = DateField(_l("End date"), [_Given(_DATE_MESSAGE)], invalid_value_message=_DATE_MESSAGE)
    submit = SubmitField(_l("Save"))

    def terms(self) -> dict:
        """The validated terms as the offering services take them."""
        return dict(price=self.price.amount, seats=self.seats.data, mode=self.mode.data, city=self.city.data,
                    province_code=self.province.data, start_date=self.start_date.data, end_date=self.end_date.data)


class NewOfferingForm(OfferingForm):
    programme = SelectField(_l("Programme"), validate_choice=False)

    def __init__(self, programmes: list[tuple[int, str]], **kwargs):
        super().__init__(**kwargs)
        self.programme.choices = choices([(str(pid), title) for pid, title in programmes], _l("Choose…"))

    def validate_programme(self, field) -> None:
        if not (field.data or "").isdigit() or len(field.data) > 9:
            raise ValidationError(_l("Choose a programme from the list."))


class SessionPlanForm(PortalForm):
    titles = TextAreaField(_l("Sessions, one title per line"), [required()],
                           description=_l("At most %(max)d sessions, in the order participants work through them.",
                                          max=MAX_SESSIONS))
    submit = SubmitField(_l("Save the session plan"))

    def title_lines(self) -> list[str]:
        return [line for line in (self.titles.data or "").splitlines() if line.strip()]


class ConfirmForm(PortalForm):
    """Konfirmasi penyelesaian: one per registrant on the page, told apart by `prefix`."""

    score = IntegerField(_l("Score (0–100)"), [_Given(_SCORE_MESSAGE)], invalid_value_message=_SCORE_MESSAGE,
                         render_kw={"min": MIN_SCORE, "max": MAX_SCORE, "inputmode": "numeric"})
    result = RadioField(_l("Result"), choices=choices(labels.TRAINING_RESULT.items()), validate_choice=False)
    submit = SubmitField(_l("Confirm completion"))

    def validate_score(self, field) -> None:
        # The service refuses it too; saying it here shows it together with a missing result.
        if not MIN_SCORE <= field.data <= MAX_SCORE:
            raise ValidationError(_l("Enter a whole-number score from %(low)d to %(high)d.", low=MIN_SCORE,
                                     high=MAX_SCORE))

    def validate_result(self, field) -> None:
        if field.data not in labels.TRAINING_RESULT:
            raise ValidationError(_l("Choose passed or failed."))

    @property
    def passed(self) -> bool:
        return self.result.data == "passed"


def confirm_form(enrollment_id: int, **kwargs) -> ConfirmForm:
    return ConfirmForm(prefix=f"e{enrollment_id}", **kwargs)
