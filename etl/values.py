"""Parsing of cell values from district spreadsheet exports.

Every parser exists twice:

* a scalar version (``parse_date``, ``parse_amount``, ...) for entry forms and the API,
  which returns the parsed value, ``None`` for a blank cell, or raises
  :class:`InvalidValue`;
* a vectorised version (``parse_dates``, ``parse_amounts``, ...) for the ETL, which takes
  a :class:`pandas.Series` and returns ``(values, errors)``, both aligned to the input
  index. ``errors`` has object dtype and holds ``None`` (parsed or blank) or an
  :class:`InvalidValue` (cells with the same bad value share one instance).

The two versions implement the same rules and are property-tested to agree. The
vectorised ones use pandas string methods, regex ``extract`` and numpy arithmetic on the
distinct strings of a column; only rare cell types (``Decimal``, ``bool``, stray objects)
and the distinct bad values (to build messages) are handled one by one.

Output dtypes of the vectorised versions:

* ``parse_dates``: object, :class:`datetime.date` or ``None``;
* ``parse_amounts`` and ``parse_percents``: float64, ``NaN`` where blank or invalid;
* ``parse_wholes``: nullable ``Int64``, ``<NA>`` where blank or invalid.

Text rules common to all parsers: a cell is blank when it is ``None``, NaN, ``pd.NA``,
``NaT``, a ``Decimal`` NaN, or a string of whitespace only. Text is stripped of
surrounding whitespace (Python's definition, which includes U+00A0 and U+202F), and the
no-break spaces U+00A0 and U+202F inside it count as ordinary spaces. Digits are ASCII
``0-9`` only.

Amounts, separator rule (the number may carry ``Kč``/``CZK`` before or after it, any
case, with an optional space, and may end in the Czech whole-crowns mark ``,-``; it may
be signed with ``-`` or U+2212 to be reported as negative). The forms are tried in this
order and the first that matches the whole number wins:

1. ``1.500.000`` / ``1.500`` / ``1.500.000,50`` - dot thousands groups (even a single
   group, so ``1.500`` is 1500), optional comma decimal part;
2. ``1,500,000`` / ``1,500,000.50`` / ``1,500.50`` - comma thousands groups: two or more,
   or one followed by a dot decimal part;
3. ``1 500 000`` / ``1 500 000,50`` / ``1 500 000.50`` - space groups, either decimal;
4. ``1500000`` / ``1500000.5`` / ``1,5`` / ``0.500`` - digits with an optional single
   ``.`` or ``,`` decimal separator.

Thousands groups need a first group of 1-3 digits without a leading zero followed by
groups of exactly three digits, so ``0.500`` and ``1234.500`` are decimals (0.5 and
1234.5), ``1,500`` is 1.5 (a single comma is always decimal), and inconsistent groupings
(``12.34.567``, ``1 500.000,5``) are errors. When both ``.`` and ``,`` appear the last one
is the decimal separator. Amounts of 10**12 CZK or more are rejected as too large (this
keeps the float64 column of the vectorised version meaningful).

Whole numbers accept digits with optional space thousands groups (``1 200``), ints and
integral floats (Excel's ``120.0``); decimal strings such as ``120.0`` are not whole
numbers. They must fit into int64. Percentages accept ``45``, ``45,5``, ``45.5``,
``45 %``, ``45%`` and numbers; they must lie in 0..100 (Excel cells formatted as percent
arrive as fractions, e.g. 0.45, and are taken at face value).
"""

from __future__ import annotations

import datetime
import decimal
import numbers
import re
from collections.abc import Callable, Hashable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

__all__ = [
    "InvalidValue",
    "MAX_AMOUNT",
    "MAX_WHOLE",
    "clean_text",
    "format_amount_cs",
    "format_date_cs",
    "is_blank",
    "parse_amount",
    "parse_amounts",
    "parse_date",
    "parse_dates",
    "parse_percent",
    "parse_percents",
    "parse_url",
    "parse_whole",
    "parse_wholes",
]

#: Amounts must be strictly below this many CZK.
MAX_AMOUNT = 10**12
#: Largest accepted whole number: the database's INTEGER columns (counts, ratings) hold
#: up to 2**31 - 1 on PostgreSQL; a larger count is a typo, refused with its row.
MAX_WHOLE = 2**31 - 1

_NBSP = "\u00a0"
_NNBSP = "\u202f"
_SPACES = str.maketrans({_NBSP: " ", _NNBSP: " "})
_SHOW_LIMIT = 80


class InvalidValue(ValueError):
    """A value that cannot be parsed; carries the reason in Czech and English."""

    def __init__(self, cs: str, en: str):
        super().__init__(cs, en)
        self.cs = cs
        self.en = en

    def __str__(self) -> str:
        return self.en


# --------------------------------------------------------------------------- helpers


def is_blank(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT, a Decimal NaN and whitespace-only strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Decimal):
        return value.is_nan()
    if pd.api.types.is_scalar(value):
        return bool(pd.isna(value))
    return False


def _normalise(text: str) -> str:
    """No-break spaces become spaces, surrounding whitespace is stripped."""
    return text.translate(_SPACES).strip()


def _normalise_series(texts: pd.Series) -> pd.Series:
    """Vectorised :func:`_normalise` (object dtype, Python string semantics)."""
    # Two plain replacements are faster than str.translate on object columns.
    return (
        texts.str.replace(_NBSP, " ", regex=False).str.replace(_NNBSP, " ", regex=False).str.strip()
    )


def _plain(value: Any) -> str:
    """A value as text: strings normalised, integral floats without ``.0``."""
    if isinstance(value, str):
        return _normalise(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return str(number)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _show(value: Any) -> str:
    """A value for an error message, shortened when very long."""
    text = _plain(value)
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 1] + "…"
    return text


def _bad_date(shown: str) -> InvalidValue:
    return InvalidValue(
        f"„{shown}“ není platné datum (očekáváno např. 15. 3. 2024)",
        f"'{shown}' is not a valid date (expected e.g. 15. 3. 2024)",
    )


def _bad_amount(shown: str) -> InvalidValue:
    return InvalidValue(
        f"„{shown}“ není platná částka (očekáváno např. 1 500 000 Kč)",
        f"'{shown}' is not a valid amount (expected e.g. 1 500 000 Kč)",
    )


def _negative_amount(shown: str) -> InvalidValue:
    return InvalidValue(
        f"částka nesmí být záporná ({shown})", f"amount must not be negative ({shown})"
    )


def _large_amount(shown: str) -> InvalidValue:
    return InvalidValue(f"částka je příliš velká ({shown})", f"amount is too large ({shown})")


def _bad_whole(shown: str) -> InvalidValue:
    return InvalidValue(f"„{shown}“ není celé číslo", f"'{shown}' is not a whole number")


def _negative_whole(shown: str) -> InvalidValue:
    return InvalidValue(
        f"číslo nesmí být záporné ({shown})", f"number must not be negative ({shown})"
    )


def _large_whole(shown: str) -> InvalidValue:
    return InvalidValue(f"číslo je příliš velké ({shown})", f"number is too large ({shown})")


def _bad_percent(shown: str) -> InvalidValue:
    return InvalidValue(
        f"„{shown}“ není platné procento (očekáváno číslo 0–100)",
        f"'{shown}' is not a valid percentage (expected a number 0–100)",
    )


def _percent_range(shown: str) -> InvalidValue:
    return InvalidValue(f"postup musí být 0–100 % ({shown})", f"progress must be 0–100 % ({shown})")


def _bad_url(shown: str) -> InvalidValue:
    return InvalidValue(
        f"„{shown}“ není platná adresa URL (očekáváno http:// nebo https://…)",
        f"'{shown}' is not a valid URL (expected http:// or https://…)",
    )


# Error codes shared by the vectorised code paths.
_OK, _INVALID, _NEGATIVE, _TOO_LARGE = 0, 1, 2, 3

# --------------------------------------------------------------------------- patterns

_DATE_RX = re.compile(
    r"""\A(?:
        (?P<y1>[0-9]{4})-(?P<m1>[0-9]{1,2})-(?P<d1>[0-9]{1,2})
       |(?P<d2>[0-9]{1,2})\.\ ?(?P<m2>[0-9]{1,2})\.\ ?(?P<y2>[0-9]{4})
       |(?P<d3>[0-9]{1,2})/(?P<m3>[0-9]{1,2})/(?P<y3>[0-9]{4})
    )\Z""",
    re.VERBOSE,
)

# The number branches are tried in order (see the module docstring): dot groups, comma
# groups (two or more, or one followed by a dot decimal part), space groups, plain digits
# with an optional decimal part. The lookaheads allow at most one sign and one currency.
# A matched amount contains a minus sign only if it is negative.
_AMOUNT_RX = re.compile(
    r"""\A
    (?!(?:.*[-−]){2})
    (?!(?:.*(?:kč|czk)){2})
    (?:[-−]\ ?)?
    (?:(?:kč|czk)\ ?)?
    (?:[-−]\ ?)?
    (?:
        (?P<i1>[1-9][0-9]{0,2}(?:\.[0-9]{3})+)(?:,(?P<f1>[0-9]+))?
       |(?P<i2>[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}|[1-9][0-9]{0,2},[0-9]{3}(?=\.))
        (?:\.(?P<f2>[0-9]+))?
       |(?P<i3>[1-9][0-9]{0,2}(?:\ [0-9]{3})+)(?:[.,](?P<f3>[0-9]+))?
       |(?P<i4>[0-9]+)(?:[.,](?P<f4>[0-9]+))?
    )
    (?:\ ?(?:kč|czk))?
    \Z""",
    re.VERBOSE | re.IGNORECASE,
)
_AMOUNT_BRANCHES = 4
# "1 500,- Kč": the Czech way of writing whole crowns; the ",-" is dropped before matching.
_WHOLE_CROWNS = re.compile(r",\ ?[-–—](?=\ ?(?:kč|czk)?\Z)", re.IGNORECASE)
_MINUS = re.compile("[-−]")

_WHOLE_RX = re.compile(
    r"\A(?P<neg>[-−]\ ?)?(?:(?P<i1>[0-9]+)|(?P<i2>[1-9][0-9]{0,2}(?:\ [0-9]{3})+))\Z"
)

_PERCENT_RX = re.compile(r"\A(?P<neg>[-−]\ ?)?(?P<ip>[0-9]+)(?:[.,](?P<frac>[0-9]+))?(?:\ ?%)?\Z")

_SEPARATORS = re.compile(r"[ .,]")


def _first(groups: dict[str, str | None], prefix: str, count: int) -> str | None:
    for n in range(1, count + 1):
        found = groups.get(f"{prefix}{n}")
        if found is not None:
            return found
    return None


def _first_column(frame: pd.DataFrame, prefix: str, count: int) -> pd.Series:
    """Vectorised :func:`_first`: the first non-missing of columns prefix1..prefixN."""
    columns = [f"{prefix}{n}" for n in range(1, count + 1) if f"{prefix}{n}" in frame]
    result = frame[columns[0]]
    for column in columns[1:]:
        result = result.where(result.notna(), frame[column])
    return result


def _is_float(value: Any) -> bool:
    return isinstance(value, (float, np.floating))


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


# --------------------------------------------------------------------------- scalar


def parse_date(value: Any) -> datetime.date | None:
    """Parse a date: ``2024-03-15``, ``15.03.2024``, ``15. 3. 2024``, ``15/03/2024``.

    ``datetime.date``/``datetime``/``pd.Timestamp``/``np.datetime64`` values are accepted;
    a time part is dropped (an aware datetime yields its local date).
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]").item()
        if isinstance(day, datetime.date):
            return day
        raise _bad_date(_show(value))
    if not isinstance(value, str):
        raise _bad_date(_show(value))
    text = _normalise(value)
    match = _DATE_RX.fullmatch(text)
    if match is None:
        raise _bad_date(_show(text))
    groups = match.groupdict()
    year, month, day = (int(_first(groups, part, 3) or 0) for part in "ymd")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _bad_date(_show(text)) from None


def _amount_number(value: Decimal | int, shown: str) -> Decimal:
    number = Decimal(value)
    if not number.is_finite():
        raise _bad_amount(shown)
    if number < 0:
        raise _negative_amount(shown)
    if number >= MAX_AMOUNT:
        raise _large_amount(shown)
    return number.copy_abs()


def parse_amount(value: Any) -> Decimal | None:
    """Parse a non-negative CZK amount into a Decimal (see the module docstring)."""
    if is_blank(value):
        return None
    if isinstance(value, Decimal) or _is_int(value):
        return _amount_number(Decimal(int(value)) if _is_int(value) else value, _show(value))
    if _is_float(value):
        number = float(value)
        return _amount_number(
            Decimal(repr(number)) if np.isfinite(number) else Decimal(number), _show(value)
        )
    if not isinstance(value, str):
        raise _bad_amount(_show(value))
    text = _WHOLE_CROWNS.sub("", _normalise(value))
    match = _AMOUNT_RX.fullmatch(text)
    if match is None:
        raise _bad_amount(_show(text))
    groups = match.groupdict()
    digits = _SEPARATORS.sub("", _first(groups, "i", _AMOUNT_BRANCHES) or "")
    fraction = _first(groups, "f", _AMOUNT_BRANCHES)
    number = Decimal(f"{digits}.{fraction}" if fraction else digits)
    if _MINUS.search(text) and number != 0:
        raise _negative_amount(_show(text))
    if number >= MAX_AMOUNT:
        raise _large_amount(_show(text))
    return number.copy_abs()


def parse_whole(value: Any) -> int | None:
    """Parse a non-negative whole number: ``120``, ``1 200``, ints, integral floats.

    Raises :class:`InvalidValue` with a distinct "must not be negative" message for
    negative numbers.
    """
    if is_blank(value):
        return None
    shown = _show(value)
    if _is_int(value):
        number = int(value)
    elif _is_float(value) or isinstance(value, Decimal):
        if not (value.is_finite() if isinstance(value, Decimal) else np.isfinite(value)):
            raise _bad_whole(shown)
        if value != int(value):
            raise _bad_whole(shown)
        number = int(value)
    elif isinstance(value, str):
        text = _normalise(value)
        shown = _show(text)
        match = _WHOLE_RX.fullmatch(text)
        if match is None:
            raise _bad_whole(shown)
        number = int((match["i1"] or match["i2"]).replace(" ", ""))
        if match["neg"]:
            number = -number
    else:
        raise _bad_whole(shown)
    if number < 0:
        raise _negative_whole(shown)
    if number > MAX_WHOLE:
        raise _large_whole(shown)
    return number


def parse_percent(value: Any) -> Decimal | None:
    """Parse progress in percent, 0..100: ``45``, ``45 %``, ``45%``, ``45,5``, ``45.5``."""
    if is_blank(value):
        return None
    shown = _show(value)
    if _is_int(value):
        number = Decimal(int(value))
    elif isinstance(value, Decimal):
        number = value
    elif _is_float(value):
        number = Decimal(repr(float(value))) if np.isfinite(value) else Decimal(float(value))
    elif isinstance(value, str):
        text = _normalise(value)
        shown = _show(text)
        match = _PERCENT_RX.fullmatch(text)
        if match is None:
            raise _bad_percent(shown)
        number = Decimal(f"{match['ip']}.{match['frac']}" if match["frac"] else match["ip"])
        if match["neg"]:
            number = -number
    else:
        raise _bad_percent(shown)
    if not number.is_finite():
        raise _bad_percent(shown)
    if not 0 <= number <= 100:
        raise _percent_range(shown)
    return number.copy_abs()


def parse_url(value: Any) -> str | None:
    """Return the stripped URL if it is http(s) with a host, else raise."""
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise _bad_url(_show(value))
    text = _normalise(value)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise _bad_url(_show(text))
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise _bad_url(_show(text)) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise _bad_url(_show(text))
    return text


def clean_text(value: Any) -> str | None:
    """Strip surrounding whitespace (incl. no-break spaces); blank gives None.

    Inner whitespace is kept as is. Non-strings (Excel numbers) become their text,
    integral floats without ``.0``.
    """
    if is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    return _plain(value)


# --------------------------------------------------------------------------- formatting


def format_date_cs(d: datetime.date) -> str:
    """Czech date, e.g. ``15. 3. 2021``."""
    return f"{d.day}. {d.month}. {d.year}"


def _group_thousands(n: int) -> str:
    return f"{n:,}".replace(",", _NBSP)


def format_amount_cs(x: Any) -> str:
    """Czech amount: ``1 234 567 Kč`` or ``1 500,50 Kč``.

    U+00A0 separates thousands and the number from ``Kč``. Whole amounts have no decimal
    part; others are rounded half up to two decimals. The result parses back with
    :func:`parse_amount`.
    """
    if isinstance(x, Decimal):
        number = x
    elif _is_float(x):
        number = Decimal(repr(float(x)))
    elif _is_int(x):
        number = Decimal(int(x))
    else:
        number = Decimal(x)
    if not number.is_finite():
        raise ValueError(f"cannot format {x!r} as an amount")
    if number == number.to_integral_value():
        body, negative = _group_thousands(abs(int(number))), number < 0
    else:
        cents = int(abs(number).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
        whole, rest = divmod(cents, 100)
        body, negative = f"{_group_thousands(whole)},{rest:02d}", number < 0 and cents > 0
    return f"{'-' if negative else ''}{body}{_NBSP}Kč"


# --------------------------------------------------------------------------- vectorised

_TEXT, _INT, _FLOAT, _DATETIME, _DATE, _OTHER = "text", "int", "float", "datetime", "date", "other"


def _kind_of_type(kind: type) -> str:
    if issubclass(kind, str):
        return _TEXT
    if issubclass(kind, (bool, np.bool_)):
        return _OTHER
    if issubclass(kind, numbers.Integral):
        return _INT
    if issubclass(kind, (float, np.floating)):
        return _FLOAT
    if issubclass(kind, datetime.datetime):
        return _DATETIME
    if issubclass(kind, datetime.date):
        return _DATE
    return _OTHER


class _Cells:
    """A Series split by cell type, with the blank cells marked."""

    def __init__(self, s: pd.Series):
        self.index = s.index
        self.name = s.name
        self.obj = s.astype(object).reset_index(drop=True)
        types = self.obj.map(type)
        kinds = types.map({t: _kind_of_type(t) for t in types.unique()})
        # Decimal cells (rare, API only) go through the scalar parsers: pd.isna raises
        # on a signalling NaN, so they are kept out of the vectorised blank test.
        decimal_cells = types.map({t: issubclass(t, Decimal) for t in types.unique()})
        decimal_cells = decimal_cells.to_numpy(bool)
        blank = np.zeros(len(self.obj), dtype=bool)
        blank[~decimal_cells] = self.obj[~decimal_cells].isna().to_numpy(bool)
        self.blank = blank
        self.kinds = kinds.to_numpy(object)
        self.array = self.obj.to_numpy(object)

    def mask(self, kind: str) -> np.ndarray:
        return (self.kinds == kind) & ~self.blank

    def rest(self, *handled: str) -> np.ndarray:
        """Non-blank cells whose kind is not among ``handled``."""
        return ~self.blank & ~np.isin(self.kinds, list(handled))

    def values(self, mask: np.ndarray) -> np.ndarray:
        return self.array[mask]

    def series(self, values: Any, errors: np.ndarray, dtype: Any) -> tuple[pd.Series, pd.Series]:
        return (
            pd.Series(values, index=self.index, name=self.name, dtype=dtype),
            pd.Series(errors, index=self.index, name=self.name, dtype=object),
        )


def _texts(cells: _Cells) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Text cells: (mask, codes into the distinct texts, distinct normalised texts)."""
    mask = cells.mask(_TEXT)
    codes, uniques = pd.factorize(cells.values(mask))
    return mask, codes, _normalise_series(pd.Series(uniques, dtype=object))


def _build_errors(
    codes: np.ndarray, shown: Callable[[int], str], builders: dict[int, Callable]
) -> np.ndarray:
    """Object array of InvalidValue (or None), one instance per distinct bad value."""
    errors = np.full(len(codes), None, dtype=object)
    cache: dict[tuple[int, str], InvalidValue] = {}
    for i in np.flatnonzero(codes):
        key = (int(codes[i]), shown(i))
        if key not in cache:
            cache[key] = builders[key[0]](key[1])
        errors[i] = cache[key]
    return errors


def _scalar_cells(
    values: np.ndarray, parse: Callable[[Any], Any], convert: Callable[[Any], Any]
) -> tuple[list[Any], list[InvalidValue | None]]:
    """Parse rare cells with the scalar parser, once per distinct (hashable) value."""
    cache: dict[tuple[type, Hashable, str], tuple[Any, InvalidValue | None]] = {}
    parsed: list[Any] = []
    errors: list[InvalidValue | None] = []
    for value in values:
        try:
            # The text is part of the key: equal Decimals such as 1.0 and 1.00 show
            # differently in messages.
            key = (type(value), value, _plain(value))
            hash(key)
        except (TypeError, decimal.InvalidOperation):
            key = None
        if key is None or key not in cache:
            try:
                result = parse(value)
                outcome = (None if result is None else convert(result), None)
            except InvalidValue as exc:
                outcome = (None, exc)
            if key is not None:
                cache[key] = outcome
        else:
            outcome = cache[key]
        parsed.append(outcome[0])
        errors.append(outcome[1])
    return parsed, errors


def _numbers(values: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Number cells as float64 plus a finiteness mask; ints are compared exactly first."""
    if kind == _INT:
        return values, np.ones(len(values), dtype=bool)
    floats = values.astype(np.float64)
    return floats, np.isfinite(floats)


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_date`: object Series of ``datetime.date``/None, errors."""
    cells = _Cells(s)
    n = len(cells.obj)
    out = np.full(n, None, dtype=object)
    errors = np.full(n, None, dtype=object)

    mask, codes, texts = _texts(cells)
    if len(texts):
        parts = texts.str.extract(_DATE_RX).astype(object)
        matched = parts["y1"].notna() | parts["y2"].notna() | parts["y3"].notna()
        ymd = {
            part: _first_column(parts, part, 3).where(matched, "0").astype(np.int64).to_numpy()
            for part in "ymd"
        }
        year, month, day = ymd["y"], ymd["m"], ymd["d"]
        ok = matched.to_numpy() & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
        # Calendar check with numpy: day (d - 1) after the first of the month must still
        # lie in that month.
        months = (np.where(ok, year, 1970) - 1970).astype("datetime64[Y]").astype(
            "datetime64[M]"
        ) + (np.where(ok, month, 1) - 1)
        days = months.astype("datetime64[D]") + (np.where(ok, day, 1) - 1)
        ok &= days.astype("datetime64[M]") == months
        parsed = np.full(len(texts), None, dtype=object)
        parsed[ok] = days[ok].astype(object)
        blank = (texts == "").to_numpy()
        bad = np.where(~ok & ~blank, _INVALID, _OK)
        text_list = texts.to_list()
        text_errors = _build_errors(bad, lambda i: _show(text_list[i]), {_INVALID: _bad_date})
        out[mask] = parsed[codes]
        errors[mask] = text_errors[codes]

    date_mask = cells.mask(_DATE)
    out[date_mask] = cells.values(date_mask)

    dt_mask = cells.mask(_DATETIME)
    if dt_mask.any():
        stamps = pd.Series(cells.values(dt_mask), dtype=object)
        try:
            out[dt_mask] = pd.to_datetime(stamps).dt.date.to_numpy(object)
        except (ValueError, TypeError, OverflowError):  # e.g. mixed time zones
            out[dt_mask] = [value.date() for value in stamps]

    rest = cells.rest(_TEXT, _DATE, _DATETIME)
    if rest.any():
        out[rest], errors[rest] = _scalar_cells(cells.values(rest), parse_date, lambda d: d)
    return cells.series(out, errors, object)


def parse_amounts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_amount`: float64 Series (NaN if blank/invalid), errors."""
    cells = _Cells(s)
    n = len(cells.obj)
    out = np.full(n, np.nan)
    errors = np.full(n, None, dtype=object)

    mask, codes, texts = _texts(cells)
    if len(texts):
        texts = texts.str.replace(_WHOLE_CROWNS, "", regex=True)
        parts = texts.str.extract(_AMOUNT_RX).astype(object)
        integer = _first_column(parts, "i", _AMOUNT_BRANCHES)
        fraction = _first_column(parts, "f", _AMOUNT_BRANCHES)
        negative = texts.str.contains(_MINUS, regex=True)
        matched = integer.notna()
        digits = integer.where(matched, "0").str.replace(_SEPARATORS, "", regex=True)
        fraction = fraction.where(matched & fraction.notna(), "0")
        numbers_ = (digits + "." + fraction).to_numpy(object).astype(np.float64)
        significant = digits.str.lstrip("0").str.len().to_numpy()
        nonzero = (significant > 0) | (fraction.str.strip("0") != "").to_numpy()
        matched = matched.to_numpy()
        blank = (texts == "").to_numpy()
        code = np.select(
            [
                blank,
                ~matched,
                negative.to_numpy() & nonzero,
                significant > len(str(MAX_AMOUNT)) - 1,
            ],
            [_OK, _INVALID, _NEGATIVE, _TOO_LARGE],
            _OK,
        )
        parsed = np.where((code == _OK) & ~blank, numbers_, np.nan)
        text_list = texts.to_list()
        text_errors = _build_errors(
            code,
            lambda i: _show(text_list[i]),
            {_INVALID: _bad_amount, _NEGATIVE: _negative_amount, _TOO_LARGE: _large_amount},
        )
        out[mask] = parsed[codes]
        errors[mask] = text_errors[codes]

    for kind in (_INT, _FLOAT):
        kind_mask = cells.mask(kind)
        if not kind_mask.any():
            continue
        raw = cells.values(kind_mask)
        values, finite = _numbers(raw, kind)
        negative = finite & (values < 0)
        large = finite & ~negative & (values >= MAX_AMOUNT)
        code = np.select([~finite, negative, large], [_INVALID, _NEGATIVE, _TOO_LARGE], _OK)
        good = code == _OK
        parsed = np.full(len(raw), np.nan)
        parsed[good] = raw[good].astype(np.float64)
        out[kind_mask] = parsed
        errors[kind_mask] = _build_errors(
            code,
            lambda i, raw=raw: _show(raw[i]),
            {_INVALID: _bad_amount, _NEGATIVE: _negative_amount, _TOO_LARGE: _large_amount},
        )

    rest = cells.rest(_TEXT, _INT, _FLOAT)
    if rest.any():
        parsed_rest, errors_rest = _scalar_cells(cells.values(rest), parse_amount, float)
        out[rest] = [np.nan if v is None else v for v in parsed_rest]
        errors[rest] = errors_rest
    return cells.series(out, errors, np.float64)


def parse_wholes(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_whole`: nullable Int64 Series, errors."""
    cells = _Cells(s)
    n = len(cells.obj)
    out = np.zeros(n, dtype=np.int64)
    missing = np.ones(n, dtype=bool)
    errors = np.full(n, None, dtype=object)
    builders = {_INVALID: _bad_whole, _NEGATIVE: _negative_whole, _TOO_LARGE: _large_whole}
    limit = str(MAX_WHOLE)

    mask, codes, texts = _texts(cells)
    if len(texts):
        parts = texts.str.extract(_WHOLE_RX).astype(object)
        integer = parts["i1"].where(parts["i1"].notna(), parts["i2"])
        matched = integer.notna().to_numpy()
        digits = integer.where(integer.notna(), "0").str.replace(" ", "", regex=False)
        digits = digits.str.lstrip("0").replace("", "0")
        length = digits.str.len().to_numpy()
        # Same length: string order is numeric order.
        large = (length > len(limit)) | ((length == len(limit)) & (digits > limit).to_numpy())
        small = np.where(large, "0", digits.to_numpy(object)).astype(np.int64)
        negative = parts["neg"].notna().to_numpy() & (digits != "0").to_numpy()
        blank = (texts == "").to_numpy()
        code = np.select(
            [blank, ~matched, negative, large], [_OK, _INVALID, _NEGATIVE, _TOO_LARGE], _OK
        )
        good = (code == _OK) & ~blank
        text_list = texts.to_list()
        text_errors = _build_errors(code, lambda i: _show(text_list[i]), builders)
        out[mask] = small[codes]
        missing[mask] = ~good[codes]
        errors[mask] = text_errors[codes]

    for kind in (_INT, _FLOAT):
        kind_mask = cells.mask(kind)
        if not kind_mask.any():
            continue
        raw = cells.values(kind_mask)
        values, finite = _numbers(raw, kind)
        if kind == _FLOAT:
            finite &= np.floor(np.where(finite, values, 0)) == np.where(finite, values, 0)
        negative = finite & (values < 0)
        large = finite & ~negative & (values > MAX_WHOLE)
        code = np.select([~finite, negative, large], [_INVALID, _NEGATIVE, _TOO_LARGE], _OK)
        good = code == _OK
        parsed = np.zeros(len(raw), dtype=np.int64)
        parsed[good] = raw[good].astype(np.float64 if kind == _FLOAT else object).astype(np.int64)
        out[kind_mask] = parsed
        missing[kind_mask] = ~good
        errors[kind_mask] = _build_errors(code, lambda i, raw=raw: _show(raw[i]), builders)

    rest = cells.rest(_TEXT, _INT, _FLOAT)
    if rest.any():
        parsed_rest, errors_rest = _scalar_cells(cells.values(rest), parse_whole, int)
        out[rest] = [0 if v is None else v for v in parsed_rest]
        missing[rest] = [v is None for v in parsed_rest]
        errors[rest] = errors_rest
    return cells.series(pd.arrays.IntegerArray(out, missing), errors, "Int64")


def parse_percents(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_percent`: float64 Series (NaN if blank/invalid), errors."""
    cells = _Cells(s)
    n = len(cells.obj)
    out = np.full(n, np.nan)
    errors = np.full(n, None, dtype=object)
    builders = {_INVALID: _bad_percent, _NEGATIVE: _percent_range, _TOO_LARGE: _percent_range}

    mask, codes, texts = _texts(cells)
    if len(texts):
        parts = texts.str.extract(_PERCENT_RX).astype(object)
        matched = parts["ip"].notna().to_numpy()
        integer = parts["ip"].where(parts["ip"].notna(), "0").str.lstrip("0").replace("", "0")
        fraction = parts["frac"].where(parts["frac"].notna(), "0")
        nonzero_fraction = (fraction.str.strip("0") != "").to_numpy()
        length = integer.str.len().to_numpy()
        whole = np.where(length > 3, "999", integer.to_numpy(object)).astype(np.int64)
        numbers_ = (integer + "." + fraction).to_numpy(object).astype(np.float64)
        # Exact range test on the digits: above 100 or exactly 100 with a fraction.
        large = (whole > 100) | ((whole == 100) & nonzero_fraction)
        negative = parts["neg"].notna().to_numpy() & ((whole != 0) | nonzero_fraction)
        blank = (texts == "").to_numpy()
        code = np.select(
            [blank, ~matched, negative, large], [_OK, _INVALID, _NEGATIVE, _TOO_LARGE], _OK
        )
        parsed = np.where((code == _OK) & ~blank, numbers_, np.nan)
        text_list = texts.to_list()
        text_errors = _build_errors(code, lambda i: _show(text_list[i]), builders)
        out[mask] = parsed[codes]
        errors[mask] = text_errors[codes]

    for kind in (_INT, _FLOAT):
        kind_mask = cells.mask(kind)
        if not kind_mask.any():
            continue
        raw = cells.values(kind_mask)
        values, finite = _numbers(raw, kind)
        negative = finite & (values < 0)
        large = finite & (values > 100)
        code = np.select([~finite, negative, large], [_INVALID, _NEGATIVE, _TOO_LARGE], _OK)
        good = code == _OK
        parsed = np.full(len(raw), np.nan)
        parsed[good] = raw[good].astype(np.float64)
        out[kind_mask] = parsed
        errors[kind_mask] = _build_errors(code, lambda i, raw=raw: _show(raw[i]), builders)

    rest = cells.rest(_TEXT, _INT, _FLOAT)
    if rest.any():
        parsed_rest, errors_rest = _scalar_cells(cells.values(rest), parse_percent, float)
        out[rest] = [np.nan if v is None else v for v in parsed_rest]
        errors[rest] = errors_rest
    return cells.series(out, errors, np.float64)
