"""The first tier of the hold views: htmx hold requests that this process's recent view of
the event already refuses are answered without the session, Redis or the database; once a
second a refused request still goes to the gate; buyers who hold something go to the gate."""

import re
import time
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from events.models import TicketType
from tests.factories import SeatFactory, SeatSectionFactory, TicketTypeFactory, UserFactory
from tickets import gate
from tickets.models import Hold

# Real commits: a hold tells the gate and the process memory after it commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_services]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seated():
    section = SeatSectionFactory(name="Stalls")
    band = TicketTypeFactory(event=section.event, name="Stalls", capacity=6, max_per_order=6)
    seats = [
        SeatFactory(section=section, ticket_type=band, row_label="C", number=str(i))
        for i in range(1, 7)
    ]
    return section.event, seats


@pytest.fixture
def session_reads(monkeypatch, settings):
    """The sessions read from their store (the counter wraps the real load)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    reads = []
    real = store.load

    def counting(self):
        reads.append(self.session_key)
        return real(self)

    monkeypatch.setattr(store, "load", counting)
    return reads


def as_new_buyer(client):
    """Another person at the same browser: signed in afresh, holding nothing."""
    client.cookies.pop("holding", None)
    buyer = UserFactory()
    client.force_login(buyer)
    return buyer


def account_count(buyer) -> int:
    return int(gate.client().get(f"{gate.PREFIX}rate:acct:u:{buyer.pk}") or 0)


def test_taken_seats_are_refused_from_memory_without_the_session(client, seated, session_reads):
    event, seats = seated
    url = reverse("tickets:hold_seats", args=[event.slug])
    as_new_buyer(client)
    assert client.post(url, {"seat": [seats[0].pk, seats[1].pk]}).status_code == 302

    buyer = as_new_buyer(client)
    # The first refusal of the second goes to the gate (it counts the request and may find
    # lapsed holds); those after it within the second are answered from memory.
    answers = [client.post(url, {"seat": [seats[1].pk, seats[2].pk]}, **HTMX) for _ in range(4)]
    assert [a.status_code for a in answers] == [409] * 4
    assert account_count(buyer) == 1
    session_reads.clear()
    answer = client.post(url, {"seat": [seats[1].pk, seats[2].pk]}, **HTMX)
    assert answer.status_code == 409
    assert session_reads == []
    assert account_count(buyer) == 1
    text = answer.content.decode()
    assert "just been taken" in text and answer["HX-Reswap"] == "none"
    assert 'data-free="' in text or 'data-taken="' in text
    assert Hold.objects.filter(status="active").count() == 1
    # A free seat still goes through, with the session, and is held.
    answer = client.post(url, {"seat": [seats[2].pk]}, **HTMX)
    assert answer.status_code == 200 and answer["HX-Redirect"].startswith("/checkout")
    assert session_reads and account_count(buyer) == 2
    assert Hold.objects.get(buyer=buyer, status="active").seat_claims.get().seat == seats[2]


def test_not_enough_tickets_is_refused_from_memory_with_the_badges(client, session_reads):
    vip = TicketTypeFactory(name="VIP", capacity=3, max_per_order=4)
    event = vip.event
    url = reverse("tickets:hold", args=[event.slug])
    buyer = as_new_buyer(client)
    TicketType.objects.filter(pk=vip.pk).update(sold=2)
    gate.forget_counters([vip.pk])
    assert client.post(url, {f"qty_{vip.pk}": 2}, **HTMX).status_code == 409  # the gate
    session_reads.clear()
    answer = client.post(url, {f"qty_{vip.pk}": 2}, **HTMX)
    assert answer.status_code == 409
    assert session_reads == [] and account_count(buyer) == 1
    text = answer.content.decode()
    assert "not enough VIP tickets left" in text
    assert f'id="avail-{vip.pk}"' in text and "Only 1 left" in text
    # What is left can still be had.
    answer = client.post(url, {f"qty_{vip.pk}": 1}, **HTMX)
    assert answer.status_code == 200 and Hold.objects.get(buyer=buyer).quantity == 1


def test_once_a_second_a_refused_request_goes_to_the_gate_and_finds_lapsed_holds(client):
    vip = TicketTypeFactory(name="VIP", capacity=2, max_per_order=4)
    url = reverse("tickets:hold", args=[vip.event.slug])
    as_new_buyer(client)
    assert client.post(url, {f"qty_{vip.pk}": 2}, **HTMX).status_code == 200
    buyer = as_new_buyer(client)
    assert client.post(url, {f"qty_{vip.pk}": 1}, **HTMX).status_code == 409  # the gate
    assert client.post(url, {f"qty_{vip.pk}": 1}, **HTMX).status_code == 409  # memory
    # The first hold lapses and nobody releases it: within a second a request reaches the
    # gate again, which releases it (lazy expiry) and sells its tickets on.
    Hold.objects.filter(status="active").update(expires_at=timezone.now())
    time.sleep(1.1)
    answer = client.post(url, {f"qty_{vip.pk}": 1}, **HTMX)
    assert answer.status_code == 200
    assert Hold.objects.get(buyer=buyer, status="active").quantity == 1
    assert Hold.objects.exclude(buyer=buyer).get().status == "expired"


def test_a_buyer_holding_seats_can_choose_them_again_with_more(client, seated):
    # Their own held seats look taken to everyone else; the "holding" cookie sends their
    # new selection (which replaces the hold) past the memory to the gate.
    event, seats = seated
    url = reverse("tickets:hold_seats", args=[event.slug])
    buyer = as_new_buyer(client)
    assert client.post(url, {"seat": [seats[0].pk]}, **HTMX).status_code == 200
    assert "holding" in client.cookies
    assert client.cookies["holding"]["path"] == f"/events/{event.slug}/"
    answer = client.post(url, {"seat": [seats[0].pk, seats[1].pk]}, **HTMX)
    assert answer.status_code == 200
    hold = Hold.objects.get(buyer=buyer, status="active")
    assert sorted(c.seat_id for c in hold.seat_claims.all()) == [seats[0].pk, seats[1].pk]


def test_releasing_a_hold_frees_its_seats_for_the_next_buyer_at_once(client, seated):
    event, seats = seated
    url = reverse("tickets:hold_seats", args=[event.slug])
    as_new_buyer(client)
    assert client.post(url, {"seat": [seats[0].pk]}).status_code == 302
    hold = Hold.objects.get(status="active")
    response = client.post(reverse("tickets:release", args=[hold.pk]))
    assert response.status_code == 302
    assert client.cookies["holding"].value == ""  # the cookie is dropped
    as_new_buyer(client)
    for _ in range(2):  # the memory was refreshed by the release in this process
        answer = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert answer.status_code == 200
    assert Hold.objects.get(status="active").seat_claims.get().seat == seats[0]


def test_a_lapsed_session_gets_nothing_from_the_hold_views_and_is_signed_out(client, seated):
    event, seats = seated
    buyer = as_new_buyer(client)
    session = client.session
    session[roles.DEADLINE_KEY] = timezone.now().timestamp() - 1
    session.save()
    response = client.post(
        reverse("tickets:hold_seats", args=[event.slug]), {"seat": [seats[0].pk]}
    )
    assert response.status_code == 302 and response["Location"].startswith("/auth/login")
    assert not Hold.objects.filter(buyer=buyer).exists()
    page = client.get(response["Location"])
    assert "signed out after 8 hours" in page.content.decode()


def test_the_selector_page_still_ends_a_lapsed_session(client, seated):
    event, _seats = seated
    as_new_buyer(client)
    session = client.session
    session[roles.DEADLINE_KEY] = timezone.now().timestamp() - 1
    session.save()
    page = client.get(reverse("tickets:hold", args=[event.slug]))
    assert page.status_code == 200
    assert "signed out after 8 hours" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_memory_refuses_only_for_want_of_stock_other_problems_get_their_own_answer(client, seated):
    event, seats = seated
    url = reverse("tickets:hold_seats", args=[event.slug])
    as_new_buyer(client)
    assert client.post(url, {"seat": [seats[0].pk]}).status_code == 302
    band = seats[0].ticket_type
    band.sales_end = timezone.now()
    band.save()
    as_new_buyer(client)
    for _ in range(3):  # the gate's path each time, not "just been taken" from memory
        answer = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
        assert answer.status_code == 400
        assert "Sales of Stalls have ended" in answer.content.decode()


def test_seats_won_since_the_last_look_are_refused_from_memory_and_told(client, seated):
    event, seats = seated
    url = reverse("tickets:hold_seats", args=[event.slug])
    as_new_buyer(client)
    assert client.post(url, {"seat": [seats[0].pk]}).status_code == 302
    as_new_buyer(client)
    # Reaches the gate (the once-a-second pass) and loses: this process looks at the map.
    assert client.post(url, {"seat": [seats[0].pk]}, **HTMX).status_code == 409
    as_new_buyer(client)
    assert client.post(url, {"seat": [seats[1].pk]}).status_code == 302  # won after the look
    buyer = as_new_buyer(client)
    answer = client.post(url, {"seat": [seats[1].pk]}, **HTMX)
    assert answer.status_code == 409
    assert account_count(buyer) == 0  # answered from memory, not by the gate
    listed = re.search(r'data-(taken|free)="([\d,]*)"', answer.content.decode())
    ids = {int(s) for s in listed.group(2).split(",") if s}
    assert (seats[1].pk in ids) == (listed.group(1) == "taken")
