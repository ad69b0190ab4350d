"""Page weight on a slow link (issue 18 item 9): every buyer page, as production serves it
(DEBUG off, HTML and static files compressed), transfers at most 100 KB before images.

Measured as a browser on an empty cache fetches it through the proxy
(deploy/nginx/default.conf.template: gzip level 5 for pages, `gzip_static` for the .gz copies
CompressedManifestStaticFilesStorage writes beside each static file at level 9): the page
gzipped plus every stylesheet and script it links, gzipped. `pytest -s` prints the table
the README quotes."""

import gzip
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from events import services as event_services
from events.models import Event
from tests.checkout_helpers import hold_for
from tests.factories import (
    EventFactory,
    OrderFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets import fulfilment

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

BUDGET = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def gz(data: bytes, level=9) -> int:
    return len(gzip.compress(data, compresslevel=level))


def weight(html: bytes) -> tuple[int, list[str]]:
    assets = sorted(set(ASSET.findall(html.decode())))
    total = 0
    for url in assets:
        path = finders.find(url.removeprefix("/static/").split("?")[0])
        assert path, url
        with open(path, "rb") as f:
            total += gz(f.read())
    return total, assets


@pytest.fixture
def pages(settings):
    settings.DEBUG = False
    buyer = UserFactory(full_name="Ada Obi", phone="+2348031234567")
    for i in range(14):
        TicketTypeFactory(event__title=f"Afrobeats Night {i}", capacity=100)
    ga = TicketTypeFactory(name="Regular", capacity=100).event
    TicketTypeFactory(event=ga, name="VIP", capacity=20, price_kobo=5_000_000)
    seated = EventFactory(title="Theatre Night", seating=Event.Seating.RESERVED)
    for name in ("Stalls", "Balcony"):
        band = TicketTypeFactory(event=seated, name=f"{name} seats", capacity=0)
        event_services.generate_section(
            event=seated, name=name, rows=20, seats_per_row=25, ticket_type=band
        )
    hold = hold_for(buyer=buyer, ticket_type=TicketTypeFactory(event=ga, capacity=9), quantity=2)
    for days in range(1, 21):
        event = EventFactory(starts_at=timezone.now() + timedelta(days=days))
        paid_order_with_tickets(ticket_type=TicketTypeFactory(event=event), quantity=2, buyer=buyer)
    order = OrderFactory(buyer=buyer, items=4)
    fulfilment.start_fulfilment(order.pk)
    signed_in = Client()
    signed_in.force_login(buyer)
    signed_in.get("/")
    anonymous = Client()
    return [
        ("home", anonymous, "/"),
        ("catalogue", anonymous, "/events"),
        ("catalogue, filtered", anonymous, "/events?city=Lagos&sort=price"),
        ("event (GA)", anonymous, f"/events/{ga.slug}"),
        ("event (1,000 seats)", anonymous, f"/events/{seated.slug}"),
        ("sign in", anonymous, "/auth/login"),
        ("sign up", anonymous, "/auth/register"),
        ("checkout", signed_in, f"/checkout?hold={hold.pk}"),
        ("success", signed_in, f"/checkout/success?reference={order.reference}"),
        ("order", signed_in, f"/orders/{order.reference}"),
        ("my tickets (40)", signed_in, "/dashboard/tickets"),
        ("my orders", signed_in, "/dashboard/orders"),
        ("waitlist", signed_in, f"/waitlist?event={ga.slug}"),
        ("FAQs", anonymous, "/faqs"),
    ]


def test_every_buyer_page_transfers_at_most_100_kb_before_images(pages):
    rows = []
    for name, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assets, _ = weight(response.content)
        html = gz(response.content, level=5)  # nginx's gzip_comp_level
        rows.append((name, len(response.content), html, assets, html + assets))
    print("\n| page | HTML | HTML sent (gzip) | CSS+JS gzipped | total |\n|---|---|---|---|---|")
    for name, raw, html, assets, total in rows:
        print(
            f"| {name} | {raw / 1024:.1f} KB | {html / 1024:.1f} KB | {assets / 1024:.1f} KB"
            f" | **{total / 1024:.1f} KB** |"
        )
    over = [(name, total) for name, _, _, _, total in rows if total > BUDGET]
    assert over == []


def test_the_proxy_sends_pages_and_static_files_compressed():
    from django.conf import settings

    template = (settings.BASE_DIR / "deploy/nginx/default.conf.template").read_text()
    for directive in ("gzip on;", "gzip_comp_level 5;", "gzip_static on;", "gzip_proxied any;"):
        assert directive in template
    assert "application/javascript" in template and "text/css" in template
