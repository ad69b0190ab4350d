"""Who is signed in, as pages show it: from the session, without the user row.

Every page's header asks whether someone is signed in and whether they organize. For the
crowd loading an event page in an on-sale rush, answering that from the user row was a
database query (and a connection health check) per page: about half of what the page cost.
The session already says who is signed in (and its lifetime is checked before every view);
whether they organize is kept in it too: written at sign-in and on role changes, and
refreshed whenever a request loads the user row anyway (`remember`).

For display only: what a request may do is always decided on request.user.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.utils.functional import empty

FACTS_KEY = "viewer"


def facts_of(user) -> dict:
    """What pages show about a signed-in user beyond their being signed in."""
    return {"organizer": bool(user.is_organizer)}


def remember(request, user) -> None:
    """Keep `user`'s facts in the session (written only when they changed)."""
    if not user.is_authenticated:
        return
    facts = facts_of(user)
    if request.session.get(FACTS_KEY) != facts:
        request.session[FACTS_KEY] = facts


def remember_if_loaded(request) -> None:
    """After a request that loaded the user row anyway: refresh the facts from it (an
    organizer approved since signing in sees the organizer's header from then on)."""
    user = request.__dict__.get("user")
    if user is not None and getattr(user, "_wrapped", None) is not empty:
        session = getattr(request, "session", None)
        if session is not None and AUTH_SESSION_KEY in session:
            remember(request, user)


def signed_in(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and AUTH_SESSION_KEY in session


def is_organizer(request) -> bool:
    if not signed_in(request):
        return False
    facts = request.session.get(FACTS_KEY)
    if facts is None:  # a session from before the facts were kept: ask the row once
        remember(request, request.user)
        facts = request.session.get(FACTS_KEY, {})
    return bool(facts.get("organizer"))


class Viewer:
    """The templates' `user`: is_authenticated and is_organizer from the session; anything
    else from request.user (which loads the row)."""

    def __init__(self, request):
        self._request = request

    @property
    def is_authenticated(self) -> bool:
        return signed_in(self._request)

    @property
    def is_anonymous(self) -> bool:
        return not self.is_authenticated

    @property
    def is_organizer(self) -> bool:
        return is_organizer(self._request)

    def __getattr__(self, name):
        if name.startswith("_"):  # copy and pickle probe before __init__ has run
            raise AttributeError(name)
        return getattr(self._request.user, name)

    def __str__(self) -> str:
        return str(self._request.user)
