"""Parsing of the values analysts and articles write: dates and money.

>>> parse_date("2023-11-22")
rdflib.term.Literal('2023-11-22', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
>>> str(parse_date("2023-11")), str(parse_date(1999))
('2023-11', '1999')
>>> parse_amount("£4.5m")
(Decimal('4500000'), 'GBP')
>>> parse_amount("A$90bn")
(Decimal('90000000000'), 'AUD')
>>> parse_amount("270 million")
(Decimal('270000000'), None)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

__all__ = ["parse_date", "parse_amount", "CURRENCY_SIGNS", "SCALES"]

_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def parse_date(value: object) -> Literal:
    """A date as precise as given: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

    Accepts ``date`` objects, ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` and ``DD.MM.YYYY``;
    raises ``ValueError`` with the reason otherwise.

    >>> parse_date("31.12.1999")
    rdflib.term.Literal('1999-12-31', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    >>> parse_date("2023-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2023-02-30' is not a valid date (day is out of range for month)
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value).strip()
    if isinstance(value, int) or _YEAR.match(text):
        if not _YEAR.match(text):
            raise ValueError(f"{text!r} is not a year")
        return Literal(text, datatype=XSD.gYear)
    m = _YEAR_MONTH.match(text)
    if m:
        if not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"{text!r} is not a valid month")
        return Literal(text, datatype=XSD.gYearMonth)
    m = _DMY.match(text)
    if m:
        text = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if _DATE.match(text):
        try:
            return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError as e:
            raise ValueError(f"{str(value)!r} is not a valid date ({e})") from None
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")


#: Currency signs and prefixes, longest first when matched.
CURRENCY_SIGNS: dict[str, str] = {
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "US$": "USD",
    "R$": "BRL",
    "CHF": "CHF",
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "Rs": "INR",
}

#: Scale words and suffixes.
SCALES: dict[str, Decimal] = {
    "k": Decimal(10) ** 3,
    "thousand": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "billion": Decimal(10) ** 9,
    "billions": Decimal(10) ** 9,
    "tn": Decimal(10) ** 12,
    "trillion": Decimal(10) ** 12,
    "crore": Decimal(10) ** 7,
    "lakh": Decimal(10) ** 5,
}

_SIGNS = sorted(CURRENCY_SIGNS, key=len, reverse=True)
_AMOUNT = re.compile(
    r"^(?P<cur>[A-Z]{3}\s+)?(?P<sign>" + "|".join(re.escape(s) for s in _SIGNS) + r")?\s*"
    r"(?P<num>-?\d[\d,]*(?:\.\d+)?)\s*(?P<scale>[A-Za-z]+)?\s*(?P<cur2>[A-Z]{3})?$"
)


def parse_amount(value: object) -> tuple[Decimal, str | None]:
    """An amount of money and the ISO 4217 code its sign implies (or None).

    >>> parse_amount("€95 billion")
    (Decimal('95000000000'), 'EUR')
    >>> parse_amount("USD 1,200,000")
    (Decimal('1200000'), 'USD')
    >>> parse_amount("lots")
    Traceback (most recent call last):
    ...
    ValueError: 'lots' is not an amount of money (write 4500000, 4.5m or £4.5m)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount of money")
    if isinstance(value, (int, Decimal)):
        return Decimal(value), None
    if isinstance(value, float):
        return Decimal(str(value)), None
    text = str(value).strip()
    m = _AMOUNT.match(text)
    if not m:
        raise ValueError(f"{text!r} is not an amount of money (write 4500000, 4.5m or £4.5m)")
    try:
        number = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of money") from None
    scale = m.group("scale")
    if scale:
        factor = SCALES.get(scale.lower())
        if factor is None:
            raise ValueError(f"{text!r}: unknown scale {scale!r} (use k, m, bn, million, billion)")
        number *= factor
    currency = None
    if m.group("sign"):
        currency = CURRENCY_SIGNS[m.group("sign")]
    for key in ("cur", "cur2"):
        if m.group(key):
            currency = m.group(key).strip()
    return _normal(number), currency


def _normal(d: Decimal) -> Decimal:
    """4.5E+6 → 4500000, keeping integral values integral."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()
