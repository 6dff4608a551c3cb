"""Dates of the operational workflow: real calendar dates, never numbers.

Filing, decision, publication, verification and due dates are
:class:`datetime.date` values. They may be given as a ``date``, a ``datetime`` or a
pandas ``Timestamp`` (the time of day must be midnight) or as an ISO string
``"YYYY-MM-DD"``; numbers (an Excel serial, a year) are refused, so that a number is
never taken for a date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from govindex.exceptions import ScorecardError

__all__ = ["as_date", "iso"]


def as_date(value: Any, what: str) -> dt.date:
    """Return ``value`` as a :class:`datetime.date`; ``what`` names it in errors.

    Examples
    --------
    >>> as_date("2020-02-03", "filed_on")
    datetime.date(2020, 2, 3)
    >>> as_date(20200203, "filed_on")
    Traceback (most recent call last):
    ...
    govindex.exceptions.ScorecardError: filed_on must be a date (...), found 20200203 (int)
    """
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ScorecardError(f"{what} is missing; give a date such as '2020-02-03'")
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ScorecardError(
                f"{what} must be a calendar date, found the date and time {value.isoformat()}"
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ScorecardError(
                f"{what} must be an ISO date such as '2020-02-03', found {value!r}"
            ) from None
    raise ScorecardError(
        f"{what} must be a date (datetime.date or an ISO string such as '2020-02-03'), "
        f"found {value!r} ({type(value).__name__})"
    )


def iso(value: dt.date | None) -> str:
    """The ISO text of a date, ``""`` for None.

    Examples
    --------
    >>> iso(dt.date(2020, 2, 3)), iso(None)
    ('2020-02-03', '')
    """
    return "" if value is None else value.isoformat()
