"""API tests: the Flask server of the real Dash app, driven with its test client, against
the sample inbox imported through the real ETL plus the demo accounts, on both backends.

``api_db`` makes that database the default for the request handlers; ``tokens`` issues a
bearer token per demo account (through ``koordinace.accounts``, as the CLI does).
"""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import func, select

from tests import pg
from tests.helpers import add_demo_accounts


def _prepare_sample(url: str) -> None:
    from etl.pipeline import run_etl
    from koordinace.settings import SAMPLE_INBOX
    from models.db import dispose

    run_etl(SAMPLE_INBOX, url=url, triggered_by="demo", workers=1)
    add_demo_accounts(url)
    dispose(url)


@pytest.fixture(scope="session")
def api_sqlite(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("api-sample") / "sample.db"
    shutil.copyfile(sqlite_template, path)
    _prepare_sample(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def api_pg_template(pg_admin_url, pg_template):
    name = f"koordinace_api_{uuid.uuid4().hex[:8]}"
    _prepare_sample(pg.create_database(pg_admin_url, name, template=pg_template))
    yield name
    pg.drop_database(pg_admin_url, name)


def sqlite_copy(request, tmp_path) -> str:
    path = tmp_path / "api.db"
    shutil.copyfile(request.getfixturevalue("api_sqlite"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def api_db_url(request, backend, tmp_path):
    """A fresh copy of the sample database with the demo accounts, on each backend."""
    from models.db import dispose

    if backend == "sqlite":
        url = sqlite_copy(request, tmp_path)
        yield url
        dispose(url)
        return
    admin = request.getfixturevalue("pg_admin_url")
    name = f"koordinace_t_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(admin, name, template=request.getfixturevalue("api_pg_template"))
    yield url
    dispose(url)
    pg.drop_database(admin, name)


@pytest.fixture
def api_db(api_db_url):
    from models.db import use_database

    with use_database(api_db_url):
        yield api_db_url


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
