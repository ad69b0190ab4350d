import pytest

from accounts.models import TeamMember, TeamRole
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory, UserFactory


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
def event(organizer):
    return EventFactory(organizer=organizer, title="Lagos Jazz Night")


@pytest.fixture
def regular(event):
    return TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000, capacity=100)


@pytest.fixture
def member_factory(organizer):
    def make(role, events=(), **fields):
        user = UserFactory()
        member = TeamMember.objects.create(organizer=organizer, user=user, role=role, **fields)
        member.events.set(events)
        return user

    return make


@pytest.fixture
def door_staff(member_factory, event):
    return member_factory(TeamRole.DOOR_STAFF, events=[event])
