"""Czech first, English second: the interface language and Czech number/date formats.

The language is kept per browser in a cookie (``lang``), set by ``/lang/<code>``; pages
and callbacks read it with :func:`current_lang` (every Dash request carries the cookie).
Strings shared by several pages live in ``STRINGS``; a page keeps its own strings next
to its layout and looks them up with :func:`t` too.
"""

from __future__ import annotations

import datetime as dt
import math

from koordinace.settings import LANGUAGES, get_settings

COOKIE = "lang"

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"cs": "Koordinace participace", "en": "Participation coordination"},
    "app.switch": {"cs": "English", "en": "Česky"},
    "demo.banner": {
        "cs": "Ukázková data: vygenerovaná pro předvedení, nejde o skutečné údaje městských částí.",
        "en": "Demo data: generated for demonstration, not the districts' real figures.",
    },
    "credits": {
        "cs": "Hranice městských částí: data base © IPR Prague (CC BY-SA 4.0) · "
        "Počet obyvatel: population © ČSÚ",
        "en": "District boundaries: data base © IPR Prague (CC BY-SA 4.0) · "
        "Population: population © ČSÚ",
    },
    "data_as_of": {"cs": "Data k {date}", "en": "Data as of {date}"},
    "no_data": {
        "cs": "Pro zvolené filtry nejsou žádná data.",
        "en": "There is no data for the selected filters.",
    },
    "error": {
        "cs": "Graf se nepodařilo připravit. Zkuste to prosím znovu; chyba byla zaznamenána.",
        "en": "The chart could not be prepared. Please try again; the error was logged.",
    },
    "filter.period": {"cs": "Období", "en": "Period"},
    "filter.districts": {"cs": "Městské části", "en": "Districts"},
    "filter.kind": {"cs": "Typ procesu", "en": "Process kind"},
    "filter.topic": {"cs": "Téma", "en": "Topic"},
    "filter.all": {"cs": "Vše", "en": "All"},
    "filter.pilot": {"cs": "Pilotní městské části", "en": "Pilot districts"},
    "auth.title": {"cs": "Přihlášení", "en": "Sign in"},
    "auth.lead": {
        "cs": "Koordinace participace městských částí. Přihlaste se svým účtem.",
        "en": "Coordination of the districts' participation. Sign in with your account.",
    },
    "auth.username": {"cs": "Uživatelské jméno", "en": "Username"},
    "auth.password": {"cs": "Heslo", "en": "Password"},
    "auth.submit": {"cs": "Přihlásit se", "en": "Sign in"},
    "auth.logout": {"cs": "Odhlásit", "en": "Sign out"},
    "auth.forbidden.title": {"cs": "Sem nemáte přístup", "en": "No access"},
    "auth.forbidden.text": {
        "cs": "Tato stránka není pro vaši roli dostupná.",
        "en": "This page is not available to your role.",
    },
    "role.city": {"cs": "městský koordinátor", "en": "city coordinator"},
    "role.district": {"cs": "koordinátor MČ", "en": "district coordinator"},
    "role.leadership": {"cs": "vedení", "en": "leadership"},
    "role.admin": {"cs": "správce", "en": "administrator"},
    "home": {"cs": "Zpět na přehled", "en": "Back to the overview"},
    "table.alternative": {"cs": "Tabulka s daty grafu", "en": "Table of the chart's data"},
}


def current_lang() -> str:
    """The language of the current request (cookie), else the configured default."""
    try:
        from flask import has_request_context, request

        if has_request_context():
            lang = request.cookies.get(COOKIE)
            if lang in LANGUAGES:
                return lang
    except ImportError:  # pragma: no cover - Flask is a dependency
        pass
    return get_settings().lang


def t(key: str, lang: str | None = None, table: dict | None = None, **values) -> str:
    """The text for ``key`` in ``lang`` (from ``table`` or the shared STRINGS)."""
    lang = lang or current_lang()
    entry = (table or STRINGS).get(key) or STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["cs"]
    return text.format(**values) if values else text


# ------------------------------------------------------------------ formats

NBSP = "\u00a0"
PLOTLY_SEPARATORS = {"cs": f",{NBSP}", "en": ".,"}  # decimal, thousands
PLOTLY_LOCALE = {"cs": "cs", "en": "en"}


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value, lang: str | None = None, decimals: int = 0) -> str:
    """``1 234 567`` / ``12,5`` in Czech; ``1,234,567`` / ``12.5`` in English."""
    if _is_missing(value):
        return "–"
    lang = lang or current_lang()
    text = f"{float(value):,.{decimals}f}"
    if lang == "cs":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def fmt_czk(value, lang: str | None = None) -> str:
    if _is_missing(value):
        return "–"
    lang = lang or current_lang()
    number = fmt_number(value, lang)
    return f"{number}{NBSP}Kč" if lang == "cs" else f"CZK{NBSP}{number}"


def fmt_percent(value, lang: str | None = None, decimals: int = 0) -> str:
    if _is_missing(value):
        return "–"
    return f"{fmt_number(value, lang, decimals)}{NBSP}%"


def fmt_date(value: dt.date | None, lang: str | None = None) -> str:
    """``15. 3. 2021`` in Czech, ``15 Mar 2021`` in English."""
    if value is None:
        return "–"
    lang = lang or current_lang()
    if isinstance(value, dt.datetime):
        value = value.date()
    if lang == "cs":
        return f"{value.day}.{NBSP}{value.month}.{NBSP}{value.year}"
    return value.strftime("%-d %b %Y")
