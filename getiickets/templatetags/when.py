"""{{ moment|when }} → "Sat 5 Dec 2026, 7:30 PM" in Lagos time; {{ moment|when:"time" }} and
the other styles of getiickets.datetimes.FORMATS. An unknown style fails loudly in templates."""

from django import template

from getiickets.datetimes import format_when

register = template.Library()


@register.filter
def when(value, style="datetime"):
    return format_when(value, style)
