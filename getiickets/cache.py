"""The default cache: django-redis, whose rate-limit counters fall back to process memory
while Redis is down (DESIGN.md §5).

django-redis already turns a dead Redis into cache misses for pages. Rate limiters cannot
take a miss for an answer: django-ratelimit and allauth's sign-in limit then refuse
everyone (a buyer told "too many attempts" who made one). Their counters ("rl:" and
"allauth:rl:" keys) are kept in this process's memory until Redis answers again, so a limit
still counts what this process saw and never blames a buyer for the outage.
"""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

RATE_LIMIT_KEYS = ("rl:", "allauth:rl:")

_local = LocMemCache("rate-limits-while-redis-is-down", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _counting_locally_when_down(name):
    def method(self, key, *args, **kwargs):
        if not str(key).startswith(RATE_LIMIT_KEYS):
            return getattr(super(FailSafeRedisCache, self), name)(key, *args, **kwargs)
        try:
            return getattr(self.client, name)(key, *args, **kwargs)
        except ConnectionInterrupted:
            return getattr(_local, name)(key, *args, **kwargs)

    method.__name__ = name
    return method


class FailSafeRedisCache(RedisCache):
    add = _counting_locally_when_down("add")
    get = _counting_locally_when_down("get")
    set = _counting_locally_when_down("set")
    incr = _counting_locally_when_down("incr")
    delete = _counting_locally_when_down("delete")
