"""Dates and times as buyers read them: in Lagos time, on the 12-hour clock, one format per
use, so the event page, the waitlist, checkout, tickets and emails never disagree.

    {{ event.starts_at|lagos }}            Sat 19 Dec 2026, 6:00 PM
    {{ event.starts_at|lagos:"long" }}     Saturday 19 December 2026, 6:00 PM
    {{ hold.expires_at|lagos:"time" }}     6:10 PM
"""

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

LAGOS = ZoneInfo("Africa/Lagos")
FORMATS = {
    "short": "D j M Y, g:i A",  # pages' event lines
    "long": "l j F Y, g:i A",  # the event page, emails, the PDF
    "long_no_year": "l j F, g:i A",  # the end of an event running past midnight
    "card": "D j M · g:i A",  # catalogue cards
    "soon": "D j M, g:i A",  # sales opening or closing within the season
    "stamp": "j M Y, g:i A",  # when something happened
    "time": "g:i A",
    "day_month": "j F",
    "day": "j M Y",
}


def lagos_format(value, style: str = "short") -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value, LAGOS)
    return format_date(value, FORMATS[style])


@register.filter
def lagos(value, style="short"):
    """`value` (an aware datetime) in Lagos time, in the named format of FORMATS."""
    return lagos_format(value, style)
