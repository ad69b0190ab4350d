"""Helpers shared by the checkout, orders and payments tests."""

import re
import threading

import pytest
import requests
from django.db import connection
from django.test import Client

from orders import services
from payments import gateway
from tests.factories import TicketTypeFactory, UserFactory
from tickets import inventory as tickets


def details_for(user):
    return services.BuyerDetails(full_name=user.full_name, email=user.email, phone=str(user.phone))


def hold_for(buyer=None, ticket_type=None, quantity=2):
    ticket_type = ticket_type or TicketTypeFactory(price_kobo=1_000_000, capacity=50)
    buyer = buyer or UserFactory()
    return tickets.hold_tickets(
        buyer=buyer, event=ticket_type.event, quantities={ticket_type.pk: quantity}
    )


def order_for(hold=None, promo_code="", **kwargs):
    hold = hold or hold_for(**kwargs)
    return services.place_order(
        buyer=hold.buyer, hold=hold, details=details_for(hold.buyer), promo_code=promo_code
    )


@pytest.fixture
def sandbox(live_server, settings):
    """The real paystackapi client talks to the sandbox on the live server over HTTP;
    the sandbox posts its webhooks back to the same server, inline."""
    settings.SITE_URL = live_server.url
    settings.PAYSTACK_BASE_URL = live_server.url + "/sandbox/paystack"
    settings.PAYSTACK_SANDBOX_SYNC_WEBHOOKS = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    gateway.reset()
    yield live_server
    gateway.reset()


def http_session_for(user, live_server) -> requests.Session:
    """A requests session signed in as `user` on the live server."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sandbox_choose(authorization_url: str, choice: str, session=None) -> requests.Response:
    """Press Pay or Decline on the sandbox's hosted checkout page, like a buyer would."""
    session = session or requests.Session()
    page = session.get(authorization_url, timeout=10)
    assert "Sandbox — no real money" in page.text
    return session.post(
        authorization_url,
        data={"csrfmiddlewaretoken": csrf_from(page.text), "choice": choice},
        allow_redirects=False,
        timeout=20,
    )


def run_together(*targets):
    """Run the callables in threads released at the same instant; (results, errors)."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)
    errors = []

    def wrap(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # surfaced to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors
