"""Dashboard tests run against the sample inbox imported through the real ETL, on both
backends; ``sample_db`` makes that database the default for the dashboard's queries."""

from __future__ import annotations

import shutil
import uuid

import pytest

from tests import pg


def _import_sample(url: str) -> None:
    from etl.pipeline import run_etl
    from koordinace.settings import SAMPLE_INBOX
    from models.db import dispose

    run_etl(SAMPLE_INBOX, url=url, triggered_by="demo", workers=1)
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
