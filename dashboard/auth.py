"""Sign-in, sessions and who may see what (Flask-Login, roles from DESIGN.md).

- ``/login`` (a plain Flask form with a CSRF token, Flask-WTF) and ``/logout`` (POST).
- Every request needs a signed-in user except ``/login``, ``/healthz``, the language
  switch and static files; ``/api/`` does its own authentication (token or session).
- Pages declare ``roles=`` in ``dash.register_page``; the guard refuses a page's URL,
  its layout and every callback of its module to other roles — on the server, whatever
  the menu shows.
- Dash's callback POSTs are JSON requests; they must come from the app's own origin
  (``Origin``/``Referer``); other form posts need the CSRF token.
- Failed sign-ins slow down and then lock the account for a while; the counters live in
  the database, so every gunicorn worker and host sees them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

import dash
from flask import Flask, abort, jsonify, redirect, render_template_string, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlmodel import select

from dashboard.i18n import current_lang, t
from models import AuditEvent, District, UserAccount
from models.base import utcnow

log = logging.getLogger(__name__)

ROLES = ("city", "district", "leadership", "admin")
EVERYONE = ROLES
READERS = ("city", "district", "admin")  # "district coordinators read everything"
WRITERS = ("city", "district", "admin")
COORDINATORS = ("city", "admin")

# Failed sign-ins: after THROTTLE_AFTER failures each attempt must wait a little longer;
# after LOCK_AFTER the account is locked for LOCK_MINUTES.
THROTTLE_AFTER = 3
THROTTLE_SECONDS = (5, 30)
LOCK_AFTER = 5
LOCK_MINUTES = 15

PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/lang/")
PUBLIC_PATHS = {"/login", "/healthz", "/_favicon.ico", "/favicon.ico"}
CALLBACK_PATH = "/_dash-update-component"

csrf = CSRFProtect()
login_manager = LoginManager()


@dataclass(frozen=True)
class User(UserMixin):
    """The signed-in user as the app sees it (no password hash)."""

    id: int
    username: str
    role: str
    district_id: int | None
    district_name: str | None = None

    def get_id(self) -> str:
        return str(self.id)

    def can_see(self, roles) -> bool:
        return self.role in roles

    def actor(self, source: str = "form"):
        from koordinace.records import Actor

        return Actor(
            username=self.username,
            role=self.role,
            district_id=self.district_id,
            user_id=self.id,
            source=source,
            remote_addr=request.remote_addr if request else None,
        )


def user_from_account(account: UserAccount, district_name: str | None = None) -> User:
    return User(
        id=account.id,
        username=account.username,
        role=account.role,
        district_id=account.district_id,
        district_name=district_name,
    )


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Read the account on every request: a disabled account is signed out at once."""
    from models.db import session_scope

    try:
        ident = int(user_id)
    except (TypeError, ValueError):
        return None
    with session_scope() as s:
        row = s.exec(
            select(UserAccount, District.name)
            .join(District, District.id == UserAccount.district_id, isouter=True)
            .where(UserAccount.id == ident)
        ).first()
        if row is None or not row[0].is_active:
            return None
        return user_from_account(row[0], row[1])


# ------------------------------------------------------------------ signing in


class LoginRefused(Exception):
    def __init__(self, cs: str, en: str, status: int = 401):
        super().__init__(en)
        self.cs, self.en, self.status = cs, en, status

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.cs


_BAD_CREDENTIALS = (
    "Nesprávné uživatelské jméno nebo heslo.",
    "Wrong username or password.",
)


def _wait_text(seconds: int) -> tuple[str, str]:
    if seconds >= 90:
        minutes = -(-seconds // 60)
        return (
            f"Příliš mnoho neúspěšných pokusů: účet je dočasně zablokován, zkuste to znovu "
            f"za {minutes} min.",
            f"Too many failed attempts: the account is locked, try again in {minutes} min.",
        )
    return (
        f"Příliš mnoho neúspěšných pokusů: zkuste to znovu za {seconds} s.",
        f"Too many failed attempts: try again in {seconds} s.",
    )


def _as_aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite returns naive UTC
        return value.replace(tzinfo=dt.UTC)
    return value


def authenticate(
    username: str, password: str, *, remote_addr: str | None = None, now=None
) -> UserAccount:
    """The account for these credentials, or LoginRefused (wrong, throttled or locked).

    An unknown username costs the same password check and gets the same message as a
    wrong password, so the form does not tell which usernames exist.
    """
    from koordinace.accounts import dummy_verify, verify_password
    from models.db import session_scope

    now = now or utcnow()
    with session_scope() as s:
        account = s.exec(
            select(UserAccount).where(UserAccount.username == (username or "").strip())
        ).first()
        if account is None or not account.is_active:
            dummy_verify(password or "")
            raise LoginRefused(*_BAD_CREDENTIALS)
        locked_until = _as_aware(account.locked_until)
        if locked_until is not None and locked_until > now:
            raise LoginRefused(*_wait_text(int((locked_until - now).total_seconds()) + 1), 429)
        if verify_password(account.password_hash, password or ""):
            account.failed_logins = 0
            account.locked_until = None
            account.last_login_at = now
            s.add(account)
            s.add(_event(account, "login", remote_addr))
            s.flush()
            s.expunge(account)
            return account
        account.failed_logins += 1
        wait = _wait_after(account.failed_logins)
        account.locked_until = now + dt.timedelta(seconds=wait) if wait else None
        s.add(account)
        if account.failed_logins == LOCK_AFTER:
            s.add(_event(account, "lock", remote_addr, after={"minutes": LOCK_MINUTES}))
    raise LoginRefused(*_BAD_CREDENTIALS)


def _wait_after(failures: int) -> int:
    if failures >= LOCK_AFTER:
        return LOCK_MINUTES * 60
    if failures >= THROTTLE_AFTER:
        return THROTTLE_SECONDS[min(failures - THROTTLE_AFTER, len(THROTTLE_SECONDS) - 1)]
    return 0


def _event(account: UserAccount, action: str, remote_addr: str | None, after=None) -> AuditEvent:
    return AuditEvent(
        at=utcnow(),
        user_id=account.id,
        username=account.username,
        action=action,
        entity="user_account",
        entity_id=account.id,
        district_id=account.district_id,
        source="form",
        remote_addr=remote_addr,
        after=after,
    )


# ------------------------------------------------------------------ pages and roles


def page_roles(page: dict) -> tuple[str, ...]:
    return tuple(page.get("roles") or READERS)


def page_for_path(path: str) -> dict | None:
    """The registered page serving a URL path (templates like /districts/<x> included)."""
    from dash._pages import _parse_path_variables

    for page in dash.page_registry.values():
        if page.get("path") == path:
            return page
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template and _parse_path_variables(path, template) is not None:
            return page
    return None


def _page_for_module(module: str) -> dict | None:
    for page in dash.page_registry.values():
        if page.get("module") == module:
            return page
    return None


def forbidden_layout(lang: str):
    from dash import html

    return html.Div(
        [
            html.H1(t("auth.forbidden.title", lang)),
            html.P(t("auth.forbidden.text", lang)),
            html.A(t("home", lang), href="/"),
        ],
        id="forbidden",
    )


def _guard_layout(page: dict) -> None:
    """Wrap a page's layout: other roles get the refusal, never the page's content."""
    layout = page.get("layout")
    if getattr(layout, "_guarded", False):
        return
    roles = page_roles(page)

    def guarded(**kwargs):
        if not current_user.is_authenticated or current_user.role not in roles:
            return forbidden_layout(current_lang())
        return layout(**kwargs) if callable(layout) else layout

    guarded._guarded = True
    page["layout"] = guarded


def visible_pages(user) -> list[dict]:
    return [
        p
        for p in dash.page_registry.values()
        if user.is_authenticated and user.role in page_roles(p)
    ]


# ------------------------------------------------------------------ the guard


def _same_origin() -> bool:
    """The request comes from a page of this app (Origin, else Referer, must match)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    parsed = urlparse(source)
    return f"{parsed.scheme}://{parsed.netloc}" == request.host_url.rstrip("/")


def _callback_page(app: dash.Dash, body: dict) -> dict | None:
    """The page whose module defines the callback this request asks for."""
    entry = app.callback_map.get(body.get("output", ""))
    if entry is None:
        return None
    func = entry.get("callback")
    module = getattr(func, "__module__", None) or ""
    return _page_for_module(module)


def _refuse(status: int, cs: str, en: str):
    lang = current_lang()
    if request.path.startswith(("/_dash-", "/api/")) or request.is_json:
        return jsonify({"error": en if lang == "en" else cs, "status": status}), status
    return render_template_string(
        PLAIN_PAGE, lang=lang, title=cs if lang == "cs" else en, body=""
    ), status


def install(app: dash.Dash) -> None:
    """Sessions, CSRF, sign-in routes and the guard on the app's Flask server."""
    from koordinace.settings import get_settings

    server: Flask = app.server
    settings = get_settings()
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="koordinace_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in the guard, for non-Dash, non-token posts
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session
    )
    csrf.init_app(server)
    login_manager.init_app(server)
    login_manager.session_protection = "basic"

    for page in dash.page_registry.values():
        _guard_layout(page)

    @server.before_request
    def guard():
        path = request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            if request.method == "POST" and path == "/login":
                csrf.protect()
            return None
        if path.startswith("/api/"):
            return None  # the API authenticates itself (bearer token or session)
        if not current_user.is_authenticated:
            if request.method == "GET" and not path.startswith("/_dash-"):
                target = request.full_path.rstrip("?")
                return redirect(f"/login?next={target}")
            return _refuse(401, "Nejste přihlášeni.", "You are not signed in.")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if path == CALLBACK_PATH:
                if not _same_origin():
                    return _refuse(
                        403,
                        "Požadavek nepřišel ze stránky aplikace (kontrola původu).",
                        "The request did not come from a page of this app (origin check).",
                    )
                body = request.get_json(silent=True) or {}
                page = _callback_page(app, body)
                if page is not None and current_user.role not in page_roles(page):
                    return _refuse(
                        403,
                        "Tato data vaše role nesmí číst ani měnit.",
                        "Your role may not read or change this data.",
                    )
                return None
            csrf.protect()
            return None
        page = page_for_path(path)
        if page is not None and current_user.role not in page_roles(page):
            return _refuse(
                403, "Na tuto stránku vaše role nemá přístup.", "Your role cannot open this page."
            )
        return None

    @server.errorhandler(CSRFError)
    def csrf_failed(err):
        return _refuse(
            400,
            "Formulář vypršel nebo nepřišel z této aplikace (CSRF). Načtěte stránku znovu.",
            "The form expired or did not come from this app (CSRF). Reload the page.",
        )

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang = current_lang()
        error = None
        username = ""
        next_url = _safe_next(request.values.get("next"))
        if request.method == "POST":
            username = request.form.get("username", "")
            try:
                account = authenticate(
                    username, request.form.get("password", ""), remote_addr=request.remote_addr
                )
            except LoginRefused as refused:
                error = refused.text(lang)
            else:
                session.clear()  # no session fixation: a fresh session for the new user
                login_user(user_from_account(account))
                return redirect(next_url)
        page = render_template_string(
            LOGIN_PAGE,
            lang=lang,
            t=lambda key: t(key, lang),
            error=error,
            username=username,
            next_url=next_url,
            csrf_token=generate_csrf(),
        )
        # The form answers 200 with the reason (a browser logs 4xx pages as errors).
        return page

    @server.post("/logout")
    def logout():
        logout_user()
        session.clear()
        return redirect("/login")


def _safe_next(target: str | None) -> str:
    """Only a local path: never redirect to another site after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def logout_form(lang: str):
    """The sign-out button for the navigation bar: a POST with the CSRF token."""
    from dash import dcc, html

    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button(
                t("auth.logout", lang), type="submit", className="btn btn-outline-light btn-sm"
            ),
        ],
        action="/logout",
        method="POST",
        className="d-inline ms-2",
        id="logout-form",
    )


def require(roles) -> None:
    """Abort with 403 unless the signed-in user has one of ``roles`` (for plain routes)."""
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in roles:
        abort(403)


PLAIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>Koordinace</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body class="container py-5"><h1 class="h3">{{ title }}</h1>{{ body }}
<p><a href="/">Koordinace</a></p></body></html>"""

LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t("auth.title") }} – Koordinace</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
</head>
<body class="bg-light">
<main class="container" style="max-width: 26rem; margin-top: 10vh">
  <h1 class="h3 mb-3">Koordinace</h1>
  <p class="text-muted">{{ t("auth.lead") }}</p>
  {% if error %}
  <div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>
  {% endif %}
  <form method="post" action="/login" id="login-form">
    <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
    <input type="hidden" name="next" value="{{ next_url }}">
    <div class="mb-3">
      <label class="form-label" for="username">{{ t("auth.username") }}</label>
      <input class="form-control" id="username" name="username" value="{{ username }}"
             autocomplete="username" required autofocus>
    </div>
    <div class="mb-3">
      <label class="form-label" for="password">{{ t("auth.password") }}</label>
      <input class="form-control" id="password" name="password" type="password"
             autocomplete="current-password" required>
    </div>
    <button class="btn btn-primary w-100" type="submit" id="login-submit">
      {{ t("auth.submit") }}</button>
  </form>
  <p class="mt-4 small">
    <a href="/lang/{{ 'en' if lang == 'cs' else 'cs' }}">{{ t("app.switch") }}</a></p>
</main>
</body>
</html>"""
