import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Event, TicketType
from tests.factories import (
    EventFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
)
from tickets.models import Hold

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def event():
    event = EventFactory()
    TicketTypeFactory(event=event, name="Regular", capacity=100, price_kobo=1_000_000)
    TicketTypeFactory(event=event, name="VIP", capacity=3, price_kobo=5_000_000, position=1)
    return event


def tt(event, name):
    return event.ticket_types.get(name=name)


def test_the_selector_shows_prices_and_availability(client, event):
    response = client.get(reverse("tickets:availability", args=[event.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "₦10,000.00" in text and "₦50,000.00" in text
    assert "Only 3 left" in text
    assert 'hx-trigger="every 10s"' in text


def test_live_badges_say_sold_out(client, event):
    TicketType.objects.filter(pk=tt(event, "VIP").pk).update(sold=3)
    response = client.get(reverse("tickets:availability", args=[event.slug]) + "?part=status")
    assert response.status_code == 200
    assert "Sold out" in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()


def test_a_buyer_holds_tickets_and_goes_to_checkout(client, event):
    buyer = UserFactory()
    client.force_login(buyer)
    vip = tt(event, "VIP")
    response = client.post(reverse("tickets:hold", args=[event.slug]), {f"qty_{vip.pk}": 2})
    assert response.status_code == 302
    assert response.url.startswith("/checkout")
    hold = Hold.objects.get(buyer=buyer)
    assert hold.status == "active" and hold.quantity == 2
    vip.refresh_from_db()
    assert vip.held == 2

    page = client.get(reverse("tickets:hold_detail", args=[hold.pk]))
    assert page.status_code == 200
    assert "data-expires-at" in page.content.decode()
    assert re.search(r"\b(9|10):\d\d\b", page.content.decode())


def test_asking_for_more_than_is_left_says_sold_out_with_409(client, event):
    client.force_login(UserFactory())
    vip = tt(event, "VIP")
    TicketType.objects.filter(pk=vip.pk).update(sold=2)
    response = client.post(reverse("tickets:hold", args=[event.slug]), {f"qty_{vip.pk}": 2})
    assert response.status_code == 409
    assert "not enough VIP tickets left" in response.content.decode()


def test_a_sold_out_answer_to_htmx_updates_badges_and_quantities_in_place(client, event):
    client.force_login(UserFactory())
    regular, vip = tt(event, "Regular"), tt(event, "VIP")
    TicketType.objects.filter(pk=vip.pk).update(sold=2)
    response = client.post(
        reverse("tickets:hold", args=[event.slug]), {f"qty_{vip.pk}": 2}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert re.search(r'id="selector-error"><p [^>]*>[^<]*not enough VIP tickets left', text)
    assert re.search(rf'id="avail-{vip.pk}" class="badge badge-warning"[^>]*>Only 1 left', text)
    # Only what can still be bought is offered.
    vip_select = re.search(rf'<select id="qty-{vip.pk}"[^>]*>.*?</select>', text).group(0)
    assert re.findall(r'<option value="(\d+)"', vip_select) == ["0", "1"]
    assert f'id="avail-{regular.pk}"' in text and f'id="qty-{regular.pk}"' in text
    assert "Reserve tickets" in text  # the selector, drawn again in place
    assert not Hold.objects.exists()


def test_a_sold_out_type_is_offered_as_a_disabled_list(client, event):
    client.force_login(UserFactory())
    regular, vip = tt(event, "Regular"), tt(event, "VIP")
    TicketType.objects.filter(pk=vip.pk).update(sold=3)
    response = client.post(
        reverse("tickets:hold", args=[event.slug]),
        {f"qty_{vip.pk}": 1, f"qty_{regular.pk}": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert re.search(rf'id="avail-{vip.pk}" class="badge badge-danger"[^>]*>Sold out', text)
    assert re.search(rf'<select id="qty-{vip.pk}" disabled aria-disabled="true"', text)
    # The other type keeps the quantity the buyer picked.
    assert re.search(
        rf'<select id="qty-{regular.pk}" name="qty_{regular.pk}".*?'
        r'<option value="1" selected>',
        text,
        re.S,
    )


def test_per_order_maximum_and_minimum(client, event):
    client.force_login(UserFactory())
    regular = tt(event, "Regular")
    regular.max_per_order, regular.min_per_order = 4, 2
    regular.save()
    url = reverse("tickets:hold", args=[event.slug])
    response = client.post(url, {f"qty_{regular.pk}": 5})
    assert response.status_code == 400
    assert "at most 4" in response.content.decode()
    response = client.post(url, {f"qty_{regular.pk}": 1})
    assert response.status_code == 400
    assert "at least 2" in response.content.decode()
    assert not Hold.objects.exists()


def test_account_limit_counts_paid_tickets(client, event, settings):
    from orders.models import Order, OrderItem

    settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT = 4
    buyer = UserFactory()
    regular = tt(event, "Regular")
    order = Order.objects.create(
        reference="GT-1", buyer=buyer, event=event, status="paid", email=buyer.email
    )
    for _ in range(3):
        OrderItem.objects.create(order=order, ticket_type=regular, unit_price_kobo=1, paid_kobo=1)
    client.force_login(buyer)
    url = reverse("tickets:hold", args=[event.slug])
    response = client.post(url, {f"qty_{regular.pk}": 2})
    assert response.status_code == 400
    assert "at most 4 tickets" in response.content.decode()
    assert client.post(url, {f"qty_{regular.pk}": 1}).status_code == 302


def test_sales_window_and_unpublished_events(client, event):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(UserFactory())
    regular = tt(event, "Regular")
    regular.sales_start = timezone.now() + timedelta(days=1)
    regular.save()
    url = reverse("tickets:hold", args=[event.slug])
    response = client.post(url, {f"qty_{regular.pk}": 1})
    assert response.status_code == 400
    assert "goes on sale" in response.content.decode()
    event.status = Event.Status.DRAFT
    event.save()
    assert client.post(url, {f"qty_{regular.pk}": 1}).status_code == 404


@pytest.mark.needs_services
def test_rate_limit_answers_429_with_a_clear_message(client, event, settings):
    settings.HOLD_RATE_LIMIT = "3/m"
    client.force_login(UserFactory())
    regular = tt(event, "Regular")
    url = reverse("tickets:hold", args=[event.slug])
    codes = [client.post(url, {f"qty_{regular.pk}": 1}).status_code for _ in range(5)]
    assert codes[:3] == [302, 302, 302]
    assert codes[3:] == [429, 429]
    response = client.post(url, {f"qty_{regular.pk}": 1})
    assert "Too many reservation attempts" in response.content.decode()


@pytest.mark.needs_services
def test_every_kind_of_answer_counts_once_and_a_limited_request_takes_nothing(
    client, event, settings
):
    # Every hold request counts against the limit, whatever its answer; a request over the
    # limit neither takes tickets nor claims seats.
    settings.HOLD_RATE_LIMIT = "4/h"  # a window that will not roll over mid-test
    buyer = UserFactory()
    client.force_login(buyer)
    regular, vip = tt(event, "Regular"), tt(event, "VIP")
    section = SeatSectionFactory(event=event)
    seat = SeatFactory(section=section, ticket_type=TicketTypeFactory(event=event, capacity=1))
    url = reverse("tickets:hold", args=[event.slug])
    seats_url = reverse("tickets:hold_seats", args=[event.slug])
    assert client.post(url, {f"qty_{vip.pk}": 4}).status_code == 409  # sold out (3 left)
    assert client.post(url, {}).status_code == 400  # nothing chosen
    assert client.post(url, {f"qty_{regular.pk}": 1}).status_code == 302  # held
    assert client.post(seats_url, {"seat": [seat.pk]}).status_code == 302  # replaces it
    response = client.post(url, {f"qty_{regular.pk}": 2})
    assert response.status_code == 429
    assert "Too many reservation attempts" in response.content.decode()
    assert client.post(seats_url, {"seat": [seat.pk]}).status_code == 429
    regular.refresh_from_db()
    assert regular.held == 0
    assert Hold.objects.filter(status="active").count() == 1


@pytest.mark.needs_services
def test_per_ip_rate_limit(client, event, settings):
    settings.HOLD_RATE_LIMIT_PER_IP = "2/m"
    regular = tt(event, "Regular")
    url = reverse("tickets:hold", args=[event.slug])
    for buyer in (UserFactory(), UserFactory()):
        client.force_login(buyer)
        assert client.post(url, {f"qty_{regular.pk}": 1}).status_code == 302
    client.force_login(UserFactory())
    assert client.post(url, {f"qty_{regular.pk}": 1}).status_code == 429


@pytest.mark.needs_services
def test_without_the_gate_the_rate_limit_still_holds(client, event, settings):
    settings.HOLD_RATE_LIMIT = "2/m"
    settings.HOLD_GATE_ENABLED = False  # limits counted by django-ratelimit in the cache
    client.force_login(UserFactory())
    regular = tt(event, "Regular")
    url = reverse("tickets:hold", args=[event.slug])
    codes = [client.post(url, {f"qty_{regular.pk}": 1}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_sold_out_answers_are_not_logged_as_warnings_but_other_4xx_are(client, event, caplog):
    import logging

    client.force_login(UserFactory())
    vip = tt(event, "VIP")
    TicketType.objects.filter(pk=vip.pk).update(sold=3)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert (
            client.post(
                reverse("tickets:hold", args=[event.slug]), {f"qty_{vip.pk}": 1}
            ).status_code
            == 409
        )
        assert client.get("/events/no-such-event/hold").status_code == 404
    logged = [r.status_code for r in caplog.records if r.name == "django.request"]
    assert logged == [404]


def test_signing_in_keeps_the_selection(client, event):
    regular = tt(event, "Regular")
    url = reverse("tickets:hold", args=[event.slug])
    response = client.post(url, {f"qty_{regular.pk}": 3})
    assert response.status_code == 302
    assert "/auth/login" in response.url and "next=" in response.url
    buyer = UserFactory()
    client.force_login(buyer)  # signing in holds the selection (tickets.resume)
    hold = Hold.objects.get(buyer=buyer)
    assert list(hold.lines.values_list("ticket_type_id", "quantity")) == [(regular.pk, 3)]


def test_release_gives_the_tickets_back(client, event):
    buyer = UserFactory()
    client.force_login(buyer)
    vip = tt(event, "VIP")
    client.post(reverse("tickets:hold", args=[event.slug]), {f"qty_{vip.pk}": 2})
    hold = Hold.objects.get(buyer=buyer)
    response = client.post(reverse("tickets:release", args=[hold.pk]))
    assert response.status_code == 302
    hold.refresh_from_db()
    vip.refresh_from_db()
    assert hold.status == "released" and vip.held == 0
    other = UserFactory()
    client.force_login(other)
    assert client.post(reverse("tickets:release", args=[hold.pk])).status_code == 404


def test_seat_map_and_seat_hold(client):
    section = SeatSectionFactory(name="Orchestra")
    seats = [SeatFactory(section=section, row_label="A", number=str(i)) for i in range(1, 4)]
    band = seats[0].ticket_type
    for seat in seats[1:]:
        seat.ticket_type = band
        seat.save()
    TicketType.objects.filter(pk=band.pk).update(capacity=3)
    event = section.event
    page = client.get(reverse("tickets:availability", args=[event.slug]))
    text = page.content.decode()
    assert text.count('class="s b0"') == 3
    assert 'aria-label="Section Orchestra"' in text
    assert 'aria-label="Orchestra · Row A · Seat 1"' in text
    client.force_login(UserFactory())
    response = client.post(
        reverse("tickets:hold_seats", args=[event.slug]), {"seat": [seats[0].pk, seats[1].pk]}
    )
    assert response.status_code == 302
    page = client.get(reverse("tickets:availability", args=[event.slug]))
    assert page.content.decode().count('class="s b0 x"') == 2
    client.force_login(UserFactory())
    response = client.post(
        reverse("tickets:hold_seats", args=[event.slug]), {"seat": [seats[1].pk, seats[2].pk]}
    )
    assert response.status_code == 409
    assert "just been taken" in response.content.decode()


def test_the_seat_map_is_drawn_once_per_event_version_and_shows_what_is_taken_now(client):
    section = SeatSectionFactory(name="Orchestra")
    band = TicketTypeFactory(event=section.event, name="Orchestra", capacity=3)
    seats = [
        SeatFactory(section=section, ticket_type=band, row_label="A", number=str(i))
        for i in range(1, 4)
    ]
    event = section.event
    url = reverse("tickets:availability", args=[event.slug])
    assert client.get(url).content.decode().count('class="s b0"') == 3
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries if "row_label" in q["sql"]]  # no seat read for the drawing

    client.force_login(UserFactory())
    hold_url = reverse("tickets:hold_seats", args=[event.slug])
    assert client.post(hold_url, {"seat": [seats[0].pk]}).status_code == 302
    text = client.get(url).content.decode()
    assert text.count('class="s b0 x"') == 1
    assert f'data-id="{seats[0].pk}" aria-label="Orchestra · Row A · Seat 1, taken"' in text

    services.set_seats_blocked(event=event, blocked=True, seat_ids=[seats[2].pk])
    services.rename_section(event=event, section_id=section.pk, name="Stalls")
    text = client.get(url).content.decode()
    assert text.count('class="s b0 x"') == 2 and 'aria-label="Section Stalls"' in text


def test_a_lost_seat_race_answers_htmx_with_the_map_as_it_is_now(client):
    section = SeatSectionFactory(name="Stalls")
    band = TicketTypeFactory(event=section.event, name="Stalls", capacity=40)
    seats = [
        SeatFactory(section=section, ticket_type=band, row_label="B", number=str(i))
        for i in range(1, 41)
    ]
    event = section.event
    url = reverse("tickets:hold_seats", args=[event.slug])
    client.force_login(UserFactory())
    assert client.post(url, {"seat": [seats[0].pk, seats[1].pk]}).status_code == 302

    client.force_login(UserFactory())
    response = client.post(url, {"seat": [seats[1].pk, seats[2].pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    text = response.content.decode()
    assert "just been taken" in text and 'role="alert"' in text
    assert taken_on_map(text) == {seats[0].pk, seats[1].pk}  # the fresh map
    assert f'id="avail-{band.pk}"' in text
    assert not Hold.objects.filter(status="active").exclude(seat_claims__seat=seats[0]).exists()


def test_the_selector_include_works_with_just_event_and_request(rf, event):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    request = rf.get("/events/x")
    request.user = AnonymousUser()
    request.session = {}
    html = Template('{% include "tickets/_selector.html" %}').render(
        Context({"event": event, "request": request, "selector": "unrelated"})
    )
    assert "VIP" in html and "Only 3 left" in html
    assert f'action="/events/{event.slug}/hold"' in html


def small_map(seats=6):
    section = SeatSectionFactory(name="Stalls")
    band = TicketTypeFactory(event=section.event, name="Stalls", capacity=seats, max_per_order=6)
    return section.event, [
        SeatFactory(section=section, ticket_type=band, row_label="C", number=str(i))
        for i in range(1, seats + 1)
    ]


def taken_on_map(html):
    return {int(s) for s in re.findall(r'data-id="(\d+)" aria-label="[^"]*, taken"', html)}


def test_blocked_seats_are_greyed_on_the_map_and_never_listed_as_free(client):
    event, seats = small_map()
    seats[5].is_blocked = True
    seats[5].save()
    url = reverse("tickets:hold_seats", args=[event.slug])
    client.force_login(UserFactory())
    assert client.post(url, {"seat": [s.pk for s in seats[:2]]}).status_code == 302

    client.force_login(UserFactory())
    response = client.post(url, {"seat": [seats[1].pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    # Two held and one blocked are greyed; the three free ones are not.
    assert taken_on_map(response.text) == {seats[0].pk, seats[1].pk, seats[5].pk}
    page = client.get(reverse("tickets:hold", args=[event.slug])).text
    assert f'data-id="{seats[5].pk}" aria-label="Stalls · Row C · Seat 6, taken"' in page
    assert f'data-id="{seats[4].pk}" aria-label="Stalls · Row C · Seat 5"' in page


def test_seated_tickets_cannot_be_held_by_quantity_only_by_seat(client):
    event, seats = small_map()
    standing = TicketTypeFactory(event=event, name="Standing", capacity=50)
    stalls = seats[0].ticket_type
    client.force_login(UserFactory())
    url = reverse("tickets:hold", args=[event.slug])

    response = client.post(url, {f"qty_{stalls.pk}": 2})
    assert response.status_code == 400
    assert "Choose your Stalls seats on the seat map." in response.text
    assert not Hold.objects.exists()
    stalls.refresh_from_db()
    assert stalls.held == 0

    # Still so when every seat of the band is blocked: a sold-out band, not standing room.
    event.seats.update(is_blocked=True)
    assert client.post(url, {f"qty_{stalls.pk}": 1}).status_code == 400
    assert client.post(url, {f"qty_{standing.pk}": 2}).status_code == 302
    assert Hold.objects.get().lines.get().ticket_type == standing


def test_a_release_shows_on_the_selector_at_once(client, event, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    url = reverse("tickets:hold", args=[event.slug])
    vip = tt(event, "VIP")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {f"qty_{vip.pk}": 2}).status_code == 302
    assert "Only 1 left" in client.get(url).text
    hold = Hold.objects.get(status="active")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:release", args=[hold.pk]))
    assert response.status_code == 302
    assert "Only 3 left" in client.get(url).text  # the released tickets, at once
