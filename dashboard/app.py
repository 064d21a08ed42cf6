"""The Dash application factory. ``dashboard.wsgi`` exposes ``server`` for gunicorn.

The shell around every page: navigation built from the page registry (Czech names,
English when chosen), the language switch (a cookie, via ``/lang/<code>``), the demo
banner, the data credits, and ``dcc.Location(id="url")`` that keeps the filters in the
query string.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import dash
import dash_bootstrap_components as dbc
from dash import Dash, dcc, html
from flask import redirect, request
from flask_login import current_user

from dashboard import api, auth
from dashboard.i18n import COOKIE, current_lang, t
from koordinace.settings import LANGUAGES, PROJECT_DIR

log = logging.getLogger(__name__)

ASSETS_DIR = PROJECT_DIR / "assets"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_MENU = ("projects", "activities", "tool-usage")
PAGES_DIR = Path(__file__).parent / "pages"


@cache
def create_app() -> Dash:
    """The app (one per process: Dash's page registry and callback list are global)."""
    return _build_app()


def _build_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        title="Koordinace",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = _shell
    _add_routes(app)
    auth.install(app)
    api.install(app)
    return app


def _demo_banner(lang: str):
    from dashboard import queries

    try:
        demo = queries.is_demo()
    except Exception:  # noqa: BLE001 - the shell must render even when the database is down
        log.exception("could not tell whether the data is demo data")
        return None
    if not demo:
        return None
    return html.Div(
        t("demo.banner", lang),
        className="alert alert-warning text-center mb-0 rounded-0 py-1",
        id="demo-banner",
        role="status",
    )


def _nav(lang: str) -> dbc.Navbar:
    pages = sorted(
        auth.visible_pages(current_user),
        key=lambda p: (p.get("order") if p.get("order") is not None else 50, p["path"]),
    )
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page.get("name_en", page["name"]) if lang == "en" else page["name"],
                href=page["relative_path"],
                active="exact",
            )
        )
        for page in pages
        if not page.get("hidden") and "<" not in (page.get("path_template") or "")
    ]
    other = "en" if lang == "cs" else "cs"
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(t("app.title", lang), href="/"),
                html.Div(
                    [
                        _user_badge(lang),
                        html.A(
                            t("app.switch", lang),
                            href=f"/lang/{other}",
                            id="lang-switch",
                            className="btn btn-outline-light btn-sm",
                            lang=other,
                        ),
                    ],
                    className="d-flex align-items-center ms-auto",
                ),
                # The page links on a row of their own: nine pages fit a laptop screen.
                dbc.Nav(
                    [*links, _export_menu(lang)],
                    navbar=True,
                    className="w-100 order-last flex-row flex-wrap column-gap-3",
                    id="main-nav",
                ),
            ],
            className="flex-wrap",
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )


def _export_menu(lang: str):
    names = {
        "projects": ("Procesy", "Processes"),
        "activities": ("Aktivity", "Activities"),
        "tool-usage": ("Použití nástrojů", "Tool usage"),
    }
    items = [
        dbc.DropdownMenuItem(
            f"{names[kind][lang == 'en']} ({fmt.upper()})",
            href=f"/export/{kind}.{fmt}",
            external_link=True,
        )
        for kind in EXPORT_MENU
        for fmt in ("xlsx", "csv")
    ]
    return dbc.DropdownMenu(
        items,
        label="Stáhnout data" if lang == "cs" else "Download data",
        nav=True,
        in_navbar=True,
        id="export-menu",
    )


def _user_badge(lang: str):
    if not current_user.is_authenticated:
        return None
    role = t(f"role.{current_user.role}", lang)
    where = f" · {current_user.district_name}" if current_user.district_name else ""
    return html.Span(
        [
            html.Span(
                f"{current_user.username} ({role}{where})",
                className="navbar-text text-light small me-2",
                id="current-user",
            ),
            auth.logout_form(lang),
        ],
        className="me-2 d-flex align-items-center",
    )


def _shell():
    lang = current_lang()
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            _demo_banner(lang),
            _nav(lang),
            html.Main(dash.page_container, className="container-xl", id="main"),
            html.Footer(html.Small(t("credits", lang)), className="container-xl text-muted my-4"),
        ],
        lang=lang,
    )


def _add_routes(app: Dash) -> None:
    server = app.server

    @server.get("/lang/<code>")
    def switch_language(code: str):
        """Remember the language in a cookie and go back where the user was."""
        back = request.referrer or "/"
        parsed = urlparse(back)
        target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if not target.startswith("/") or target.startswith("/lang/"):
            target = "/"
        response = redirect(target)
        if code in LANGUAGES:
            response.set_cookie(
                COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response

    @server.get("/export/<kind>.<fmt>")
    def export(kind: str, fmt: str):
        """A download of the data (every role; the rejected rows not for leadership)."""
        import io

        from flask import Response, abort

        from koordinace import exports
        from models.db import session_scope

        if kind not in exports.KIND_FRAMES or fmt not in exports.FORMATS:
            abort(404)
        if kind == "rejected":
            auth.require(auth.READERS)
        with session_scope() as session:
            frame = exports.KIND_FRAMES[kind](session)
        if fmt == "xlsx":
            buffer = io.BytesIO()
            exports.write_frame(frame, fmt, buffer)
            body, mimetype = buffer.getvalue(), EXPORT_TYPES[fmt]
        else:
            body, mimetype = exports.write_frame(frame, fmt), EXPORT_TYPES[fmt]
        stamp = dt.date.today().isoformat()
        return Response(
            body,
            mimetype=mimetype,
            headers={
                "Content-Disposition": f'attachment; filename="koordinace-{kind}-{stamp}.{fmt}"'
            },
        )

    @server.get("/healthz")
    def healthz():
        from sqlalchemy import text

        from models.db import get_engine

        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return {"status": "error", "database": "unavailable"}, 503
        return {"status": "ok"}
