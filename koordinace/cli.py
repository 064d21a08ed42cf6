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


EXPORT_KINDS = ("projects", "activities", "tool-usage", "rejected", "districts", "tools")


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
        frame = exports.KIND_FRAMES[kind](session)
    text = exports.write_frame(frame, fmt, out)
    if text is not None:
        console.data(text)
    else:
        console.success(f"{len(frame)} záznamů zapsáno do / rows written to {out}")


# ------------------------------------------------------------------ etl


@main.group()
def etl() -> None:
    """Import the districts' exports."""


class _BarProgress:
    """Files and rows as progress bars on a terminal (nothing when piped)."""

    def __init__(self, bar):
        self.bar = bar
        self.files = self.rows = None
        self.row_count = 0

    def start(self, files: int) -> None:
        self.files = self.bar.add_task("Soubory / files", total=files)
        self.rows = self.bar.add_task("Řádky / rows", total=None)

    def file_done(self, rel: str, rows: int) -> None:
        self.row_count += rows
        self.bar.update(self.files, advance=1, description=f"Soubory / files ({rel})")
        self.bar.update(self.rows, completed=self.row_count, refresh=True)

    def stage(self, name: str) -> None:
        self.bar.update(self.files, description=f"Ukládání / loading: {name}", refresh=True)


def run_import(inbox: Path, as_json: bool, triggered_by: str = "cli") -> int:
    """Run the ETL over ``inbox``; print the summary; return the exit status."""
    import json

    from etl.pipeline import EtlFailed, run_etl

    settings = get_settings()
    try:
        with console.progress() as bar:
            summary = run_etl(inbox, progress=_BarProgress(bar), triggered_by=triggered_by)
    except (FileNotFoundError, NotADirectoryError) as exc:
        console.error(str(exc))
        return 2
    except EtlFailed as exc:
        console.error(f"{exc} (běh / run {exc.run_id})")
        return 1
    data = summary.as_json(settings.lang)
    if as_json:
        console.data(json.dumps(data, ensure_ascii=False, indent=2))
    _print_summary(data)
    return 0


def _print_summary(data: dict) -> None:
    files = data["files"]
    console.info(
        f"Import {data['run_id']}: {len(files['accepted'])} souborů přijato / accepted, "
        f"{len(files['skipped'])} přeskočeno / skipped, {len(files['rejected'])} odmítnuto / "
        f"rejected"
    )
    for item in files["rejected"]:
        console.warn(f"{item['path']}: {item['reason']}")
    console.table(
        "Záznamy / records",
        [
            "",
            "nové / inserted",
            "změněné / updated",
            "beze změny / unchanged",
            "odmítnuté / rejected",
        ],
        [
            (kind, c["inserted"], c["updated"], c["unchanged"], c["rejected"])
            for kind, c in data["records"].items()
        ],
    )
    if any(c["rejected"] for c in data["records"].values()):
        console.info(
            "Odmítnuté řádky s důvody / rejected rows with reasons: "
            "koordinace export rejected --format xlsx --out odmitnute.xlsx"
        )


@etl.command("run")
@click.option(
    "--inbox",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder with one subfolder per district.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON to stdout.")
def etl_run(inbox: Path, as_json: bool) -> None:
    """Import every district folder under --inbox (one transaction)."""
    sys.exit(run_import(inbox, as_json))


@etl.command("status")
@click.option("--limit", default=10, show_default=True, help="How many recent runs to list.")
def etl_status(limit: int) -> None:
    """Recent import runs, their files and rejected rows."""
    from koordinace import exports
    from models.db import session_scope

    with session_scope() as session:
        runs = exports.runs_frame(session, limit)
        if runs.empty:
            console.info("Zatím žádný import / no import yet")
            return
        console.table(
            "Importy / import runs",
            [
                "run",
                "start",
                "stav / status",
                "soubory / files",
                "projekty",
                "aktivity",
                "nástroje",
            ],
            runs.itertuples(index=False),
        )
        last = int(runs.iloc[0]["run"])
        files = exports.files_frame(session, last)
        console.table(
            f"Soubory běhu / files of run {last}",
            [
                "soubor / file",
                "stav / status",
                "řádků / rows",
                "odmítnuto / rejected",
                "důvod / reason",
            ],
            files.itertuples(index=False),
        )
        rejected = exports.rejected_frame(session, last)
    if not rejected.empty:
        console.table(
            f"Odmítnuté řádky / rejected rows (run {last}, first 20 of {len(rejected)})",
            ["soubor / file", "řádek / row", "důvody / reasons"],
            (
                (r.file, r.row, "; ".join(r.reasons_cs))
                for r in rejected.head(20).itertuples(index=False)
            ),
        )


# ------------------------------------------------------------------ users


@main.group()
def users() -> None:
    """User accounts (roles: city, district, leadership, admin)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Heslo / password", hide_input=True, confirmation_prompt=True, err=True)


@users.command("add")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice(["city", "district", "leadership", "admin"])
)
@click.option("--district", help="Code, name or slug of the district (role district only).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(username: str, role: str, district: str | None, password_stdin: bool) -> None:
    """Create an account (password from a prompt, or --password-stdin)."""
    from koordinace.accounts import AccountError, add_user
    from models.db import session_scope

    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            add_user(
                session=session, username=username, role=role, password=password, district=district
            )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    console.success(f"Účet {username} ({role}) vytvořen / account created")


@users.command("list")
def users_list() -> None:
    """List accounts."""
    from koordinace.accounts import list_users
    from models.db import session_scope

    with session_scope() as session:
        accounts = list_users(session=session)
    console.table(
        "Účty / accounts",
        ["uživatel / user", "role", "městská část / district", "aktivní / active"],
        ((a.username, a.role, a.district or "", "ano" if a.is_active else "ne") for a in accounts),
    )


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account (it stays in the audit log; it can no longer sign in)."""
    _account_change(username, "disable_user", "Účet {u} zablokován / account disabled")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled account again."""
    _account_change(username, "enable_user", "Účet {u} povolen / account enabled")


@users.command("unlock")
@click.argument("username")
def users_unlock(username: str) -> None:
    """Clear an account's failed sign-ins and its temporary lock."""
    _account_change(username, "unlock_user", "Účet {u} odemčen / account unlocked")


def _account_change(username: str, function: str, done: str) -> None:
    from koordinace import accounts
    from models.db import session_scope

    try:
        with session_scope() as session:
            getattr(accounts, function)(session=session, username=username)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    console.success(done.format(u=username))


@users.command("token")
@click.argument("username")
@click.option("--name", help="What the token is for (shown in the audit log).")
@click.option("--revoke", is_flag=True, help="Revoke every token of the user instead.")
def users_token(username: str, name: str | None, revoke: bool) -> None:
    """Issue an API token (printed once to stdout), or --revoke all of the user's tokens."""
    from koordinace.accounts import AccountError, issue_token, revoke_tokens
    from models.db import session_scope

    try:
        with session_scope() as session:
            if revoke:
                count = revoke_tokens(session=session, username=username)
            else:
                token = issue_token(session=session, username=username, name=name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    if revoke:
        console.success(f"Zneplatněno tokenů / tokens revoked for {username}: {count}")
        return
    console.data(token)
    console.success(
        f"Token pro {username} vydán; uložte si ho, znovu se nezobrazí / token issued for "
        f"{username}; keep it, it is not shown again"
    )


# ------------------------------------------------------------------ synth


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", default=1.0, show_default=True, type=float)
@click.option("--seed", default=1, show_default=True, type=int)
def synth(out: Path, scale: float, seed: int) -> None:
    """Write a realistic sample inbox for the pilot districts (demo data)."""
    from etl.synth import generate_inbox

    if scale <= 0:
        raise click.BadParameter("musí být kladné / must be positive", param_hint="--scale")
    try:
        report = generate_inbox(out, scale=scale, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    console.success(
        f"{len(report.files)} souborů / files: {report.projects} projektů, "
        f"{report.activities} aktivit, {report.tool_usage} použití nástrojů; "
        f"{len(report.bad_rows)} záměrně chybných řádků / deliberately bad rows → {out}"
    )


# ------------------------------------------------------------------ serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the dashboard with gunicorn (on a database migrated to this version)."""
    from koordinace.server import run_gunicorn
    from models.db import current_revision, head_revision

    try:
        current = current_revision()
    except Exception:  # noqa: BLE001 - unreachable now: /healthz reports it, serve anyway
        current = head_revision()
    if current != head_revision():
        console.error(
            f"Databáze má schéma {current or '(prázdné)'}, tato verze potřebuje "
            f"{head_revision()}: spusťte `koordinace db upgrade` / the database schema is "
            f"{current or '(empty)'}, this version needs {head_revision()}: run "
            "`koordinace db upgrade`"
        )
        sys.exit(1)
    run_gunicorn(host=host, port=port, workers=workers)


def _demo_accounts() -> None:
    """Create the demo accounts once; print their password when it was generated."""
    import secrets

    from koordinace.accounts import ensure_demo_accounts
    from koordinace.settings import get_settings
    from models.db import session_scope

    given = get_settings().demo_password
    password = given or secrets.token_urlsafe(12)
    with session_scope() as session:
        created = ensure_demo_accounts(session=session, password=password)
    if not created:
        console.info(
            "Ukázkové účty už existují (heslo bylo vypsáno při jejich vytvoření) / "
            "the demo accounts exist already (their password was printed when they were made)"
        )
        return
    console.info("Ukázkové účty / demo accounts: " + ", ".join(created))
    if given:
        console.info("Heslo / password: z KOORDINACE_DEMO_PASSWORD / from KOORDINACE_DEMO_PASSWORD")
    else:
        console.info(
            f"Heslo všech ukázkových účtů / password of every demo account: {password}\n"
            "(vypsáno jen teď / printed only now; KOORDINACE_DEMO_PASSWORD sets your own)"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database, do not serve.")
def demo(host: str, port: int, workers: int, no_serve: bool) -> None:
    """Migrate the embedded database, import the bundled sample inbox, then serve."""
    from koordinace.settings import SAMPLE_INBOX

    upgrade_database()
    console.info(f"Import ukázkových dat / importing the demo data: {SAMPLE_INBOX}")
    status = run_import(SAMPLE_INBOX, as_json=False, triggered_by="demo")
    if status != 0:
        sys.exit(status)
    _demo_accounts()
    if no_serve:
        return
    from koordinace.server import run_gunicorn

    console.info(f"Koordinace běží na / runs at http://{host}:{port}/")
    run_gunicorn(host=host, port=port, workers=workers)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
