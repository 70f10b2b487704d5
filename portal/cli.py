"""`flask` commands: `flask --app wsgi demo seed`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db

demo_cli = AppGroup("demo", help="The demo world (only in demo mode).")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Fill the database with the demo catalogue; running it again adds nothing."""
    from portal.demo.seed import seed_catalogue

    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("demo seed runs only in demo mode (PORTAL_ENV=demo).")
    now = clock.now()
    created = seed_catalogue(clock.today_wib(now), now)
    db.session.commit()
    click.echo("Demo world: " + ", ".join(f"{count} {kind} created" for kind, count in created.items()))


def register(app) -> None:
    app.cli.add_command(demo_cli)
