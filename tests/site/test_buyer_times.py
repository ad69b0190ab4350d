"""Buyer pages tell the time one way: Lagos time on the 12-hour clock, through the `when`
filter (getiickets/datetimes.py). The waitlist used to say 18:00 where the
event page said 6:00 PM."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from events.models import TicketType
from getiickets.datetimes import format_when
from tests.factories import TicketTypeFactory, UserFactory

LAGOS = ZoneInfo("Africa/Lagos")
# Buyer-facing templates: everything but the organizer's, staff's and payouts' pages.
NOT_BUYER = (
    "organizer/",
    "admin/",
    "payments/templates",
    "organizer_order.html",
    "_refund_batches",
)


def test_the_formats_are_lagos_time_on_the_12_hour_clock():
    evening = datetime(2027, 3, 6, 17, 30, tzinfo=ZoneInfo("UTC"))  # 18:30 in Lagos
    assert format_when(evening) == "Sat 6 Mar 2027, 6:30 PM"
    assert format_when(evening, "long") == "Saturday 6 March 2027, 6:30 PM"
    assert format_when(evening, "time") == "6:30 PM"
    assert format_when(None) == ""


def test_no_buyer_template_formats_a_clock_time_by_hand():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = []
    for root in roots:
        for path in [*root.rglob("*.html"), *root.rglob("*.txt")]:
            if any(part in str(path) for part in NOT_BUYER):
                continue
            for fmt in re.findall(r'\|(?:date|time):"([^"]*)"', path.read_text()):
                if re.search(r"[gGhHiaA]", fmt):  # a time of day: belongs to |when
                    offenders.append(f"{path}: {fmt}")
    assert offenders == []


@pytest.mark.django_db
def test_the_waitlist_and_the_event_page_show_the_same_time(client):
    starts = datetime(2027, 3, 6, 18, 30, tzinfo=LAGOS)
    ticket_type = TicketTypeFactory(
        capacity=2, event__starts_at=starts, event__ends_at=starts.replace(hour=22)
    )
    TicketType.objects.filter(pk=ticket_type.pk).update(sold=2)
    event = ticket_type.event
    client.force_login(UserFactory())
    shown = lambda url: re.sub(r'datetime="[^"]*"', "", client.get(url).content.decode())  # noqa: E731
    detail = shown(f"/events/{event.slug}")
    waitlist = shown(f"/waitlist?event={event.slug}")
    assert "6:30 PM" in detail and "Sat 6 Mar 2027, 6:30 PM" in waitlist
    assert "18:30" not in waitlist and "18:30" not in detail
