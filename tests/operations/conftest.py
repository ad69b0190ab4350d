import pytest

from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory


def sign_in_as_organizer(client, user):
    client.force_login(user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    return client


@pytest.fixture
def organizer(db):
    return OrganizerFactory(user__full_name="Funke Adeyemi")


@pytest.fixture
def organizer_client(client, organizer):
    return sign_in_as_organizer(client, organizer.user)


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer, title="Lagos Jazz Night")


@pytest.fixture
def regular(event):
    return TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000, capacity=100)


@pytest.fixture
def vip(event):
    return TicketTypeFactory(event=event, name="VIP", price_kobo=5_000_000, capacity=20)
