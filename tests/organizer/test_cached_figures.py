"""The organizer's dashboard and analytics are cached per organizer under their sales figures
version: a payment or refund shows on the very next request, an event edit too, and no
organizer ever sees another's figures."""

import re

import pytest
from django.urls import reverse

from orders import services
from tests.checkout_helpers import hold_for, order_for
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def _pay(ticket_type, quantity, capture):
    order = order_for(hold=hold_for(ticket_type=ticket_type, quantity=quantity))
    with capture(execute=True):  # the payment commits: its on-commit work runs
        services.mark_paid(order=order, source="webhook")
    order.refresh_from_db()
    return order


def _figures(client, event):
    board = client.get(reverse("organizer:dashboard")).context["board"]
    return board.totals["sold"], board.totals["gross_kobo"], _tickets_sold(client, event)


def _tickets_sold(client, event) -> int:
    """The analytics page's "Tickets sold", as the organizer reads it (a cached page has no
    template context to look at)."""
    page = client.get(reverse("organizer:analytics", args=[event.pk])).content.decode()
    found = re.search(r'Tickets sold</span><span class="ops-kpi-value">([\d,]+)<', page)
    return int(found.group(1).replace(",", ""))


def test_a_payment_and_a_refund_show_at_once_on_the_cached_pages(
    client, organizer, event, regular, django_capture_on_commit_callbacks
):
    sign_in_as_organizer(client, organizer.user)
    first = _pay(regular, 2, django_capture_on_commit_callbacks)
    assert _figures(client, event) == (2, first.total_kobo, 2)
    assert _figures(client, event) == (2, first.total_kobo, 2)  # now from the cache

    second = _pay(regular, 3, django_capture_on_commit_callbacks)
    assert _figures(client, event) == (5, first.total_kobo + second.total_kobo, 5)

    with django_capture_on_commit_callbacks(execute=True):
        services.apply_refund(order=first, amount_kobo=first.total_kobo, source="staff")
    assert _figures(client, event) == (3, second.total_kobo, 3)
    page = client.get(reverse("organizer:dashboard")).content.decode()
    assert '3</span><span class="muted">of 100' in page.replace("\n", "")


def test_an_event_edit_shows_at_once_on_the_cached_dashboard(client, organizer, event, regular):
    sign_in_as_organizer(client, organizer.user)
    assert "Lagos Jazz Night" in client.get(reverse("organizer:dashboard")).content.decode()
    event.title = "Lagos Jazz Night II"
    event.save()
    EventFactory(organizer=organizer, title="Abuja Comedy Hour")
    page = client.get(reverse("organizer:dashboard")).content.decode()
    assert "Lagos Jazz Night II" in page and "Abuja Comedy Hour" in page


def test_two_organizers_each_see_only_their_own_figures(
    client, organizer, event, regular, django_capture_on_commit_callbacks
):
    other = OrganizerFactory()
    other_event = EventFactory(organizer=other, title="Port Harcourt Fest")
    other_type = TicketTypeFactory(event=other_event, price_kobo=500_000, capacity=50)
    mine = _pay(regular, 2, django_capture_on_commit_callbacks)
    theirs = _pay(other_type, 4, django_capture_on_commit_callbacks)

    sign_in_as_organizer(client, organizer.user)
    assert _figures(client, event) == (2, mine.total_kobo, 2)
    assert client.get(reverse("organizer:analytics", args=[other_event.pk])).status_code == 404
    client.logout()

    sign_in_as_organizer(client, other.user)  # the first organizer's pages are cached now
    page = client.get(reverse("organizer:dashboard"))
    assert page.context["board"].totals["sold"] == 4
    assert page.context["board"].totals["gross_kobo"] == theirs.total_kobo
    assert "Port Harcourt Fest" in page.content.decode()
    assert "Lagos Jazz Night" not in page.content.decode()
    assert _figures(client, other_event) == (4, theirs.total_kobo, 4)


def test_check_ins_show_on_the_cached_analytics_within_their_freshness(
    client, organizer, event, regular, monkeypatch
):
    import time

    from organizer.views import analytics
    from tests.factories import paid_order_with_tickets
    from tickets import checkin

    monkeypatch.setattr(analytics, "CHECK_IN_FRESH_SECONDS", 1)
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=2)
    sign_in_as_organizer(client, organizer.user)
    url = reverse("organizer:analytics", args=[event.pk])

    def checked_in(page):
        found = re.search(r'Checked in</span><span class="ops-kpi-value">(\d+)<', page)
        return int(found.group(1))

    assert checked_in(client.get(url).content.decode()) == 0
    assert checkin.check_in(event=event, ticket_id=tickets[0].pk, device="Gate A").outcome == "ok"
    time.sleep(1.2)
    page = client.get(url).content.decode()
    assert checked_in(page) == 1 and "of 2" in page
