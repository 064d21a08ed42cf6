"""Settings in one place. Nothing else reads ``os.environ``.

Every setting comes from the environment with a safe default:

- ``DATABASE_URL``: SQLAlchemy URL; default an SQLite file in ``instance/``.
- ``SECRET_KEY``: session signing key; when absent, generated once into
  ``instance/secret_key`` (never committed).
- ``KOORDINACE_LANG``: interface language, ``cs`` (default) or ``en``.
- ``KOORDINACE_PILOT``: the pilot districts, comma-separated codes, names or slugs.
- ``KOORDINACE_INSTANCE``: the instance folder (default ``instance/`` in the project).
- ``KOORDINACE_SECURE_COOKIES``: ``1`` behind HTTPS.
- ``KOORDINACE_DEMO_PASSWORD``: the demo accounts' password (``koordinace demo``); when
  absent a random one is generated and printed once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = PROJECT_DIR / "data" / "sample-inbox"

DEFAULT_PILOT = (
    "Praha 1",
    "Praha 3",
    "Praha 5",
    "Praha 11",
    "Praha 14",
    "Praha 22",
    "Praha-Běchovice",
    "Praha-Klánovice",
    "Praha-Lipence",
    "Praha-Zbraslav",
)
LANGUAGES = ("cs", "en")


class SettingsError(ValueError):
    """A setting has a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    lang: str
    pilot: tuple[str, ...]
    secure_cookies: bool
    secret_key_env: str | None = None
    demo_password: str | None = None

    @property
    def secret_key(self) -> str:
        """``SECRET_KEY`` from the environment, else one kept in the instance folder."""
        if self.secret_key_env:
            return self.secret_key_env
        path = self.instance_dir / "secret_key"
        if not path.exists():
            self.instance_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def from_environ(environ: os._Environ | dict | None = None) -> Settings:
    env = os.environ if environ is None else environ
    instance_dir = Path(env.get("KOORDINACE_INSTANCE") or PROJECT_DIR / "instance")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'koordinace.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    lang = (env.get("KOORDINACE_LANG") or "cs").strip().lower()
    if lang not in LANGUAGES:
        raise SettingsError(
            f"KOORDINACE_LANG={lang!r}: podporované jazyky jsou cs a en / supported: cs, en"
        )
    pilot_raw = env.get("KOORDINACE_PILOT")
    pilot = (
        tuple(p.strip() for p in pilot_raw.split(",") if p.strip()) if pilot_raw else DEFAULT_PILOT
    )
    return Settings(
        instance_dir=instance_dir,
        database_url=database_url,
        lang=lang,
        pilot=pilot,
        secure_cookies=env.get("KOORDINACE_SECURE_COOKIES", "0").lower() in ("1", "true", "yes"),
        secret_key_env=env.get("SECRET_KEY") or None,
        demo_password=env.get("KOORDINACE_DEMO_PASSWORD") or None,
    )


@cache
def get_settings() -> Settings:
    return from_environ()
