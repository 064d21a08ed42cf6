"""Shared fixtures: databases on both backends (SQLite and a real PostgreSQL server).

Every data-layer test takes ``db_url`` (migrated, reference data loaded) or
``empty_db_url`` and runs once per backend. In CI (``CI=true``) a missing PostgreSQL
server fails the tests; elsewhere it skips them with the reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# Settings are read once per process: point the instance folder away from the project.
_INSTANCE = Path(tempfile.mkdtemp(prefix="koordinace-test-instance-"))
os.environ["KOORDINACE_INSTANCE"] = str(_INSTANCE)
os.environ.pop("DATABASE_URL", None)

from tests import pg  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_admin_url():
    try:
        url, cluster = pg.admin_url()
    except pg.Unavailable as exc:
        message = f"PostgreSQL is not available: {exc}"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing PostgreSQL is a failure)")
        pytest.skip(message)
    yield url
    if cluster is not None:
        cluster.stop()


def _prepare(url: str) -> None:
    from koordinace.settings import DEFAULT_PILOT
    from models.db import session_scope, upgrade
    from models.reference import load_reference_data

    upgrade(url)
    with session_scope(url) as session:
        load_reference_data(session, DEFAULT_PILOT)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    _prepare(url)
    from models.db import dispose

    dispose(url)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_admin_url) -> str:
    name = f"koordinace_tmpl_{uuid.uuid4().hex[:8]}"
    url = pg.create_database(pg_admin_url, name)
    _prepare(url)
    from models.db import dispose

    dispose(url)
    yield name
    pg.drop_database(pg_admin_url, name)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_db_url(request, backend, tmp_path):
    """A new, empty database on each backend."""
    yield from _database(request, backend, tmp_path, template=False)


@pytest.fixture
def db_url(request, backend, tmp_path):
    """A new database on each backend, migrated to head with reference data loaded."""
    yield from _database(request, backend, tmp_path, template=True)


def _database(request, backend, tmp_path, *, template: bool):
    from models.db import dispose

    if backend == "sqlite":
        path = tmp_path / "koordinace.db"
        if template:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        dispose(url)
        return
    admin = request.getfixturevalue("pg_admin_url")
    tmpl = request.getfixturevalue("pg_template") if template else None
    name = f"koordinace_t_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(admin, name, template=tmpl)
    yield url
    dispose(url)
    pg.drop_database(admin, name)


# ------------------------------------------------------------------ the sample database
# The sample inbox imported through the real ETL plus the demo accounts, on both
# backends; ``sample_db`` makes it the default database of the code under test.


def _import_sample(url: str) -> None:
    from etl.pipeline import run_etl
    from koordinace.settings import SAMPLE_INBOX
    from models.db import dispose
    from tests.helpers import add_demo_accounts

    run_etl(SAMPLE_INBOX, url=url, triggered_by="demo", workers=1)
    add_demo_accounts(url)  # admin, city, leadership, district-<slug> (DEMO_PASSWORD)
    dispose(url)


@pytest.fixture(scope="session")
def sample_sqlite(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    shutil.copyfile(sqlite_template, path)
    _import_sample(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def sample_pg_template(pg_admin_url, pg_template):
    name = f"koordinace_sample_{uuid.uuid4().hex[:8]}"
    _import_sample(pg.create_database(pg_admin_url, name, template=pg_template))
    yield name
    pg.drop_database(pg_admin_url, name)


@pytest.fixture
def sample_db_url(request, backend, tmp_path):
    """A fresh copy of the sample database on each backend (tests may write to it)."""
    from models.db import dispose

    if backend == "sqlite":
        path = tmp_path / "sample.db"
        shutil.copyfile(request.getfixturevalue("sample_sqlite"), path)
        url = f"sqlite:///{path}"
        yield url
        dispose(url)
        return
    admin = request.getfixturevalue("pg_admin_url")
    name = f"koordinace_t_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(admin, name, template=request.getfixturevalue("sample_pg_template"))
    yield url
    dispose(url)
    pg.drop_database(admin, name)


@pytest.fixture
def sample_db(sample_db_url):
    """The sample database as the default database of the code under test."""
    from models.db import use_database

    with use_database(sample_db_url):
        yield sample_db_url
