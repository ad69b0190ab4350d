"""The active role lives in the session; only these helpers read or write it."""

BUYER = "buyer"
ORGANIZER = "organizer"
SESSION_KEY = "active_role"


def active_role(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return BUYER
    role = request.session.get(SESSION_KEY, BUYER)
    if role == ORGANIZER and not user.is_organizer:
        return BUYER
    return role


def set_active_role(request, role: str) -> None:
    from django.conf import settings

    request.session[SESSION_KEY] = role
    age = settings.ORGANIZER_SESSION_AGE if role == ORGANIZER else settings.BUYER_SESSION_AGE
    request.session.set_expiry(int(age.total_seconds()))
