import io

import pytest
from PIL import Image

from accounts.roles import ORGANIZER, SESSION_KEY
from tests.factories import CategoryFactory, OrganizerFactory, VenueFactory


def sign_in_as_organizer(client, organizer):
    client.force_login(organizer.user)
    session = client.session
    session[SESSION_KEY] = ORGANIZER
    session.save()
    return client


@pytest.fixture
def organizer(db):
    return OrganizerFactory()


@pytest.fixture
def organizer_client(client, organizer):
    return sign_in_as_organizer(client, organizer)


@pytest.fixture
def category(db):
    return CategoryFactory(name="Concerts", slug="concerts")


@pytest.fixture
def venue(db):
    return VenueFactory(name="Eko Convention Centre", city="Lagos")


def image_bytes(fmt="PNG", size=(64, 36)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 79)).save(buffer, fmt)
    return buffer.getvalue()


def event_form_data(category, venue, **overrides):
    data = {
        "title": "Lagos Jazz Night",
        "description": "Live jazz by the lagoon.",
        "category": category.pk,
        "starts_at": "2030-03-14T19:00",
        "ends_at": "2030-03-14T23:00",
        "venue": venue.pk,
        "seating": "general",
        "fee_mode": "buyer",
    }
    data.update(overrides)
    return data


def ticket_form_data(**overrides):
    data = {
        "name": "Regular",
        "description": "",
        "price_kobo": "15000.00",
        "capacity": "200",
        "min_per_order": "1",
        "max_per_order": "10",
        "is_visible": "on",
        "is_transferable": "on",
    }
    data.update(overrides)
    return data
