"""The active role lives in the session; only these helpers read or write it.

Session lifetime follows the active role: choosing a role (at sign-in, at /auth/select-role or
from the header switcher) restarts the clock with that role's lifetime. The deadline is kept in
the session itself so it holds whatever the session backend (Redis or database) and is checked
before every view by accounts.middleware.ActiveRoleMiddleware.
"""

from django.conf import settings
from django.utils import timezone

BUYER = "buyer"
ORGANIZER = "organizer"
ROLES = (BUYER, ORGANIZER)
SESSION_KEY = "active_role"
DEADLINE_KEY = "session_ends_at"


def active_role(request) -> str:
    """The role pages are shown in. For display: access checks also ask request.user
    (accounts.decorators)."""
    if not request.user.is_authenticated:
        return BUYER
    role = request.session.get(SESSION_KEY, BUYER)
    if role == ORGANIZER and not request.user.is_organizer:
        return BUYER
    return role


def session_age(role: str):
    return settings.ORGANIZER_SESSION_AGE if role == ORGANIZER else settings.BUYER_SESSION_AGE


def set_active_role(request, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    age = session_age(role)
    request.session[SESSION_KEY] = role
    request.session[DEADLINE_KEY] = (timezone.now() + age).timestamp()
    # The stored session and its cookie outlive the deadline a little, so the next visit
    # finds it, is signed out by the deadline check and told why (not silently anonymous).
    request.session.set_expiry(int((age + settings.SESSION_NOTICE_GRACE).total_seconds()))
    request.active_role = role


def session_has_ended(request) -> bool:
    deadline = request.session.get(DEADLINE_KEY)
    return deadline is not None and timezone.now().timestamp() >= deadline


def has_both_roles(user) -> bool:
    return bool(user.is_authenticated and user.is_organizer)
