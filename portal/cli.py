"""`flask` commands: demo world, Kartu Prakerja administration, the ledger check."""
from __future__ import annotations

from datetime import UTC, datetime
from time import perf_counter

import click
from flask import current_app
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db
from portal.services import DomainError
from portal.unit_of_work import transaction

demo_cli = AppGroup("demo", help="The demo world (only in demo mode).")
prakerja_cli = AppGroup("prakerja", help="Waves and cards.")
ledger_cli = AppGroup("ledger", help="The money ledger.")
population_cli = AppGroup("population", help="The simulated population registry (Dukcapil).")


def _demo_mode_only(command: str) -> None:
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException(f"demo {command} runs only in demo mode (PORTAL_ENV=demo).")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Fill the database with the demo catalogue and people; running it again adds nothing."""
    from portal.demo.seed import seed_demo

    _demo_mode_only("seed")
    with transaction():
        created = seed_demo(clock.now())
    click.echo("Demo world: " + ", ".join(f"{count} {kind} created" for kind, count in created.items()))


@demo_cli.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def demo_reset(yes: bool) -> None:
    """Empty every table and seed the demo world again, with the demo clock back to real time."""
    from portal.demo.reset import reset_demo

    _demo_mode_only("reset")
    where = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Delete every account, card, purchase and message in {where}?", abort=True)
    started = perf_counter()
    with transaction():
        deleted, created = reset_demo(clock.real_now())
    click.echo(f"Emptied {len(db.metadata.sorted_tables)} tables: {sum(deleted.values())} rows deleted"
               + (f" ({', '.join(f'{table} {n}' for table, n in deleted.items())})" if deleted else "") + ".")
    click.echo("Demo clock: real time.")
    click.echo("Demo world: " + ", ".join(f"{count} {kind} created" for kind, count in created.items()))
    click.echo(f"Done in {perf_counter() - started:.1f} s.")
    # Another process's memory and a browser's cookie are out of reach: say so rather than pretend.
    memory = current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    # The demo clock is not among them: every process follows its row (portal/shared_clock.py).
    click.echo(("A portal already running keeps its rate-limit counters in memory until restarted (make run); "
                if memory else "") + "browsers keep the guide's visited steps until 'Mulai ulang panduan'.")


def _instant(text: str | None) -> datetime:
    """An ISO time; without an offset it is read as WIB (how people say times here)."""
    if not text:
        return clock.now()
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.WIB)
    return moment.astimezone(UTC)


@prakerja_cli.command("open-wave")
@click.option("--number", type=int, required=True, help="Wave (gelombang) number.")
@click.option("--quota", type=int, required=True, help="How many cards the wave may issue.")
@click.option("--opened-at", help="ISO time (default now; WIB when no offset is given).")
@click.option("--accepted-on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="WIB day its participants were accepted, YYYY-MM-DD (default: the day it opens).")
def open_wave_command(number: int, quota: int, opened_at: str | None, accepted_on: datetime | None) -> None:
    """Open a new wave; its deadline is 23:59:59 WIB on the 30th day after its acceptance day."""
    from portal.formatting import wib
    from portal.services.cards import deadline_for
    from portal.services.waves import open_wave

    try:
        with transaction():
            wave = open_wave(number, quota, _instant(opened_at), accepted_on.date() if accepted_on else None)
            deadline = deadline_for(wave.accepted_on)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Gelombang {wave.number} opened with quota {wave.quota}; deadline {wib(deadline)}.")


@prakerja_cli.command("issue-card")
@click.option("--nik", required=True)
@click.option("--name", required=True)
@click.option("--phone", required=True, help="Registered mobile number; OTP codes go there.")
@click.option("--wave", "wave_number", type=int, required=True)
@click.option("--accepted-at", help="ISO time of acceptance (default now; WIB when no offset is given).")
@click.option("--mother", help="Mother's maiden name: needed when the NIK is not in the population registry yet.")
def issue_card_command(nik: str, name: str, phone: str, wave_number: int, accepted_at: str | None,
                       mother: str | None) -> None:
    """Issue a Kartu Prakerja and print its number (the holder must be, or becomes, a known person)."""
    from portal.services.cards import issue_card

    try:
        with transaction():
            card = issue_card(nik, name, phone, wave_number, _instant(accepted_at), clock.now(), mother=mother)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(card.number)


@prakerja_cli.command("sweep")
@click.option("--now", "at", help="Sweep as if it were this ISO time (WIB when no offset is given).")
def sweep_command(at: str | None) -> None:
    """Run one sweep (revoke expired cards) under the job lock, and print what it did."""
    from portal.jobs import labelled_counts, run_job
    from portal.models import RunStatus, RunTrigger

    run = run_job("sweep", RunTrigger.CLI, now=_instant(at))
    if run.status == RunStatus.SKIPPED:
        click.echo("Another process is sweeping right now; nothing was done.")
        return
    for label, value in labelled_counts(run):
        click.echo(f"{label}: {value}")


@ledger_cli.command("check")
def ledger_check() -> None:
    """Verify that grants = card balances + purchases + returns; exit 1 naming what is off."""
    from portal.formatting import rupiah
    from portal.services.ledger import check_ledger

    report = check_ledger()
    for problem in report.problems:
        click.echo(f"OFF: {problem}", err=True)
    click.echo(
        f"{report.cards} cards: granted {rupiah(report.granted)} = on cards {rupiah(report.on_cards)}"
        f" + purchases {rupiah(report.purchased)} + returned to the fund {rupiah(report.returned)}"
    )
    if not report.balanced:
        raise SystemExit(1)
    click.echo("Ledger balanced.")


@population_cli.command("add")
@click.option("--nik", required=True)
@click.option("--name", required=True, help="Full name, as on the KTP.")
@click.option("--mother", required=True, help="Mother's maiden name (Nama Ibu Kandung).")
def population_add(nik: str, name: str, mother: str) -> None:
    """Record a person in the simulated registry, so that they can create a Sisnaker account."""
    from portal.services.nik import mask_nik
    from portal.services.population import record_person

    try:
        with transaction():
            record = record_person(nik.strip(), name, mother, clock.now())
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Known to the registry: {mask_nik(record.nik)} {record.full_name}.")


def register(app) -> None:
    from portal.scheduler import register_commands

    for group in (demo_cli, prakerja_cli, ledger_cli, population_cli):
        app.cli.add_command(group)
    register_commands(app)
