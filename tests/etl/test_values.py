"""Tests for etl.values: the scalar parsers, their vectorised twins and the formatters."""

from __future__ import annotations

import datetime as dt
import math
import pickle
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from etl.values import (
    MAX_AMOUNT,
    MAX_WHOLE,
    InvalidValue,
    clean_text,
    format_amount_cs,
    format_date_cs,
    is_blank,
    parse_amount,
    parse_amounts,
    parse_date,
    parse_dates,
    parse_percent,
    parse_percents,
    parse_url,
    parse_whole,
    parse_wholes,
)

NBSP = "\u00a0"
NNBSP = "\u202f"

SCALAR = {
    "date": parse_date,
    "amount": parse_amount,
    "whole": parse_whole,
    "percent": parse_percent,
}
VECTOR = {
    "date": parse_dates,
    "amount": parse_amounts,
    "whole": parse_wholes,
    "percent": parse_percents,
}
PARSERS = sorted(SCALAR)


def one(kind: str, value):
    """Run the vectorised parser on a one-cell Series: (value, error)."""
    values, errors = VECTOR[kind](pd.Series([value], dtype=object))
    return values.iloc[0], errors.iloc[0]


def as_vector_value(kind: str, value):
    """The scalar result as the vectorised version represents it."""
    if value is None:
        return None
    if kind in ("amount", "percent"):
        return float(value)
    return value


def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def assert_same_error(got, expected: InvalidValue) -> None:
    assert isinstance(got, InvalidValue), f"expected {expected!r}, got {got!r}"
    assert (got.cs, got.en) == (expected.cs, expected.en)


def check_agreement(kind: str, inputs: list, dtype=object) -> None:
    """The vectorised parser gives, cell by cell, what the scalar parser gives."""
    index = pd.Index([f"r{i}" for i in range(len(inputs))][::-1])
    s = pd.Series(inputs, index=index, dtype=dtype, name="col")
    values, errors = VECTOR[kind](s)
    assert values.index.equals(index) and errors.index.equals(index)
    assert errors.dtype == object
    for position, raw in enumerate(inputs):
        got, got_error = values.iloc[position], errors.iloc[position]
        try:
            expected = SCALAR[kind](raw)
        except InvalidValue as exc:
            assert_same_error(got_error, exc)
            assert missing(got), (raw, got)
            continue
        assert got_error is None, (raw, got_error)
        if expected is None:
            assert missing(got), (raw, got)
        else:
            assert got == as_vector_value(kind, expected), (raw, got, expected)


# --------------------------------------------------------------------------- InvalidValue


def test_invalid_value_carries_both_languages():
    exc = InvalidValue("česky", "in English")
    assert isinstance(exc, ValueError)
    assert (exc.cs, exc.en) == ("česky", "in English")
    assert str(exc) == "in English"
    copy = pickle.loads(pickle.dumps(exc))
    assert (copy.cs, copy.en, str(copy)) == ("česky", "in English", "in English")


# --------------------------------------------------------------------------- blanks

BLANKS = [
    None,
    float("nan"),
    np.nan,
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
    "",
    "   ",
    f" {NBSP}{NNBSP}\t\n",
    Decimal("NaN"),
]


@pytest.mark.parametrize("value", BLANKS, ids=repr)
def test_blank_values_are_missing_for_every_parser(value):
    assert is_blank(value)
    assert parse_date(value) is None
    assert parse_amount(value) is None
    assert parse_whole(value) is None
    assert parse_percent(value) is None
    assert parse_url(value) is None
    assert clean_text(value) is None


@pytest.mark.parametrize("kind", PARSERS)
def test_blank_cells_are_missing_without_error_in_vectorised_versions(kind):
    values, errors = VECTOR[kind](pd.Series(BLANKS, dtype=object))
    assert values.isna().all()
    assert errors.isna().all()


@pytest.mark.parametrize("value", ["x", " x ", 0, 0.0, False, [], dt.date(2024, 1, 1)], ids=repr)
def test_non_blank_values(value):
    assert not is_blank(value)


# --------------------------------------------------------------------------- dates

MARCH_15 = dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-15",
        "15.03.2024",
        "15. 3. 2024",
        "15.3.2024",
        "15/03/2024",
        "  15. 3. 2024\t",
        f"15.{NBSP}3.{NNBSP}2024",
        f"{NBSP}2024-03-15{NNBSP}",
        "15. 03. 2024",
        dt.date(2024, 3, 15),
        dt.datetime(2024, 3, 15),
        dt.datetime(2024, 3, 15, 23, 59, 59),
        pd.Timestamp("2024-03-15 12:30"),
        np.datetime64("2024-03-15T08:00"),
    ],
    ids=repr,
)
def test_accepted_dates(value):
    assert parse_date(value) == MARCH_15
    assert type(parse_date(value)) is dt.date
    assert one("date", value) == (MARCH_15, None)


def test_day_comes_first_in_slash_and_dot_dates():
    assert parse_date("01/02/2024") == dt.date(2024, 2, 1)
    assert parse_date("1.2.2024") == dt.date(2024, 2, 1)


def test_leap_day_is_accepted():
    assert parse_date("29. 2. 2024") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value",
    [
        "31. 2. 2024",
        "29. 2. 2023",
        "2023-02-29",
        "31/04/2024",
        "0. 1. 2024",
        "1. 13. 2024",
        "1. 0. 2024",
        "1. 1. 0000",
        "32.1.2024",
    ],
)
def test_impossible_dates_are_errors(value):
    with pytest.raises(InvalidValue) as info:
        parse_date(value)
    assert info.value.cs == f"„{value}“ není platné datum (očekáváno např. 15. 3. 2024)"
    assert info.value.en == f"'{value}' is not a valid date (expected e.g. 15. 3. 2024)"
    value_, error = one("date", value)
    assert value_ is None
    assert_same_error(error, info.value)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("15.3.24", "15.3.24"),
        ("2024/03/15", "2024/03/15"),
        ("15-03-2024", "15-03-2024"),
        ("15. března 2024", "15. března 2024"),
        ("2024-03-15 10:00", "2024-03-15 10:00"),
        ("15..3.2024", "15..3.2024"),
        ("15.  3. 2024", "15.  3. 2024"),
        (" zítra ", "zítra"),
        (45366, "45366"),
        (45366.0, "45366"),
        (True, "True"),
    ],
    ids=repr,
)
def test_other_dates_are_errors(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_date(value)
    assert info.value.cs == f"„{shown}“ není platné datum (očekáváno např. 15. 3. 2024)"
    assert str(info.value) == f"'{shown}' is not a valid date (expected e.g. 15. 3. 2024)"


def date_forms(d: dt.date) -> list[str]:
    day, month, year = d.day, d.month, f"{d.year:04d}"
    return [
        d.isoformat(),
        f"{day:02d}.{month:02d}.{year}",
        f"{day}. {month}. {year}",
        f"{day}.{month}.{year}",
        f"{day:02d}/{month:02d}/{year}",
        f"{day}.{NBSP}{month}.{NNBSP}{year}",
        f" {day:02d}. {month:02d}. {year} ",
    ]


@given(st.dates())
def test_every_date_form_round_trips(d):
    for text in date_forms(d):
        assert parse_date(text) == d, text


@given(st.datetimes())
def test_datetimes_give_their_date(value):
    assert parse_date(value) == value.date()
    assert parse_date(pd.Timestamp(value)) == value.date()


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_format_date_cs_round_trips(d):
    assert parse_date(format_date_cs(d)) == d


def test_format_date_cs():
    assert format_date_cs(dt.date(2021, 3, 15)) == "15. 3. 2021"
    assert format_date_cs(dt.date(2021, 12, 1)) == "1. 12. 2021"
    assert format_date_cs(dt.datetime(2021, 3, 5, 10, 0)) == "5. 3. 2021"


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1500000", "1500000"),
        ("1 500 000", "1500000"),
        (f"1{NBSP}500{NBSP}000", "1500000"),
        (f"1{NNBSP}500{NNBSP}000", "1500000"),
        ("1.500.000", "1500000"),
        ("1 500 000,50", "1500000.50"),
        ("1 500 000.50", "1500000.50"),
        ("1.500.000,50", "1500000.50"),
        ("1,500,000", "1500000"),
        ("1,500,000.50", "1500000.50"),
        ("1,500.50", "1500.50"),
        ("1500000.5", "1500000.5"),
        ("1500000,5", "1500000.5"),
        ("1500 Kč", "1500"),
        ("1500Kč", "1500"),
        ("1 500 KČ", "1500"),
        ("1 500 kč", "1500"),
        ("Kč 1 500", "1500"),
        ("Kč1500", "1500"),
        ("1500 CZK", "1500"),
        ("1500czk", "1500"),
        ("CZK 1 500,50", "1500.50"),
        (f"1{NBSP}500{NBSP}Kč", "1500"),
        (f"  1 500 000,50{NBSP}Kč ", "1500000.50"),
        ("0", "0"),
        ("0,50", "0.50"),
        ("007", "7"),
        ("-0", "0"),
        # The dot rule: a dot is a thousands separator when it forms valid groups.
        ("1.500", "1500"),
        ("12.345", "12345"),
        ("999.999", "999999"),
        ("1.50", "1.50"),
        ("1.5000", "1.5"),
        ("0.500", "0.5"),
        ("1234.500", "1234.5"),
        ("1.500,5", "1500.5"),
        # A single comma is always a decimal separator.
        ("1,500", "1.5"),
        ("12,345", "12.345"),
        (1500000, "1500000"),
        (1500000.5, "1500000.5"),
        (120.0, "120"),
        (0.1, "0.1"),
        (-0.0, "0"),
        (np.int64(42), "42"),
        (np.float64(2.25), "2.25"),
        (Decimal("1500.50"), "1500.50"),
    ],
    ids=repr,
)
def test_accepted_amounts(value, expected):
    result = parse_amount(value)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert not result.is_signed()
    assert one("amount", value) == (float(Decimal(expected)), None)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("abc", "abc"),
        ("1.500.5", "1.500.5"),
        ("12.34.567", "12.34.567"),
        ("1 50 000", "1 50 000"),
        ("1 500.000,5", "1 500.000,5"),
        ("1,50,000", "1,50,000"),
        ("1.500,000.5", "1.500,000.5"),
        ("0.500.000", "0.500.000"),
        (",5", ",5"),
        ("5,", "5,"),
        ("1  500", "1  500"),
        ("Kč", "Kč"),
        ("Kč 5 Kč", "Kč 5 Kč"),
        ("5 Kč CZK", "5 Kč CZK"),
        ("--5", "--5"),
        ("5-", "5-"),
        ("1e5", "1e5"),
        ("EUR 5", "EUR 5"),
        ("٣", "٣"),
        (float("inf"), "inf"),
        (Decimal("Infinity"), "Infinity"),
        (True, "True"),
        (dt.date(2024, 1, 1), "2024-01-01"),
    ],
    ids=repr,
)
def test_invalid_amounts(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_amount(value)
    assert info.value.cs == f"„{shown}“ není platná částka (očekáváno např. 1 500 000 Kč)"
    assert info.value.en == f"'{shown}' is not a valid amount (expected e.g. 1 500 000 Kč)"
    got, error = one("amount", value)
    assert missing(got)
    assert_same_error(error, info.value)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("-5", "-5"),
        (-5, "-5"),
        (-5.0, "-5"),
        (-0.5, "-0.5"),
        ("−5", "−5"),
        ("- 1 500 Kč", "- 1 500 Kč"),
        ("-1 500,50 Kč", "-1 500,50 Kč"),
        ("Kč -1500", "Kč -1500"),
        ("-Kč 1500", "-Kč 1500"),
        ("-0,01", "-0,01"),
        ("-0," + "0" * 400 + "1", "-0," + "0" * 76 + "…"),
        (Decimal("-3"), "-3"),
    ],
    ids=repr,
)
def test_negative_amounts(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_amount(value)
    assert info.value.cs == f"částka nesmí být záporná ({shown})"
    assert info.value.en == f"amount must not be negative ({shown})"
    got, error = one("amount", value)
    assert missing(got)
    assert_same_error(error, info.value)


@pytest.mark.parametrize(
    "value", [MAX_AMOUNT, float(MAX_AMOUNT), "1 000 000 000 000", "9" * 40, 10**30]
)
def test_too_large_amounts(value):
    with pytest.raises(InvalidValue, match="amount is too large"):
        parse_amount(value)
    assert isinstance(one("amount", value)[1], InvalidValue)


def test_largest_amount_is_accepted():
    assert parse_amount("999 999 999 999,99") == Decimal("999999999999.99")


def group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def amount_forms(cents: int) -> list[str]:
    """Every accepted spelling of an amount given in hundredths."""
    whole, rest = divmod(cents, 100)
    frac = f"{rest:02d}"
    numbers = [
        f"{whole}.{frac}",
        f"{whole},{frac}",
        f"{group(whole, ' ')},{frac}",
        f"{group(whole, ' ')}.{frac}",
        f"{group(whole, NBSP)},{frac}",
        f"{group(whole, NNBSP)},{frac}",
        f"{group(whole, '.')},{frac}",
        f"{group(whole, ',')}.{frac}",
    ]
    if rest == 0:
        numbers += [str(whole), group(whole, " "), group(whole, NBSP), group(whole, ".")]
        if whole >= 10**6:
            numbers.append(group(whole, ","))
    forms = []
    for number in numbers:
        forms += [
            number,
            f"{number} Kč",
            f"{number}Kč",
            f"{number} CZK",
            f"{number} kč",
            f"Kč {number}",
            f"CZK{number}",
            f"{number}{NBSP}Kč",
        ]
    return forms


@given(st.integers(min_value=0, max_value=MAX_AMOUNT * 100 - 1))
def test_every_amount_form_round_trips(cents):
    expected = Decimal(cents) / 100
    for text in amount_forms(cents):
        assert parse_amount(text) == expected, text
    assert parse_amount(format_amount_cs(expected)) == expected


@settings(deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=MAX_AMOUNT * 100 - 1), max_size=5))
def test_amount_forms_round_trip_vectorised(cents_list):
    texts = [text for cents in cents_list for text in amount_forms(cents)]
    expected = [float(Decimal(c) / 100) for c in cents_list for _ in amount_forms(c)]
    values, errors = parse_amounts(pd.Series(texts, dtype="str"))
    assert errors.isna().all()
    assert values.dtype == np.float64
    assert values.tolist() == expected


@given(st.floats(min_value=0, max_value=MAX_AMOUNT, exclude_max=True))
def test_float_amounts_are_taken_as_given(x):
    assert parse_amount(x) == Decimal(repr(x))
    assert float(parse_amount(x)) == x


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234567, f"1{NBSP}234{NBSP}567{NBSP}Kč"),
        (Decimal("1500.50"), f"1{NBSP}500,50{NBSP}Kč"),
        (Decimal("1500.5"), f"1{NBSP}500,50{NBSP}Kč"),
        (1500.0, f"1{NBSP}500{NBSP}Kč"),
        (Decimal("1500.00"), f"1{NBSP}500{NBSP}Kč"),
        (0, f"0{NBSP}Kč"),
        (Decimal("0.005"), f"0,01{NBSP}Kč"),
        (999, f"999{NBSP}Kč"),
        (-2500, f"-2{NBSP}500{NBSP}Kč"),
    ],
    ids=repr,
)
def test_format_amount_cs(value, expected):
    assert format_amount_cs(value) == expected


def test_format_amount_cs_rejects_non_numbers():
    with pytest.raises(ValueError):
        format_amount_cs(float("nan"))


# --------------------------------------------------------------------------- whole numbers


@pytest.mark.parametrize(
    "value, expected",
    [
        ("120", 120),
        ("0", 0),
        ("-0", 0),
        ("1 200", 1200),
        (f"1{NBSP}200", 1200),
        (f"1{NNBSP}200{NNBSP}000", 1200000),
        (" 42 ", 42),
        (120, 120),
        (120.0, 120),
        (np.int64(7), 7),
        (np.float64(8.0), 8),
        (Decimal("9.00"), 9),
        (MAX_WHOLE, MAX_WHOLE),
        (str(MAX_WHOLE), MAX_WHOLE),
    ],
    ids=repr,
)
def test_accepted_whole_numbers(value, expected):
    result = parse_whole(value)
    assert type(result) is int and result == expected
    assert one("whole", value) == (expected, None)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("12,5", "12,5"),
        ("12.5", "12.5"),
        ("120.0", "120.0"),
        ("1.200", "1.200"),
        ("abc", "abc"),
        ("1 20", "1 20"),
        ("01 200", "01 200"),
        ("12 %", "12 %"),
        (12.5, "12.5"),
        (-12.5, "-12.5"),
        (float("inf"), "inf"),
        (Decimal("12.5"), "12.5"),
        (True, "True"),
    ],
    ids=repr,
)
def test_not_whole_numbers(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_whole(value)
    assert info.value.cs == f"„{shown}“ není celé číslo"
    assert info.value.en == f"'{shown}' is not a whole number"
    got, error = one("whole", value)
    assert got is pd.NA
    assert_same_error(error, info.value)


@pytest.mark.parametrize(
    "value, shown", [("-5", "-5"), ("−1 200", "−1 200"), (-5, "-5"), (-5.0, "-5")], ids=repr
)
def test_negative_whole_numbers_have_their_own_message(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_whole(value)
    assert info.value.cs == f"číslo nesmí být záporné ({shown})"
    assert info.value.en == f"number must not be negative ({shown})"
    assert_same_error(one("whole", value)[1], info.value)


@pytest.mark.parametrize("value", [MAX_WHOLE + 1, str(MAX_WHOLE + 1), 2.0**63, "9" * 30])
def test_too_large_whole_numbers(value):
    with pytest.raises(InvalidValue, match="number is too large"):
        parse_whole(value)
    assert isinstance(one("whole", value)[1], InvalidValue)


@given(st.integers(min_value=0, max_value=MAX_WHOLE))
def test_whole_numbers_round_trip(n):
    for text in (str(n), group(n, " "), group(n, NBSP), group(n, NNBSP)):
        assert parse_whole(text) == n, text
    assert parse_whole(n) == n
    if n <= 2**53:
        assert parse_whole(float(n)) == n


@settings(deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=MAX_WHOLE), max_size=10))
def test_whole_numbers_round_trip_vectorised(numbers):
    texts = [group(n, sep) for n in numbers for sep in (" ", NBSP, "")]
    values, errors = parse_wholes(pd.Series(texts, dtype="str"))
    assert values.dtype == "Int64"
    assert errors.isna().all()
    assert values.tolist() == [n for n in numbers for _ in range(3)]


# --------------------------------------------------------------------------- percent


@pytest.mark.parametrize(
    "value, expected",
    [
        ("45", "45"),
        ("45 %", "45"),
        ("45%", "45"),
        (f"45{NBSP}%", "45"),
        ("45,5", "45.5"),
        ("45.5", "45.5"),
        ("45,5 %", "45.5"),
        ("0", "0"),
        ("100", "100"),
        ("100,00 %", "100"),
        ("-0", "0"),
        (45, "45"),
        (45.5, "45.5"),
        (0.45, "0.45"),
        (Decimal("99.9"), "99.9"),
    ],
    ids=repr,
)
def test_accepted_percentages(value, expected):
    result = parse_percent(value)
    assert isinstance(result, Decimal) and result == Decimal(expected)
    assert one("percent", value) == (float(Decimal(expected)), None)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("120", "120"),
        ("120 %", "120 %"),
        ("100,5", "100,5"),
        ("100.000001", "100.000001"),
        ("-5", "-5"),
        ("-0,5 %", "-0,5 %"),
        (120, "120"),
        (100.5, "100.5"),
        (-1, "-1"),
        (Decimal("101"), "101"),
        (10**30, str(10**30)),
    ],
    ids=repr,
)
def test_percent_out_of_range(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_percent(value)
    assert info.value.cs == f"postup musí být 0–100 % ({shown})"
    assert info.value.en == f"progress must be 0–100 % ({shown})"
    assert_same_error(one("percent", value)[1], info.value)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("abc", "abc"),
        ("45 %%", "45 %%"),
        ("%", "%"),
        ("4 5", "4 5"),
        (float("inf"), "inf"),
        (True, "True"),
    ],
    ids=repr,
)
def test_invalid_percentages(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_percent(value)
    assert info.value.cs == f"„{shown}“ není platné procento (očekáváno číslo 0–100)"
    assert info.value.en == f"'{shown}' is not a valid percentage (expected a number 0–100)"
    assert_same_error(one("percent", value)[1], info.value)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_percent_forms_round_trip(x):
    text = f"{x:f}"
    for form in (text, text.replace(".", ","), f"{text} %", f"{text}%", f"{text}{NBSP}%"):
        assert parse_percent(form) == x, form


# --------------------------------------------------------------------------- URLs and text


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://praha.eu", "https://praha.eu"),
        ("http://www.praha3.cz/projekt?id=5#mapa", "http://www.praha3.cz/projekt?id=5#mapa"),
        (f" {NBSP}https://example.cz/a{NNBSP}", "https://example.cz/a"),
        ("HTTPS://Example.CZ:8443/x", "HTTPS://Example.CZ:8443/x"),
        ("https://[::1]/", "https://[::1]/"),
    ],
)
def test_accepted_urls(value, expected):
    assert parse_url(value) == expected


@pytest.mark.parametrize(
    "value, shown",
    [
        ("ftp://example.cz", "ftp://example.cz"),
        ("www.praha.eu", "www.praha.eu"),
        ("praha.eu/projekt", "praha.eu/projekt"),
        ("https://", "https://"),
        ("http:///cesta", "http:///cesta"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("https://exa mple.cz", "https://exa mple.cz"),
        ("http://example.cz:port", "http://example.cz:port"),
        ("http://[::1", "http://[::1"),
        ("mailto:info@praha.eu", "mailto:info@praha.eu"),
        (5, "5"),
    ],
)
def test_invalid_urls(value, shown):
    with pytest.raises(InvalidValue) as info:
        parse_url(value)
    assert info.value.cs == f"„{shown}“ není platná adresa URL (očekáváno http:// nebo https://…)"
    assert info.value.en == f"'{shown}' is not a valid URL (expected http:// or https://…)"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("  Park Parukářka ", "Park Parukářka"),
        (f"{NBSP}a{NBSP}b{NNBSP}", f"a{NBSP}b"),
        ("a  b\nc", "a  b\nc"),
        (120.0, "120"),
        (12.5, "12.5"),
        (7, "7"),
    ],
    ids=repr,
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_long_values_are_shortened_in_messages():
    with pytest.raises(InvalidValue) as info:
        parse_date("x" * 500)
    assert len(info.value.en) < 200
    assert "…" in info.value.cs


# --------------------------------------------------------------------------- vectorised API


def test_vectorised_outputs_are_aligned_and_typed():
    index = pd.Index([30, 10, 20])
    cases = {
        "date": (["15. 3. 2024", None, "x"], object),
        "amount": (["1 500 Kč", None, "x"], np.float64),
        "whole": (["1 200", None, "x"], "Int64"),
        "percent": (["45 %", None, "x"], np.float64),
    }
    for kind, (inputs, dtype) in cases.items():
        for input_dtype in (object, "str"):
            s = pd.Series(inputs, index=index, dtype=input_dtype, name="pole")
            values, errors = VECTOR[kind](s)
            assert values.dtype == dtype, kind
            assert errors.dtype == object
            assert values.index.equals(index) and errors.index.equals(index)
            assert values.name == errors.name == "pole"
            assert missing(values.loc[10]) and errors.loc[10] is None
            assert missing(values.loc[20]) and isinstance(errors.loc[20], InvalidValue)
            assert not missing(values.loc[30]) and errors.loc[30] is None


def test_excel_like_object_column_of_dates():
    s = pd.Series(
        [
            dt.datetime(2024, 3, 15, 0, 0),
            dt.datetime(2024, 3, 16, 14, 30),
            "17. 3. 2024",
            dt.date(2024, 3, 18),
            pd.Timestamp("2024-03-19"),
            None,
            np.nan,
            45366,
            "31. 2. 2024",
        ],
        dtype=object,
    )
    values, errors = parse_dates(s)
    assert values.tolist()[:5] == [dt.date(2024, 3, d) for d in range(15, 20)]
    assert values.tolist()[5:] == [None] * 4
    assert all(type(v) is dt.date for v in values.tolist()[:5])
    assert errors.tolist()[:7] == [None] * 7
    assert errors.iloc[7].en == "'45366' is not a valid date (expected e.g. 15. 3. 2024)"
    assert errors.iloc[8].cs == "„31. 2. 2024“ není platné datum (očekáváno např. 15. 3. 2024)"


def test_datetime64_column_of_dates():
    s = pd.Series(pd.to_datetime(["2024-03-15 10:00", None, "1999-12-31 00:00"]))
    values, errors = parse_dates(s)
    assert values.tolist() == [dt.date(2024, 3, 15), None, dt.date(1999, 12, 31)]
    assert errors.isna().all()


def test_aware_datetimes_in_mixed_time_zones_give_their_local_dates():
    prague = pd.Timestamp("2024-03-15 23:30", tz="Europe/Prague")
    utc = dt.datetime(2024, 3, 15, 23, 30, tzinfo=dt.UTC)
    naive = dt.datetime(2024, 3, 16, 1, 0)
    values, errors = parse_dates(pd.Series([prague, utc, naive], dtype=object))
    assert values.tolist() == [dt.date(2024, 3, 15), dt.date(2024, 3, 15), dt.date(2024, 3, 16)]
    assert errors.isna().all()


def test_excel_like_numeric_columns():
    amounts, amount_errors = parse_amounts(pd.Series([1500.5, np.nan, 120, -3.0]))
    assert amounts.isna().tolist() == [False, True, False, True]
    assert (amounts.iloc[0], amounts.iloc[2]) == (1500.5, 120.0)
    assert amount_errors.iloc[3].en == "amount must not be negative (-3)"

    wholes, whole_errors = parse_wholes(pd.Series([120.0, np.nan, 12.5, -1.0]))
    assert wholes.tolist() == [120, pd.NA, pd.NA, pd.NA]
    assert whole_errors.iloc[2].en == "'12.5' is not a whole number"
    assert whole_errors.iloc[3].en == "number must not be negative (-1)"

    ints, int_errors = parse_wholes(pd.Series([1, 2, None], dtype="Int64"))
    assert ints.tolist() == [1, 2, pd.NA] and int_errors.isna().all()

    percents, percent_errors = parse_percents(pd.Series([45, 100, 101]))
    assert percents.tolist()[:2] == [45.0, 100.0]
    assert percent_errors.iloc[2].en == "progress must be 0–100 % (101)"


def test_repeated_bad_values_share_one_error():
    values, errors = parse_amounts(pd.Series(["x", "1", " x", "x"], dtype="str"))
    assert errors.iloc[0] is errors.iloc[3] is errors.iloc[2]
    assert errors.iloc[1] is None


def test_empty_series():
    for kind in PARSERS:
        values, errors = VECTOR[kind](pd.Series([], dtype=object))
        assert len(values) == len(errors) == 0


# --------------------------------------------------------------------------- properties

# Text that exercises the grammars: digits, separators, signs, units and spaces.
grammar_text = st.text(alphabet="0123456789 .,/-−%KkčČCZ\u00a0\u202f", max_size=16)
any_text = st.one_of(st.text(), grammar_text)


@pytest.mark.parametrize("kind", PARSERS + ["url", "text"])
@given(text=any_text)
def test_no_crash_on_any_text(kind, text):
    parse = {**SCALAR, "url": parse_url, "text": clean_text}[kind]
    try:
        result = parse(text)
    except InvalidValue as exc:
        assert exc.cs and exc.en and str(exc) == exc.en
        return
    expected_type = {
        "date": dt.date,
        "amount": Decimal,
        "whole": int,
        "percent": Decimal,
        "url": str,
        "text": str,
    }[kind]
    assert result is None or isinstance(result, expected_type)


@pytest.mark.parametrize("kind", PARSERS)
@settings(deadline=None)
@given(texts=st.lists(any_text, max_size=12))
def test_vectorised_does_not_crash_on_any_text(kind, texts):
    for dtype in (object, "str"):
        values, errors = VECTOR[kind](pd.Series(texts, dtype=dtype))
        assert len(values) == len(errors) == len(texts)
        assert all(e is None or isinstance(e, InvalidValue) for e in errors)


def date_texts() -> st.SearchStrategy[str]:
    return st.dates().flatmap(lambda d: st.sampled_from(date_forms(d)))


def amount_texts() -> st.SearchStrategy[str]:
    return st.integers(0, 10**8).flatmap(lambda c: st.sampled_from(amount_forms(c)))


odd_strings = st.sampled_from(
    [
        "31. 2. 2024",
        "-5",
        "-0",
        "−1 500 Kč",
        "1.500",
        "1,500",
        "0.500",
        "100",
        "100,5",
        "12,5",
        "-12,5",
        "1 200",
        "9" * 25,
        "-" + "9" * 25,
        "0." + "0" * 400 + "1",
        "-0." + "0" * 400 + "1",
        "-0,000",
        "45 %",
        "1e5",
        "Kč",
        " ",
        "",
        "abc",
        "2024-02-30",
        "1.500.000,50",
    ]
)
mixed_cell = st.one_of(
    any_text,
    date_texts(),
    amount_texts(),
    odd_strings,
    st.integers(),
    st.integers(-200, 200),
    st.floats(),
    st.floats(-200, 200),
    st.decimals(),
    st.decimals(-200, 200, places=3),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))])),
    st.booleans(),
    st.sampled_from([None, np.nan, pd.NA, pd.NaT, np.int64(5), np.float64(2.5), [1], (2,)]),
)


@pytest.mark.parametrize("kind", PARSERS)
@settings(deadline=None)
@given(cells=st.lists(mixed_cell, max_size=15))
def test_scalar_and_vectorised_agree_on_mixed_cells(kind, cells):
    check_agreement(kind, cells)


@pytest.mark.parametrize("kind", PARSERS)
@settings(deadline=None)
@given(
    cells=st.lists(
        st.one_of(any_text, date_texts(), amount_texts(), odd_strings, st.none()), max_size=15
    )
)
def test_scalar_and_vectorised_agree_on_text_columns(kind, cells):
    check_agreement(kind, cells, dtype="str")


@pytest.mark.parametrize("kind", PARSERS)
@settings(deadline=None)
@given(cells=st.lists(st.one_of(st.floats(), st.integers(-(2**70), 2**70)), max_size=15))
def test_scalar_and_vectorised_agree_on_numeric_columns(kind, cells):
    assume(cells)
    check_agreement(kind, cells)
    floats = [float(c) if not isinstance(c, int) or abs(c) < 2**60 else 0.0 for c in cells]
    check_agreement(kind, floats, dtype=np.float64)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 500 000,- Kč", Decimal(1500000)), ("1500,-", Decimal(1500)), ("250,– CZK", Decimal(250))],
)
def test_czech_whole_crowns_mark_is_accepted(text, expected):
    assert parse_amount(text) == expected
    values, errors = parse_amounts(pd.Series([text, "1,-5"], dtype=object))
    assert values.iloc[0] == float(expected) and errors.iloc[0] is None
    assert errors.iloc[1] is not None  # a dash elsewhere is still an error
