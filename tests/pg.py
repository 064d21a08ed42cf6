"""A PostgreSQL server for the tests.

``TEST_DATABASE_URL`` (as ``.ci/run`` sets it) names a database whose role may create
databases. Without it, a throwaway cluster is started from the installed PostgreSQL
binaries in a temporary folder (as the ``postgres`` user when running as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


class Unavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin_dir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise Unavailable("PostgreSQL binaries (initdb) not found; install postgresql")


class ThrowawayCluster:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="koordinace-pg-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise Unavailable(f"{' '.join(args[:1])} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off",
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def admin_url() -> tuple[str, ThrowawayCluster | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url, None
    cluster = ThrowawayCluster()
    return cluster.start(), cluster


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _admin_execute(admin: str, *statements: str, attempts: int = 20) -> None:
    """Run statements with AUTOCOMMIT, retrying briefly: an autovacuum worker (run by the
    server's superuser) can hold a just-created database or the template for a moment,
    and a non-superuser may neither drop it then nor terminate that worker."""
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(attempts):
            try:
                with engine.connect() as conn:
                    for statement in statements:
                        conn.execute(text(statement))
                return
            except DBAPIError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.25 * (attempt + 1))
    finally:
        engine.dispose()


def create_database(admin: str, name: str, template: str | None = None) -> str:
    tmpl = f' TEMPLATE "{template}"' if template else ""
    _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"{tmpl}')
    return with_database(admin, name)


def drop_database(admin: str, name: str) -> None:
    _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
