"""The ``koordinace`` command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from koordinace import console
from koordinace.settings import SettingsError, get_settings

log = logging.getLogger(__name__)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Koordinace: participation coordinators' dashboard for Prague's districts."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


# ------------------------------------------------------------------ db


@main.group()
def db() -> None:
    """Database schema and reference data."""


def upgrade_database() -> None:
    from models.db import session_scope, upgrade
    from models.reference import ReferenceError_, load_reference_data

    settings = get_settings()
    upgrade(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            report = load_reference_data(session, settings.pilot)
    except ReferenceError_ as exc:
        raise click.ClickException(str(exc)) from exc
    for label, counts in (
        ("Městské části / districts", report.districts),
        ("Nástroje / tools", report.tools),
        ("Aliasy nástrojů / tool aliases", report.aliases),
    ):
        console.info(
            f"{label}: {counts.inserted} nových / inserted, {counts.updated} změněných / "
            f"updated, {counts.unchanged} beze změny / unchanged"
        )
    console.success(
        f"Databáze je aktuální / database is up to date (pilot: {', '.join(report.pilot)})"
    )


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations and load reference data (idempotent)."""
    upgrade_database()


# ------------------------------------------------------------------ export


EXPORT_KINDS = ("districts", "tools")


@main.command("export")
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def export(kind: str, fmt: str, out: Path | None) -> None:
    """Export KIND as CSV (default), XLSX or JSON, to stdout or --out FILE."""
    from koordinace import exports
    from models.db import session_scope

    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx potřebuje --out FILE / needs --out FILE")
    with session_scope() as session:
        frame = {"districts": exports.districts_frame, "tools": exports.tools_frame}[kind](session)
    text = exports.write_frame(frame, fmt, out)
    if text is not None:
        console.data(text)
    else:
        console.success(f"{len(frame)} záznamů zapsáno do / rows written to {out}")


# ------------------------------------------------------------------ serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the dashboard with gunicorn."""
    from koordinace.server import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database, do not serve.")
def demo(host: str, port: int, workers: int, no_serve: bool) -> None:
    """Migrate the embedded database, load reference data, then serve the app."""
    upgrade_database()
    if no_serve:
        return
    from koordinace.server import run_gunicorn

    console.info(f"Koordinace běží na / runs at http://{host}:{port}/")
    run_gunicorn(host=host, port=port, workers=workers)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
