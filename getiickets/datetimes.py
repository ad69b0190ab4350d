"""How the site writes a date or a time for people: one set of formats, on a 12-hour clock,
always in Lagos time whatever timezone is active. Templates use them through the `when`
filter (getiickets/templatetags/when.py); emails and messages built in Python call
`format_when`. Machine-readable output (CSV exports, the API, `<time datetime>`) stays ISO.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone

LAGOS = ZoneInfo("Africa/Lagos")

# Django `date` filter syntax. "g:i A" is "7:30 PM"; "j M" is "5 Dec".
FORMATS = {
    "datetime": "D j M Y, g:i A",  # Sat 5 Dec 2026, 7:30 PM
    "long": "l j F Y, g:i A",  # Saturday 5 December 2026, 7:30 PM
    "short": "D j M, g:i A",  # Sat 5 Dec, 7:30 PM
    "card": "D j M · g:i A",  # Sat 5 Dec · 7:30 PM (catalogue cards)
    "long_no_year": "l j F, g:i A",  # the end of an event that runs past midnight
    "seconds": "j M Y, g:i:s A",  # 5 Dec 2026, 7:30:05 PM (audit trails)
    "date": "j M Y",  # 5 Dec 2026
    "long_date": "l j F Y",  # Saturday 5 December 2026
    "time": "g:i A",  # 7:30 PM
}


def in_lagos(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, LAGOS) if timezone.is_aware(value) else value


def format_when(value, style: str = "datetime") -> str:
    """`value` (a datetime or a date) written in `style`, one of FORMATS; "" for None."""
    if value in (None, ""):
        return ""
    if style not in FORMATS:
        raise ValueError(f"unknown date style {style!r}; one of {', '.join(FORMATS)}")
    if isinstance(value, datetime.datetime):
        value = in_lagos(value)
    return dateformat.format(value, FORMATS[style])
