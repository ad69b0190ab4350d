"""No htmx request is ever answered with a whole page (a second header and footer swapped
into a fragment): every htmx endpoint the site's pages use, signed out, as a buyer who does
not own the thing and as its owner, with and without the form's fields."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from events import services as events_services
from events.models import Event
from payments.models import RefundBatch
from tests.checkout_helpers import hold_for
from tests.factories import (
    EventFactory,
    OrderFactory,
    OrganizerFactory,
    TicketTypeFactory,
    UserFactory,
)
from tickets.models import WaitingRoom

pytestmark = pytest.mark.django_db

HX_ATTR = re.compile(r'hx-(get|post)="([^"]*)"')
URL_TAG = re.compile(r"\{% url '([\w:]+)'")


def _signed_in(user, role=None) -> Client:
    client = Client()
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()
    return client


@pytest.fixture
def site():
    """Every page that carries an htmx element, in the state that shows it."""
    organizer = OrganizerFactory()
    ga = TicketTypeFactory(event__organizer=organizer, capacity=20).event
    seated = EventFactory(organizer=organizer, seating=Event.Seating.RESERVED)
    band = TicketTypeFactory(event=seated, capacity=0)
    events_services.generate_section(
        event=seated, name="Stalls", rows=2, seats_per_row=3, ticket_type=band
    )
    buyer = UserFactory(full_name="Chidi Okafor", phone="+2348031234567")
    hold = hold_for(buyer=buyer, ticket_type=TicketTypeFactory(event=ga, capacity=5), quantity=1)
    preparing = OrderFactory(buyer=buyer, event=ga)  # paid, tickets not issued yet
    RefundBatch.objects.create(event=ga, total=4, refunded=1, status="running")
    pages = {
        None: ["/", "/events", f"/events/{ga.slug}", f"/events/{seated.slug}"],
        "buyer": [
            f"/checkout?hold={hold.pk}",
            f"/orders/{preparing.reference}",
            f"/checkout/success?reference={preparing.reference}",
            "/dashboard/tickets",
        ],
        "organizer": [f"/organizer/events/{seated.pk}/seats", f"/organizer/events/{ga.pk}/refunds"],
    }
    if settings.REDIS_URL:  # the waiting room queues in Redis only
        queued = TicketTypeFactory(event__organizer=organizer, capacity=20).event
        WaitingRoom.objects.create(event=queued, enabled=True, admissions_per_minute=1)
        pages["buyer"].append(f"/events/{queued.slug}/queue")
    clients = {
        None: Client(),
        "buyer": _signed_in(buyer),
        "organizer": _signed_in(organizer.user, "organizer"),
    }
    return pages, clients


def _endpoints(site):
    pages, clients = site
    found = {}
    for who, urls in pages.items():
        for url in urls:
            page = clients[who].get(url)
            assert page.status_code == 200, url
            for method, target in HX_ATTR.findall(page.content.decode()):
                found[(method, unescape(target) or url)] = who
    return found


HX_ANY_VERB = re.compile(r'hx-(get|post|put|patch|delete)="([^"]*)"')
# hx- URLs written as a variable, not a {% url %} tag: the ticket selector's URL table.
NAMED_ELSEWHERE = {
    "{{ sel.urls.status }}": "tickets:availability",
    "{{ sel.urls.hold }}": "tickets:hold",
    "{{ sel.urls.hold_seats }}": "tickets:hold_seats",
}


def _template_files():
    roots = [Path(settings.BASE_DIR) / "templates"] + list(
        Path(settings.BASE_DIR).glob("*/templates")
    )
    for root in roots:
        yield from root.rglob("*.html")


def _templates_hx_url_names() -> set[str]:
    """The view names of every hx-get/hx-post/hx-put/hx-patch/hx-delete in any template; a
    URL this test cannot name (nor any verb but GET and POST) fails it, so a new htmx
    endpoint cannot slip past the walk below."""
    names, unknown = set(), []
    for path in _template_files():
        for verb, attr in HX_ANY_VERB.findall(path.read_text()):
            found = URL_TAG.findall(attr) or (
                [NAMED_ELSEWHERE[attr]] if attr in NAMED_ELSEWHERE else []
            )
            if not found or verb not in ("get", "post"):
                unknown.append(f"{path.name}: hx-{verb}={attr}")
            names.update(found)
    assert unknown == [], "name these htmx URLs in NAMED_ELSEWHERE (and walk them)"
    return names


def _is_whole_page(html: str) -> bool:
    return "<html" in html.lower() or html.count("site-header") > 0 or "<main" in html


def test_the_walk_reaches_every_htmx_endpoint_in_the_templates(site):
    reached = {resolve(url.split("?")[0]).view_name for _, url in _endpoints(site)}
    expected = _templates_hx_url_names()
    if not settings.REDIS_URL:  # the waiting room's queue page needs Redis (see `site`)
        expected -= {"tickets:queue"}
    assert expected <= reached, expected - reached
    assert {"tickets:availability", "tickets:hold", "tickets:hold_seats"} <= expected


def test_nothing_else_sends_htmx_requests():
    """No boosted links or forms, and no script calling htmx itself: every htmx request
    comes from an hx- attribute the walk above reaches."""
    for path in _template_files():
        assert "hx-boost" not in path.read_text(), path
    scripts = Path(settings.BASE_DIR) / "static" / "js"
    for path in scripts.glob("*.js"):
        if path.name != "htmx.min.js":
            assert not re.search(r"htmx\.(ajax|process)\(", path.read_text()), path


def test_no_htmx_endpoint_answers_a_fragment_request_with_a_whole_page(site):
    _, clients = site
    strangers = {"stranger": _signed_in(UserFactory()), "signed out": Client()}
    answered = 0
    for (method, url), owner in _endpoints(site).items():
        for who, client in [("owner", clients[owner]), *strangers.items()]:
            send = client.get if method == "get" else client.post
            for data in ({}, {"qty_1": "1", "seat": "1", "code": "X", "action": "apply"}):
                response = send(url, data, HTTP_HX_REQUEST="true")
                label = f"{method.upper()} {url} as {who} with {data or 'nothing'}"
                assert response.status_code not in (301, 302, 303, 307, 308), label
                assert response.status_code < 500, label
                assert not _is_whole_page(response.content.decode()), label
                answered += 1
    assert answered > 40


def test_a_signed_out_reserve_takes_the_whole_page_to_sign_in(client):
    ticket_type = TicketTypeFactory(capacity=10)
    response = client.post(
        f"/events/{ticket_type.event.slug}/hold",
        {f"qty_{ticket_type.pk}": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/auth/login?next=")
    assert response.content == b""
    # Without htmx the same request is an ordinary redirect to sign-in.
    plain = client.post(f"/events/{ticket_type.event.slug}/hold", {f"qty_{ticket_type.pk}": "2"})
    assert plain.status_code == 302 and plain["Location"].startswith("/auth/login?next=")


def test_the_catalogue_filters_get_the_results_alone_and_history_gets_the_page(client):
    EventFactory(title="Comedy Jam")
    partial = client.get("/events?q=comedy", HTTP_HX_REQUEST="true")
    assert 'id="event-results"' in partial.content.decode()
    assert not _is_whole_page(partial.content.decode())
    restored = client.get(
        "/events?q=comedy", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()
