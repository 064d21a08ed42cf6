"""API tests: the Flask server of the real Dash app, driven with its test client, against
the sample inbox imported through the real ETL plus the demo accounts, on both backends.

``api_db`` makes that database the default for the request handlers; ``tokens`` issues a
bearer token per demo account (through ``koordinace.accounts``, as the CLI does).
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select


def sqlite_copy(request, tmp_path) -> str:
    path = tmp_path / "api.db"
    shutil.copyfile(request.getfixturevalue("sample_sqlite"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def api_db_url(sample_db_url):
    """A fresh copy of the sample database with the demo accounts, on each backend."""
    return sample_db_url


@pytest.fixture
def api_db(sample_db):
    """The same database as the default of the request handlers."""
    return sample_db


@pytest.fixture(scope="session")
def server():
    """The Flask server of the whole app (sign-in guard, pages and the API)."""
    from dashboard.app import create_app

    app = create_app()
    app.server.testing = True
    return app.server


@pytest.fixture
def client(server, api_db):
    return server.test_client()


@pytest.fixture
def tokens(api_db) -> dict[str, str]:
    """A bearer token for every demo account (username -> token)."""
    from koordinace.accounts import issue_token
    from models import UserAccount
    from models.db import session_scope

    with session_scope() as session:
        names = session.execute(select(UserAccount.username)).scalars().all()
        return {name: issue_token(session=session, username=name) for name in names}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def counts(url: str | None = None) -> dict[str, int]:
    """Rows of the participation tables and of the audit log."""
    from models import Activity, AuditEvent, Project, ProjectUpdate, ToolUsage
    from models.db import session_scope

    with session_scope(url) as session:
        return {
            model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Project, ProjectUpdate, Activity, ToolUsage, AuditEvent)
        }


def district(slug: str):
    from models import District
    from models.db import session_scope

    with session_scope() as session:
        return session.execute(select(District).where(District.slug == slug)).scalar_one()
