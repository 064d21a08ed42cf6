"""The Dash application factory. ``dashboard.wsgi`` exposes ``server`` for gunicorn."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, html

from koordinace.settings import PROJECT_DIR

ASSETS_DIR = PROJECT_DIR / "assets"
PAGES_DIR = Path(__file__).parent / "pages"

CREDITS = (
    "Hranice městských částí: data base © IPR Prague (CC BY-SA 4.0) · "
    "Počet obyvatel: population © ČSÚ"
)


def create_app() -> Dash:
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
    _add_health(app)
    return app


def _demo_banner():
    from dashboard import queries

    if not queries.is_demo():
        return None
    return html.Div(
        "Ukázková data: vygenerovaná pro předvedení, nejde o skutečné údaje městských částí.",
        className="alert alert-warning text-center mb-0 rounded-0",
        id="demo-banner",
        role="status",
    )


def _shell():
    return html.Div(
        [
            _demo_banner(),
            html.Header(
                html.Div(
                    html.A("Koordinace", href="/", className="navbar-brand"),
                    className="container",
                ),
                className="navbar navbar-dark bg-dark mb-4",
            ),
            html.Main(dash.page_container, className="container"),
            html.Footer(html.Small(CREDITS), className="container text-muted my-4"),
        ],
        lang="cs",
    )


def _add_health(app: Dash) -> None:
    @app.server.get("/healthz")
    def healthz():
        from sqlalchemy import text

        from models.db import get_engine

        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return {"status": "error", "database": "unavailable"}, 503
        return {"status": "ok"}
