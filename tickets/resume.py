"""A selection made before signing in is held the moment the buyer signs in (issue 18 item 2).

A signed-out buyer who presses Reserve has the selection kept in the session
(tickets.views._attempt). Whatever way they then sign in (straight away, or after
signing up and verifying the email in this tab or another), the selection is held as they
sign in and they land at checkout with the tickets held, or, if the tickets went
meanwhile, on the waitlist with a message saying so. A new account also keeps its selection
for an hour outside the session, so a verification link opened in another browser and a
sign-in there still finds it.
"""

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.urls import reverse

from accounts.landing import land_after_sign_in
from events.models import Event
from getiickets.errors import DomainError
from tickets import inventory, selector
from tickets.inventory import waiting_room

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
                buyer=user,
                event=event,
                seat_ids=[int(s) for s in pending["seats"]],
            )
        else:
            hold = inventory.hold_tickets(
                buyer=user,
                event=event,
                quantities={int(k): int(v) for k, v in pending.get("quantities", {}).items()},
            )
    except DomainError as exc:
        messages.warning(
            request,
            f"The tickets you chose for {event.title} went while you were signing in "
            f"({exc.message}). Join the waitlist and we will offer them to you if they come "
            "back.",
            fail_silently=True,  # a sign-in without the messages middleware (tests, admin)
        )
        land_after_sign_in(request, f"{reverse('waitlist:join')}?event={event.slug}")
        return
    messages.success(
        request,
        f"You're signed in and your tickets for {event.title} are held.",
        fail_silently=True,
    )
    land_after_sign_in(request, selector.checkout_url(hold))
