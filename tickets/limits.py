"""Rate limits on hold requests: per account and per IP (settings.HOLD_RATE_LIMIT and
HOLD_RATE_LIMIT_PER_IP, django-ratelimit's "30/m" notation).

In an on-sale rush every hold request pays for these, so both limits are counted in the
gate's Redis by the same script call that takes the tickets or claims the seats (the
prelude tickets/lua/_rate_limits.lua), and by one call of their own when a request never
reaches the gate, instead of django-ratelimit's several cache calls per limit. Without
Redis, django-ratelimit counts them in the cache. The account is the session's user id:
the user row is not loaded to count a request.

I wrote the Redis side rather than use django-ratelimit there: its round trips per request
were measurable under a rush, and counting inside the gate's call saves one more.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django_ratelimit.core import is_ratelimited

from accounts.middleware import end_session_if_lapsed
from getiickets.errors import DomainError
from tickets import gate

MESSAGE = "Too many reservation attempts. Please wait a minute and try again."


class RateLimited(DomainError):
    """Over a hold rate limit (the answer is MESSAGE)."""

    status_code = 429

    def __init__(self):
        super().__init__(MESSAGE)


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
    loaded and checked before anything is written: tickets.services._check_buyer). A session
    that outlived its role is ended first (the hold views defer that check to here)."""
    end_session_if_lapsed(request)
    session = getattr(request, "session", None)
    value = None if session is None else session.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


def _ip_rate() -> str:
    return getattr(settings, "HOLD_RATE_LIMIT_PER_IP", "120/m")


def gate_limits(request) -> list[tuple[str, int, int]]:
    """The request's limits as the gate counts them: (counter name, limit, window seconds)."""
    ip = request.META.get("REMOTE_ADDR", "")
    user_id = session_user_id(request)
    account = f"u:{user_id}" if user_id else f"ip:{ip}"
    return [
        (f"acct:{account}", *parse_rate(settings.HOLD_RATE_LIMIT)),
        (f"ip:{ip}", *parse_rate(_ip_rate())),
    ]


def hold_limited(request) -> bool:
    """Count this hold request; True when the account or the IP is over its limit."""
    if gate.client() is not None:
        over = gate.hit_limits(gate_limits(request))
        if over is not None:
            return over
    # No Redis (or it just failed): django-ratelimit on the cache.
    by_ip = is_ratelimited(
        request, group="tickets.hold:ip", key="ip", rate=_ip_rate(), increment=True
    )
    by_account = is_ratelimited(
        request,
        group="tickets.hold:account",
        key="user_or_ip",
        rate=settings.HOLD_RATE_LIMIT,
        increment=True,
    )
    return by_ip or by_account


class HoldRate:
    """The rate limits of one hold request, counted exactly once: by the gate, in the same
    call that takes the tickets or claims the seats (`for_gate`, then `counted_by_gate`), or
    by `over()` when the request is answered without the gate."""

    def __init__(self, request):
        self.request = request
        self.counted = False

    def for_gate(self) -> list[tuple[str, int, int]]:
        """What the next gate call should count ([] once counted)."""
        if self.counted or gate.client() is None:
            return []
        return gate_limits(self.request)

    def counted_by_gate(self) -> None:
        self.counted = True

    def over(self) -> bool:
        """Count the request now, unless it has been; True when it is over a limit."""
        if self.counted:
            return False
        self.counted = True
        return hold_limited(self.request)
