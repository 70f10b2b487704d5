"""The training catalogue: categories, programmes, providers and their offerings."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, one_of


class OfferingMode(StrEnum):
    """How an offering is taught: online, in person, or both (the programme's own words)."""

    DARING = "daring"
    LURING = "luring"
    CAMPURAN = "campuran"


class ProviderKind(StrEnum):
    """A government BLK, a community BLK, or a private LPK."""

    BLK_PEMERINTAH = "blk_pemerintah"
    BLK_KOMUNITAS = "blk_komunitas"
    LPK_SWASTA = "lpk_swasta"


class Accreditation(StrEnum):
    """A provider's BAN-PNF grade, or not (yet) accredited."""

    A = "A"
    B = "B"
    C = "C"
    BELUM = "belum"


class LabelState(StrEnum):
    """Where a provider stands with the Kartu Prakerja label, read from its three label columns."""

    REQUESTED = "requested"  # waiting for the PMO
    LABELLED = "labelled"
    WITHDRAWN = "withdrawn"  # had it once
    NONE = "none"


class Category(db.Model):
    """A kejuruan, e.g. Teknologi Informasi."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class Programme(db.Model):
    """A course of study (program pelatihan), offered by one or more providers."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    hours: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)

    category: Mapped[Category] = relationship()
    offerings: Mapped[list[Offering]] = relationship(back_populates="programme")


class Provider(db.Model):
    """A lembaga pelatihan: BLK (government or community) or a private LPK."""

    __tablename__ = "providers"
    __table_args__ = (
        CheckConstraint(one_of("kind", ProviderKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(String(2))
    # Granted by the PMO; only labelled providers' offerings can be paid with the card.
    prakerja_label: Mapped[bool] = mapped_column(Boolean, default=False)
    accreditation: Mapped[str | None] = mapped_column(String(20))  # an Accreditation
    address: Mapped[str | None] = mapped_column(Text)
    label_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    label_granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Offering(db.Model):
    """A provider's offer of a programme: price, schedule, seats, mode and place."""

    __tablename__ = "offerings"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= seats", name="seats_within_quota"),
        CheckConstraint(one_of("mode", OfferingMode), name="mode"),
        CheckConstraint("end_date >= start_date", name="schedule_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    price: Mapped[int] = mapped_column(BigInteger)  # whole rupiah
    seats: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    programme: Mapped[Programme] = relationship(back_populates="offerings")
    provider: Mapped[Provider] = relationship()

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken

    @property
    def open_to_card_holders(self) -> bool:
        """Published, labelled and with a seat left: the `Daftar` button shows. The purchase itself
        re-checks all of it in guarded UPDATEs (portal/services/purchases.py)."""
        return self.published and self.provider.prakerja_label and self.seats_left > 0
