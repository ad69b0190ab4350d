import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import PASSWORD, OrganizerFactory, UserFactory


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def buyer(db):
    return UserFactory(email="ada@example.ng", full_name="Ada Obi", phone="+2348031112222")


@pytest.fixture
def organizer_user(db):
    return OrganizerFactory(name="Lagos Beats", slug="lagos-beats").user


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post("/auth/login", {"login": user.email, "password": password}, **extra)


def link_in_last_email(pattern=r"http://\S+"):
    body = mail.outbox[-1].body
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


@pytest.fixture
def travel(monkeypatch):
    """`travel(timedelta)` moves Django's clock forward from now (time travel)."""
    real_now = timezone.now

    def go(delta):
        monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)

    return go
