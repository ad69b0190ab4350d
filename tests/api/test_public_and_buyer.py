"""/api/v1 for the public and for a signed-in buyer: what each endpoint answers, in kobo,
with problem details for every refusal."""

import pytest

from tests.factories import UserFactory, paid_order_with_tickets

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_published_upcoming_events_with_prices_in_kobo(api, catalogue):
    response = api.get("/api/v1/events")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_slug = {e["slug"]: e for e in body["results"]}
    assert set(by_slug) == {"burna-live", "wedding-play"}  # the draft is not listed
    assert by_slug["burna-live"]["min_price_kobo"] == 1_500_000
    assert by_slug["burna-live"]["remaining"] == 48 + 5
    assert by_slug["burna-live"]["url"].endswith("/events/burna-live")


def test_the_catalogue_filters_as_the_site_does(api, catalogue):
    body = api.get("/api/v1/events", {"q": "burna"}).json()
    assert [e["slug"] for e in body["results"]] == ["burna-live"]
    assert api.get("/api/v1/events", {"sort": "price"}).status_code == 200


@pytest.mark.parametrize(
    "params, field",
    [
        ({"when": "someday"}, "when"),
        ({"date_from": "not-a-date"}, "date_from"),
        ({"date_from": "2027-02-01", "date_to": "2027-01-01"}, "date_to"),
        ({"page": "0"}, "page"),
        ({"page_size": "5000"}, "page_size"),
        ({"category": "a b"}, "category"),
    ],
)
def test_bad_filters_answer_400_problem_details_naming_the_field(api, catalogue, params, field):
    response = api.get("/api/v1/events", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"]
    assert field in problem["errors"]


def test_one_event_shows_its_ticket_types_and_what_is_left(api, catalogue):
    response = api.get("/api/v1/events/burna-live")
    assert response.status_code == 200
    event = response.json()
    assert event["organizer"] == catalogue["concert"].organizer.name
    types = {t["name"]: t for t in event["ticket_types"]}
    assert types["Regular"]["available"] == 48
    assert types["Regular"]["price_kobo"] == 1_500_000
    assert types["Regular"]["status"] == "on_sale"


def test_each_ticket_types_status_is_the_one_the_event_page_shows(api):
    """Sales window first, then stock: not yet, ended (even when sold out), sold out, low
    (10 or fewer left, the event page's "Only N left"), on sale."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import EventFactory, TicketTypeFactory

    now = timezone.now()
    event = EventFactory(slug="status-night")
    kinds = {
        "Later": dict(capacity=50, sales_start=now + timedelta(days=1)),
        "Closed": dict(capacity=5, sold=5, sales_end=now - timedelta(hours=1)),
        "Gone": dict(capacity=5, sold=5),
        "Few": dict(capacity=20, sold=10),
        "Plenty": dict(capacity=20, sold=9),
    }
    for name, fields in kinds.items():
        TicketTypeFactory(event=event, name=name, **fields)
    page = api.get("/api/v1/events/status-night").json()
    status = {t["name"]: t["status"] for t in page["ticket_types"]}
    assert status == {
        "Later": "not_yet",
        "Closed": "ended",
        "Gone": "sold_out",
        "Few": "low",
        "Plenty": "on_sale",
    }


def test_a_draft_or_unknown_event_is_a_404_problem(api, catalogue):
    for slug in ("secret-draft", "no-such-event"):
        response = api.get(f"/api/v1/events/{slug}")
        assert response.status_code == 404
        assert response.json()["status"] == 404


def test_unknown_api_paths_answer_problem_json_not_the_sites_html(api, db):
    response = api.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_seat_availability_tells_free_taken_and_blocked_apart_by_section(api, catalogue):
    from tickets import inventory as services

    theatre, seats = catalogue["theatre"], catalogue["seats"]
    buyer = UserFactory()
    services.hold_seats(buyer=buyer, event=theatre, seat_ids=[seats[0].pk])
    seats[1].is_blocked = True
    seats[1].save()

    response = api.get("/api/v1/events/wedding-play/seats")
    assert response.status_code == 200
    status = {(s["section"], s["row"], s["number"]): s["status"] for s in response.json()}
    assert status == {
        ("Orchestra", "A", "1"): "taken",
        ("Orchestra", "A", "2"): "blocked",
        ("Balcony", "A", "1"): "free",
        ("Balcony", "A", "2"): "free",
    }
    assert api.get("/api/v1/events/burna-live/seats").status_code == 404  # not seated


def test_a_buyer_sees_their_own_orders_and_tickets_only(api, catalogue):
    other = UserFactory()
    paid_order_with_tickets(ticket_type=catalogue["regular"], quantity=1, buyer=other)
    api.force_authenticate(catalogue["buyer"])

    orders = api.get("/api/v1/me/orders").json()
    assert [o["reference"] for o in orders["results"]] == [catalogue["order"].reference]
    assert orders["results"][0]["total_kobo"] == catalogue["order"].total_kobo
    assert len(orders["results"][0]["items"]) == 2

    tickets = api.get("/api/v1/me/tickets").json()["results"]
    assert sorted(t["id"] for t in tickets) == sorted(t.pk for t in catalogue["tickets"])
    first = api.get(f"/api/v1/me/tickets/{catalogue['tickets'][0].pk}").json()
    assert first["qr_payload"] == catalogue["tickets"][0].qr_payload
    assert first["pdf_url"].endswith(f"/dashboard/orders/{catalogue['order'].reference}/pdf")


def test_another_buyers_order_or_ticket_is_a_404(api, catalogue):
    api.force_authenticate(UserFactory())
    reference = catalogue["order"].reference
    assert api.get(f"/api/v1/me/orders/{reference}").status_code == 404
    assert api.get(f"/api/v1/me/tickets/{catalogue['tickets'][0].pk}").status_code == 404


def test_buyer_endpoints_need_a_signed_in_buyer(api, catalogue):
    response = api.get("/api/v1/me/orders")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_the_openapi_document_and_its_offline_docs_page_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/events" in paths and "/api/v1/me/orders" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html  # no CDN
    assert "cdn" not in html.lower()


def test_control_characters_anywhere_in_an_api_request_get_a_400_problem(api, catalogue):
    for response in (
        api.get("/api/v1/events", {"q": "a\x00b"}),
        api.get("/api/v1/events/burna%00live"),
    ):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 400


def test_the_api_catalogue_says_sold_out_as_soon_as_the_page_does(api, catalogue, client):
    from events import services
    from events.models import TicketType

    assert api.get("/api/v1/events", {"q": "burna"}).json()["results"][0]["remaining"] == 53
    for ticket_type in TicketType.objects.filter(event=catalogue["concert"]):
        services.update_ticket_type(ticket_type=ticket_type, capacity=ticket_type.sold)
    assert "Sold out" in client.get("/events", {"q": "burna"}).content.decode()
    listed = api.get("/api/v1/events", {"q": "burna"}).json()["results"][0]
    assert listed["remaining"] == 0 and listed["min_price_kobo"] is None


def test_a_transferred_ticket_is_no_longer_in_the_buyers_api_list(api, catalogue):
    from tickets.models import Ticket

    first, second = catalogue["tickets"]
    Ticket.objects.filter(pk=first.pk).update(status=Ticket.Status.TRANSFERRED)
    api.force_authenticate(catalogue["buyer"])
    assert [t["id"] for t in api.get("/api/v1/me/tickets").json()["results"]] == [second.pk]
    assert api.get(f"/api/v1/me/tickets/{first.pk}").status_code == 404
