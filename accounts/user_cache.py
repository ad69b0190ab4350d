"""The signed-in user (with their organizer and team membership, which every page's header
asks about) kept in the shared cache, so a signed-in request does not query the database
for who is signed in.

Each user has a version token in the cache; a copy is used only while it was stored under
the current token. Any change to the user, their organizer or their team membership deletes
the token after the change commits (`forget`): the next request makes a new token and reads
the database. A copy built from a row read just before a change commits was stored under the
old token and is never used. Signals cover saves and deletes; code updating these rows with
`update()` calls `forget` itself (accounts.guests.step_aside).

What sign-in depends on is never taken from an old copy: the password hash (the session's
auth hash is checked against it), `is_active` and `is_guest` all live on the user row, whose
every save forgets the copy. A copy lives `TIMEOUT` seconds at most, as a backstop for a
change the cache missed (it was unreachable when the token was deleted).

Without the cache (Redis down, or skipped after a failure: events.cache.available) the user
is read from the database, as before.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

from events import cache as event_cache

TIMEOUT = 60
TOKEN_TIMEOUT = 24 * 60 * 60


def _token_key(user_id) -> str:
    return f"auth:user:v:{user_id}"


def _copy_key(user_id) -> str:
    return f"auth:user:{user_id}"


def get(user_id, load):
    """The user `load()` reads from the database, or the current copy of it."""
    if not event_cache.available():
        return load()
    token_key, copy_key = _token_key(user_id), _copy_key(user_id)
    found = cache.get_many([token_key, copy_key])
    token, copy = found.get(token_key), found.get(copy_key)
    if token is not None and copy is not None and copy[0] == token:
        return copy[1]
    if token is None:
        cache.add(token_key, secrets.token_hex(8), timeout=TOKEN_TIMEOUT)
        token = cache.get(token_key)
        if token is None:  # unreachable: the next requests skip it rather than wait on it
            event_cache.mark_unavailable()
    user = load()
    if token is not None and user is not None:
        cache.set(copy_key, (token, user), timeout=TIMEOUT)
    return user


def _forget_now(user_ids) -> None:
    cache.delete_many([_token_key(pk) for pk in user_ids])


def forget(*user_ids) -> None:
    """The copies of these users are no longer used, from now and again once the current
    transaction commits (a request reading the old row meanwhile stores it under the old
    token)."""
    user_ids = [pk for pk in user_ids if pk is not None]
    if not user_ids:
        return
    _forget_now(user_ids)
    transaction.on_commit(lambda: _forget_now(user_ids))


# --- Receivers (connected in accounts.apps) ---------------------------------------------


def user_changed(sender, instance, **kwargs):
    forget(instance.pk)


def organizer_changed(sender, instance, **kwargs):
    from accounts.models import TeamMember

    members = TeamMember.objects.filter(organizer_id=instance.pk).values_list("user_id", flat=True)
    forget(instance.user_id, *members)


def membership_changed(sender, instance, **kwargs):
    forget(instance.user_id)
