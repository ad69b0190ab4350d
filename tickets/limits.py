"""Rate limits on hold requests: per account and per IP (settings.HOLD_RATE_LIMIT and
HOLD_RATE_LIMIT_PER_IP, django-ratelimit's "30/m" notation).

In an on-sale rush every hold request pays for these, so both limits are counted in the
gate's Redis in one round trip (tickets/lua/hit_limits.lua) instead of django-ratelimit's
several cache calls per limit. Without Redis, django-ratelimit counts them in the cache.
The account is the session's user id: the user row is not loaded to count a request.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django_ratelimit.core import is_ratelimited

from tickets import gate

MESSAGE = "Too many reservation attempts. Please wait a minute and try again."
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/m' → (30, 60); '5/10s' → (5, 10)."""
    match = _RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"Bad rate {rate!r}: use e.g. '30/m' or '5/10s'")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


def session_user_id(request) -> int | None:
    """The signed-in user's id as the session has it, without loading the user (the row is
    loaded and checked before anything is written: tickets.services._check_buyer)."""
    session = getattr(request, "session", None)
    value = None if session is None else session.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


def hold_limited(request) -> bool:
    """Count this hold request; True when the account or the IP is over its limit."""
    account_rate = settings.HOLD_RATE_LIMIT
    ip_rate = getattr(settings, "HOLD_RATE_LIMIT_PER_IP", "120/m")
    if gate.client() is not None:
        ip = request.META.get("REMOTE_ADDR", "")
        user_id = session_user_id(request)
        account = f"u:{user_id}" if user_id else f"ip:{ip}"
        over = gate.hit_limits(
            [(f"acct:{account}", *parse_rate(account_rate)), (f"ip:{ip}", *parse_rate(ip_rate))]
        )
        if over is not None:
            return over
    # No Redis (or it just failed): django-ratelimit on the cache.
    by_ip = is_ratelimited(request, group="tickets.hold:ip", key="ip", rate=ip_rate, increment=True)
    by_account = is_ratelimited(
        request, group="tickets.hold:account", key="user_or_ip", rate=account_rate, increment=True
    )
    return by_ip or by_account
