"""A selection made before signing in is held the moment the buyer signs in (issue 18 item 2).

A signed-out buyer who presses Reserve has the selection kept in the session
(tickets.views._attempt). Whatever way they then sign in (straight away, or after
signing up and verifying the email in this tab or another), the selection is held as they
sign in and they land at checkout with the tickets held, or, if the tickets went
meanwhile, on the waitlist with a message saying so. A new account also keeps its selection
for an hour outside the session, so a verification link opened in another browser and a
sign-in there still finds it. "Continue as guest" (accounts.guests, issue 18 item 3) holds
the selection the same way for the guest the session now checks out for.
"""

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.urls import reverse

from accounts import guests
from accounts.landing import land_after_sign_in
from events.models import Event
from getiickets.errors import DomainError
from tickets import inventory, selector
from tickets.inventory import waiting_room
from tickets.models import Hold

KEEP_SECONDS = 3600


def _cache_key(user_id) -> str:
    return f"pending-selection:user:{user_id}"


@receiver(user_signed_up, dispatch_uid="tickets.resume.keep_for_new_account")
def keep_for_new_account(sender, request, user, **kwargs):
    pending = request.session.get(selector.SESSION_KEY) if request is not None else None
    if pending:
        cache.set(_cache_key(user.pk), pending, KEEP_SECONDS)


@receiver(user_logged_in, dispatch_uid="tickets.resume.hold_on_sign_in")
def hold_on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    pending = request.session.pop(selector.SESSION_KEY, None) or cache.get(_cache_key(user.pk))
    cache.delete(_cache_key(user.pk))
    _hold_pending(request, pending, buyer=user, done="You're signed in and")


@receiver(guests.guest_started, dispatch_uid="tickets.resume.hold_for_guest")
def hold_for_guest(sender, request, guest, phone, previous_hold_ids=(), **kwargs):
    # One reservation per session and event: holds this browser made for another guest
    # identity go back on sale first, so typing new emails never hoards tickets.
    for hold in Hold.objects.filter(pk__in=previous_hold_ids, status=Hold.Status.ACTIVE):
        inventory.release_hold(hold=hold, status=Hold.Status.REPLACED)
    pending = request.session.pop(selector.SESSION_KEY, None)
    _hold_pending(request, pending, buyer=guest, done="Thanks,")


def _hold_pending(request, pending, *, buyer, done: str) -> None:
    """Hold the selection kept in the session and land at checkout (or on the waitlist)."""
    if not pending:
        return
    event = Event.objects.filter(slug=pending.get("event"), status=Event.Status.PUBLISHED).first()
    if event is None:
        return
    if waiting_room.must_queue(request, event):  # a rush: the selection waits its turn too
        request.session[selector.SESSION_KEY] = pending
        land_after_sign_in(request, reverse("tickets:queue", args=[event.slug]))
        return
    try:
        if pending.get("seats"):
            hold = inventory.hold_seats(
                buyer=buyer,
                event=event,
                seat_ids=[int(s) for s in pending["seats"]],
                **guests.guest_hold_rules(request, buyer),
            )
        else:
            hold = inventory.hold_tickets(
                buyer=buyer,
                event=event,
                quantities={int(k): int(v) for k, v in pending.get("quantities", {}).items()},
                **guests.guest_hold_rules(request, buyer),
            )
    except DomainError as exc:
        if isinstance(exc, inventory.LimitExceeded | inventory.HoldInProgress):
            messages.warning(request, exc.message, fail_silently=True)
            land_after_sign_in(request, selector.event_url(event))
            return
        messages.warning(
            request,
            f"The tickets you chose for {event.title} went while you were signing in "
            f"({exc.message}). Join the waitlist and we will offer them to you if they come "
            "back.",
            fail_silently=True,  # a sign-in without the messages middleware (tests, admin)
        )
        land_after_sign_in(request, f"{reverse('waitlist:join')}?event={event.slug}")
        return
    guests.remember_hold(request, hold.pk)
    messages.success(
        request,
        f"{done} your tickets for {event.title} are held.",
        fail_silently=True,
    )
    land_after_sign_in(request, selector.checkout_url(hold))
