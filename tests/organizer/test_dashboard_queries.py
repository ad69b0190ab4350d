"""The organizer dashboard and events list cost the same number of queries at ten times the
data (events and orders), and show one page of events at a time."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizer.services import DASHBOARD_PAGE_SIZE
from tests.factories import EventFactory, TicketTypeFactory, paid_order_with_tickets
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def _add_events(organizer, n, orders_each):
    for _ in range(n):
        tt = TicketTypeFactory(event=EventFactory(organizer=organizer), capacity=500)
        for _ in range(orders_each):
            paid_order_with_tickets(ticket_type=tt)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _built_and_cached(client, url) -> tuple[int, int]:
    """Queries of the page built from the database (cache emptied; the session is then read
    from the database too), and then of the same page from the organizer's cached figures."""
    cache.clear()
    return _queries(client, url), _queries(client, url)


@pytest.mark.parametrize("name", ["organizer:dashboard", "organizer:events"])
def test_queries_stay_the_same_at_ten_times_the_data(client, organizer, name):
    sign_in_as_organizer(client, organizer.user)
    _add_events(organizer, 3, orders_each=2)
    client.get(reverse(name))  # the first request after sign-in writes the session
    small = _built_and_cached(client, reverse(name))
    _add_events(organizer, 27, orders_each=20)  # 30 events, 546 orders in all
    assert _built_and_cached(client, reverse(name)) == small


def test_the_dashboard_from_the_cache_costs_no_query(client, organizer):
    """Its figures and the signed-in user (accounts.user_cache) both come from the cache."""
    sign_in_as_organizer(client, organizer.user)
    _add_events(organizer, 3, orders_each=2)
    built, cached = _built_and_cached(client, reverse("organizer:dashboard"))
    assert built >= 10 and cached == 0


def test_the_dashboard_shows_a_page_of_events_and_totals_of_all(client, organizer):
    sign_in_as_organizer(client, organizer.user)
    _add_events(organizer, DASHBOARD_PAGE_SIZE + 3, orders_each=1)
    response = client.get(reverse("organizer:dashboard"))
    board = response.context["board"]
    assert len(board.upcoming) == DASHBOARD_PAGE_SIZE
    assert board.totals["sold"] == DASHBOARD_PAGE_SIZE + 3
    second = client.get(reverse("organizer:dashboard"), {"upcoming_page": 2}).context["board"]
    assert len(second.upcoming) == 3
    assert "Page 1 of 2" in response.content.decode()


def test_waitlist_and_promo_codes_cost_the_same_queries_at_ten_times_the_data(
    client, organizer, event, regular
):
    from orders.models import WaitlistEntry
    from tests.factories import PromoCodeFactory, UserFactory

    def add(n):
        for _ in range(n):
            WaitlistEntry.objects.create(
                event=event, ticket_type=regular, buyer=UserFactory(), email="w@example.ng"
            )
            PromoCodeFactory(organizer=organizer)

    sign_in_as_organizer(client, organizer.user)
    add(8)
    urls = [reverse("organizer:waitlist", args=[event.pk]), reverse("organizer:promo_codes")]
    client.get(urls[0])
    small = [_queries(client, url) for url in urls]
    add(72)
    assert [_queries(client, url) for url in urls] == small
    second = client.get(urls[0], {"page": 2})
    positions = [e.position for e in second.context["live"]]
    assert positions == list(range(51, 81))  # numbering goes on across pages


def test_analytics_costs_the_same_queries_at_ten_times_the_orders(client, organizer):
    """Orders over more days, ticket types and promo codes: the page reads the sales rollup,
    a fixed number of queries whatever the number of orders."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import PromoCodeFactory

    sign_in_as_organizer(client, organizer.user)
    event = EventFactory(organizer=organizer)
    types = [TicketTypeFactory(event=event, capacity=1000) for _ in range(3)]
    codes = [PromoCodeFactory(organizer=organizer) for _ in range(3)]

    def add(n):
        for i in range(n):
            paid_order_with_tickets(
                ticket_type=types[i % 3],
                quantity=1 + i % 2,
                paid_at=timezone.now() - timedelta(days=i % 7),
                promo_code=codes[i % 3] if i % 2 else None,
                discount_kobo=10_000 if i % 2 else 0,
            )

    url = reverse("organizer:analytics", args=[event.pk])
    add(6)
    client.get(url)  # the first request after sign-in writes the session
    small = _built_and_cached(client, url)
    add(54)
    cache.clear()
    response = client.get(url)
    assert sum(r["tickets"] for r in response.context["by_type"]) == 90
    assert _built_and_cached(client, url) == small
    assert small[1] < small[0]  # the sales figures come from the cache
